package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a facade with no master key (allowed on loopback) must not serve web pages. A page anywhere can
 * send a CORS "simple" POST (text/plain, no preflight) with its own {@code Origin}, or reach the port under its
 * own name after a DNS rebinding ({@code Host: evil.example}); both are refused. Preflights are answered for
 * loopback origins only. Raw HTTP, since {@code java.net.http} will not set {@code Host}.
 */
class BrowserAttacksTest {

  static String chat(String host, String origin, String contentType, String extraHeaders) {
    String body = FacadeTestBase.chatBody("fast");
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: " + host + "\r\n" + (origin == null ? "" : "Origin: " + origin + "\r\n")
        + "Content-Type: " + contentType + "\r\n" + extraHeaders + "Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
        + body;
  }

  static String preflight(String origin) {
    return "OPTIONS /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: " + origin
        + "\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: authorization, content-type\r\n"
        + "Connection: close\r\n\r\n";
  }

  /** No master key: the browser checks apply. */
  @Nested
  class OpenFacade extends FacadeTestBase {
    @Override
    FacadeOptions.Builder options() {
      return super.options().masterKey(null);
    }

    RawHttp.Reply send(String request) throws Exception {
      return RawHttp.exchange(server.port(), request, Duration.ofSeconds(5));
    }

    @Test
    void aSimplePostFromAForeignOriginIsRefusedBeforeTheRouter() throws Exception {
      for (String origin : new String[] {"https://evil.example", "null", "http://127.0.0.1.evil.example",
          "http://localhost.evil.example:4000", "file://", "http://user@localhost"}) {
        RawHttp.Reply r = send(chat("127.0.0.1:" + server.port(), origin, "text/plain", ""));
        assertThat(r.status()).as(origin).isEqualTo(403);
        assertThat(Json.tree(r.body()).at("/error/code").asText()).isEqualTo("forbidden");
        assertThat(r.header("access-control-allow-origin")).isNull();
      }
      assertThat(router.requests).isEmpty();
    }

    @Test
    void aDnsReboundHostIsRefused() throws Exception {
      for (String host : new String[] {"evil.example:" + server.port(), "evil.example", "127.0.0.1.nip.io", "0.0.0.0", ""}) {
        RawHttp.Reply r = send(chat(host, null, "application/json", ""));
        assertThat(r.status()).as(host).isIn(400, 403);
        assertThat(Json.tree(r.body()).has("error")).isTrue();
      }
      assertThat(router.requests).isEmpty();
    }

    @Test
    void loopbackHostsAndOriginsAreServed() throws Exception {
      int port = server.port();
      for (String host : new String[] {"127.0.0.1:" + port, "localhost:" + port, "LOCALHOST", "[::1]:" + port, "127.0.0.5"}) {
        assertThat(send(chat(host, null, "application/json", "")).status()).as(host).isEqualTo(200);
      }
      RawHttp.Reply fromLocalPage = send(chat("127.0.0.1:" + port, "http://localhost:3000", "application/json", ""));
      assertThat(fromLocalPage.status()).isEqualTo(200);
      assertThat(fromLocalPage.header("access-control-allow-origin")).isEqualTo("http://localhost:3000");
      assertThat(router.requests).hasSize(6);
    }

    @Test
    void preflightsAreAnsweredForLoopbackOriginsOnly() throws Exception {
      RawHttp.Reply ok = send(preflight("http://127.0.0.1:8080"));
      assertThat(ok.status()).isEqualTo(204);
      assertThat(ok.header("access-control-allow-origin")).isEqualTo("http://127.0.0.1:8080");
      assertThat(ok.header("access-control-allow-methods")).contains("POST");
      assertThat(ok.header("access-control-allow-headers")).contains("authorization");

      RawHttp.Reply evil = send(preflight("https://evil.example"));
      assertThat(evil.status()).isEqualTo(403);
      assertThat(evil.header("access-control-allow-origin")).isNull();
    }

    @Test
    void probesStayOpenWhateverTheHost() throws Exception {
      RawHttp.Reply r = send("GET /health/liveliness HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
      assertThat(r.status()).isEqualTo(200);
    }
  }

  /** With a master key the key is the protection; CORS preflights still answer loopback origins only. */
  @Nested
  class KeyedFacade extends FacadeTestBase {
    @Test
    void aForeignOriginWithTheKeyIsServedButGetsNoCorsGrant() throws Exception {
      RawHttp.Reply r = RawHttp.exchange(server.port(), chat("evil.example", "https://evil.example", "application/json",
          "Authorization: Bearer " + KEY + "\r\n"), Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("access-control-allow-origin")).isNull();

      RawHttp.Reply withoutKey = RawHttp.exchange(server.port(), chat("127.0.0.1", "https://evil.example", "text/plain", ""),
          Duration.ofSeconds(5));
      assertThat(withoutKey.status()).isEqualTo(401);
      assertThat(RawHttp.exchange(server.port(), preflight("https://evil.example"), Duration.ofSeconds(5)).status()).isEqualTo(403);
    }
  }
}
