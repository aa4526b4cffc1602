package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: clients that send their bodies slowly, with a valid key, must not take the server. Bodies are
 * read without holding a request thread, within {@link FacadeOptions#bodyTimeout()}, and one client address
 * holds at most {@link FacadeOptions#maxConnectionsPerAddress()} connections. Loopback only: the slow
 * clients come from 127.0.0.2, the probes from 127.0.0.1.
 */
class SlowClientsTest extends FacadeTestBase {
  static final String SLOW_FROM = "127.0.0.2";

  private static String slowChatHead(int contentLength) {
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
        + "\r\nContent-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n{\"model\":";
  }

  private RawHttp.Reply liveliness() throws IOException {
    return RawHttp.exchange(server.port(), "GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration.ofSeconds(1));
  }

  @Test
  void sevenHundredSlowAuthenticatedBodiesLeaveLivelinessAnsweringWithinASecond() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 700; i++) {
        Socket s = RawHttp.connect(SLOW_FROM, server.port(), Duration.ofSeconds(5));
        slow.add(s);
        try {
          s.getOutputStream().write(slowChatHead(1_000).getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
        } catch (IOException closedOverTheLimit) {
          // Beyond maxConnectionsPerAddress the server closes the connection: that is the limit working.
        }
      }
      // Each probe has one second (the socket timeout of RawHttp.exchange); before the fix each slow body
      // held a request thread and the probes timed out.
      for (int probe = 0; probe < 4; probe++) {
        RawHttp.Reply r = liveliness();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("\"I'm alive!\"");
      }
      // A real client on another address is served at once too.
      assertThat(postAuthed("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : slow) s.close();
    }
    assertThat(router.requests).as("no slow body was complete").hasSize(1);
  }

  @Test
  void aBodyThatDoesNotArriveInTimeIs408AndTheConnectionCloses() throws Exception {
    server.stop();
    server = new FacadeServer(router, options().bodyTimeout(Duration.ofMillis(300)).build());
    server.start();
    try (Socket s = RawHttp.connect(SLOW_FROM, server.port(), Duration.ofSeconds(5))) {
      OutputStream out = s.getOutputStream();
      out.write(slowChatHead(1_000).getBytes(StandardCharsets.US_ASCII));
      out.flush();

      RawHttp.Reply r = RawHttp.read(s.getInputStream());

      assertThat(r.status()).isEqualTo(408);
      assertThat(r.header("content-type")).startsWith("application/json");
      assertThat(Json.tree(r.body()).at("/error/code").asText()).isEqualTo("request_timeout");
      assertThat(r.header("connection")).isEqualTo("close");
      assertThat(RawHttp.closedByServer(s)).isTrue();
    }
    assertThat(router.requests).isEmpty();
  }

  @Test
  void oneAddressHoldsAtMostTheConfiguredConnections() throws Exception {
    server.stop();
    server = new FacadeServer(router, options().maxConnectionsPerAddress(3).build());
    server.start();
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        Socket s = RawHttp.connect(SLOW_FROM, server.port(), Duration.ofSeconds(5));
        held.add(s);
        // Answered, so the connection is surely open and counted on the server before the next one.
        s.getOutputStream().write("GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(RawHttp.read(s.getInputStream()).status()).isEqualTo(200);
      }
      try (Socket fourth = RawHttp.connect(SLOW_FROM, server.port(), Duration.ofSeconds(5))) {
        assertThat(RawHttp.closedByServer(fourth)).as("the fourth connection from one address is closed").isTrue();
      }
      // Another address is not affected.
      assertThat(liveliness().status()).isEqualTo(200);
      // Closing one frees its place.
      held.remove(0).close();
      RawHttp.Reply again = null;
      for (int attempt = 0; attempt < 500 && again == null; attempt++) {
        try (Socket s = RawHttp.connect(SLOW_FROM, server.port(), Duration.ofSeconds(5))) {
          s.getOutputStream().write("GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          again = RawHttp.read(s.getInputStream());
        } catch (IOException stillCounted) {
          // The server has not seen the close yet; the socket close is asynchronous on its side.
          Thread.onSpinWait();
        }
      }
      assertThat(again).isNotNull();
      assertThat(again.status()).isEqualTo(200);
    } finally {
      for (Socket s : held) s.close();
    }
  }
}
