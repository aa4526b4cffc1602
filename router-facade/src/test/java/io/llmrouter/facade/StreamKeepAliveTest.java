package io.llmrouter.facade;

import static io.llmrouter.facade.StreamingTest.streamBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A provider that goes silent mid-stream: keep-alive comments, and a client hanging up during the silence. */
class StreamKeepAliveTest extends FacadeTestBase {

  @Override
  FacadeOptions.Builder options() {
    return super.options().streamKeepAlive(Duration.ofMillis(100));
  }

  private Socket openStream(Socket socket) throws Exception {
    String body = streamBody("fast");
    OutputStream out = socket.getOutputStream();
    out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
    out.flush();
    return socket;
  }

  @Test
  void silenceIsFilledWithKeepAliveCommentsAndTheStreamThenContinues() throws Exception {
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "d", "pm")).chunk(ScriptedRouter.chunk("pm", "first"));
    router.onStream = r -> s;
    try (Socket socket = openStream(new Socket("127.0.0.1", server.port()))) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> seen = new ArrayList<>();
      int keepAlives = 0;
      for (String line; (line = in.readLine()) != null; ) {
        seen.add(line);
        if (line.equals(": keep-alive") && ++keepAlives == 2) {
          // The provider speaks again after a silence: its chunk and the end still arrive.
          s.chunk(ScriptedRouter.chunk("pm", "second")).end();
        }
        if (line.equals("data: [DONE]")) break;
      }
      assertThat(keepAlives).isGreaterThanOrEqualTo(2);
      assertThat(seen.stream().filter(l -> l.startsWith("data: ")).toList())
          .hasSize(3)
          .satisfies(d -> assertThat(d.get(0)).contains("first"), d -> assertThat(d.get(1)).contains("second"));
    }
  }

  @Test
  void aClientHangingUpWhileTheProviderIsSilentCancelsTheUpstream() throws Exception {
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "d", "pm")).chunk(ScriptedRouter.chunk("pm", "first"));
    router.onStream = r -> s;
    try (Socket socket = openStream(new Socket("127.0.0.1", server.port()))) {
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) break;
    }
    // The provider sends nothing more; only the facade's own keep-alive writes can discover the hang-up.
    assertThat(s.closed.await(10, TimeUnit.SECONDS)).as("upstream closed after a hang-up during silence").isTrue();
    assertThat(s.served.get()).isEqualTo(1);
  }
}
