package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16, "already holding (keep them holding)": the attacks the facade already withstood, each kept by a
 * test over real HTTP on loopback, each bounded in time. Slow clients come from 127.0.0.2, probes from
 * 127.0.0.1.
 */
class AttackSuiteTest extends FacadeTestBase {
  static final String CHAT = "/v1/chat/completions";

  private RawHttp.Reply liveliness() throws IOException {
    return RawHttp.exchange(server.port(), "GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
        Duration.ofSeconds(1));
  }

  /** Twenty presented keys: only the exact key, as a Bearer token (any case of "Bearer") or x-api-key, gets in. */
  @Test
  void twentyMasterKeyVariantsAndWhichEndpointsAreOpen() throws Exception {
    String[][] refused = {
        {"authorization", "Bearer " + KEY + "x"}, {"authorization", "Bearer " + KEY.substring(1)},
        {"authorization", "Bearer " + KEY.substring(0, KEY.length() - 1)}, {"authorization", "Bearer " + KEY.toUpperCase()},
        {"authorization", KEY}, {"authorization", "Basic " + KEY}, {"authorization", "Token " + KEY},
        {"authorization", "Bearer"}, {"authorization", "Bearer "}, {"authorization", "Bearer" + KEY},
        {"authorization", "Bearer " + KEY + "\u0000"}, {"authorization", "Bearer " + KEY.replace('s', '\u0455')},
        {"x-api-key", ""}, {"x-api-key", KEY + KEY}, {"x-api-key", "Bearer " + KEY}, {"api-key", KEY},
    };
    for (String[] h : refused) {
      HttpResponse r = send(h);
      assertThat(r.status).as("%s: %s", h[0], h[1].length()).isIn(400, 401);
      assertThat(r.body).doesNotContain(KEY);
    }
    String[][] accepted = {
        {"authorization", "Bearer " + KEY}, {"authorization", "bearer " + KEY}, {"authorization", "BEARER  " + KEY + " "},
        {"x-api-key", " " + KEY},
    };
    for (String[] h : accepted) assertThat(send(h).status).as("%s: %s", h[0], h[1]).isEqualTo(200);
    assertThat(refused.length + accepted.length).isEqualTo(20);

    // Open without a key: the probes only. Everything else is 401 without one.
    assertThat(get("/health/liveliness").statusCode()).isEqualTo(200);
    assertThat(get("/health/readiness").statusCode()).isEqualTo(200);
    for (String path : new String[] {"/v1/models", "/models", "/v1/models/fast", "/health", "/cooldowns"}) {
      assertThat(get(path).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(post(CHAT, chatBody("fast")).statusCode()).isEqualTo(401);
    assertThat(post("/chat/completions", chatBody("fast")).statusCode()).isEqualTo(401);
    RawHttp.Reply delete = RawHttp.exchange(server.port(), "DELETE /cooldowns/all HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + "Connection: close\r\n\r\n", Duration.ofSeconds(5));
    assertThat(delete.status()).isEqualTo(401);
    assertThat(router.requests).hasSize(accepted.length);
  }

  private record HttpResponse(int status, String body) {}

  private HttpResponse send(String[] header) throws IOException {
    String body = chatBody("fast");
    RawHttp.Reply r = RawHttp.exchange(server.port(), "POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header[0] + ": "
        + header[1] + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\nConnection: close\r\n\r\n"
        + body, Duration.ofSeconds(5));
    return new HttpResponse(r.status(), r.body());
  }

  /** A 50 MB body (declared, or chunked without a length) is refused with 413 without reading it all. */
  @Test
  @Timeout(60)
  void fiftyMegabyteBodiesAre413AtOnce() throws Exception {
    long fifty = 50L * 1024 * 1024;
    try (Socket s = RawHttp.connect(null, server.port(), Duration.ofSeconds(5))) {
      s.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + fifty + "\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
      // The answer comes before the body: only its first bytes were sent.
      RawHttp.Reply r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(413);
      assertThat(Json.tree(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    }
    try (Socket s = RawHttp.connect(null, server.port(), Duration.ofSeconds(10))) {
      OutputStream out = s.getOutputStream();
      out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = ("100000\r\n" + "a".repeat(0x100000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      try {
        for (; sent < fifty; sent += 0x100000) out.write(chunk);
      } catch (IOException closedByTheServer) {
        // Expected: the server answered at the limit and closed the connection.
      }
      RawHttp.Reply r = RawHttp.read(s.getInputStream());
      assertThat(r.status()).isEqualTo(413);
      assertThat(sent).as("the server stopped reading at the limit").isLessThan(fifty);
    }
    assertThat(router.requests).isEmpty();
    assertThat(liveliness().status()).isEqualTo(200);
  }

  /** 100,000 levels of nesting are a 400, not a stack overflow, in the body and inside a field. */
  @Test
  @Timeout(30)
  void hundredThousandDeepNestingIs400() throws Exception {
    int depth = 100_000;
    String arrays = "[".repeat(depth) + "]".repeat(depth);
    String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    for (String body : new String[] {arrays, objects,
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":" + arrays + "}]}",
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"x_extra\":" + objects + "}"}) {
      java.net.http.HttpResponse<String> r = postAuthed(CHAT, body);
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(HttpErrorsTest.error(r).get("type").asText()).isEqualTo("invalid_request_error");
    }
    assertThat(router.requests).isEmpty();
    assertThat(liveliness().status()).isEqualTo(200);
  }

  /** Three pipelined requests on one connection get three answers, in order. */
  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    String body = chatBody("fast");
    String pipelined = "GET /health/liveliness HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        + "POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body
        + "GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY + "\r\n\r\n"
        + "POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
        + "\r\nContent-Type: application/json\r\nContent-Length: 4\r\nConnection: close\r\n\r\n{no}";
    try (Socket s = RawHttp.connect(null, server.port(), Duration.ofSeconds(10))) {
      s.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      RawHttp.Reply first = RawHttp.read(in);
      RawHttp.Reply second = RawHttp.read(in);
      RawHttp.Reply third = RawHttp.read(in);
      RawHttp.Reply fourth = RawHttp.read(in);
      assertThat(first.body()).isEqualTo("\"I'm alive!\"");
      assertThat(second.status()).isEqualTo(200);
      assertThat(Json.tree(second.body()).at("/choices/0/message/content").asText()).isEqualTo("hello from fast");
      assertThat(Json.tree(third.body()).at("/object").asText()).isEqualTo("list");
      assertThat(fourth.status()).isEqualTo(400);
    }
  }

  /** 10,000 malformed requests in a row: each a 400 in OpenAI's shape, and the server is still well afterwards. */
  @Test
  @Timeout(120)
  void tenThousandRapidMalformedRequests() throws Exception {
    String[] bodies = {"{", "{\"model\":", "null", "[1,2]", "{\"model\":\"fast\",\"messages\":\"x\"}", "\u0000\u0001", "{}}",
        "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"x\"}"};
    int threads = 4;
    int perThread = 2_500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        done.add(pool.submit(() -> {
          int ok = 0;
          try (Socket s = RawHttp.connect(null, server.port(), Duration.ofSeconds(10))) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            for (int i = 0; i < perThread; i++) {
              byte[] b = bodies[(i + seed) % bodies.length].getBytes(StandardCharsets.UTF_8);
              // One write per request: a header write then a body write would wait on Nagle and delayed ACKs.
              java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
              request.write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
                  + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
              request.write(b);
              out.write(request.toByteArray());
              RawHttp.Reply r = RawHttp.read(in);
              if (r.status() == 400 && Json.tree(r.body()).at("/error/type").asText().equals("invalid_request_error")) ok++;
            }
          }
          return ok;
        }));
      }
      int ok = 0;
      for (Future<Integer> f : done) ok += f.get(110, TimeUnit.SECONDS);
      assertThat(ok).isEqualTo(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
    assertThat(router.requests).isEmpty();
    assertThat(liveliness().status()).isEqualTo(200);
    assertThat(postAuthed(CHAT, chatBody("fast")).statusCode()).isEqualTo(200);
  }

  /** 500 slowloris connections (headers never finished) leave the probes answering within a second. */
  @Test
  @Timeout(60)
  void fiveHundredSlowlorisConnections() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 500; i++) {
        Socket s = RawHttp.connect(SlowClientsTest.SLOW_FROM, server.port(), Duration.ofSeconds(5));
        slow.add(s);
        s.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow-" + i + ": a")
            .getBytes(StandardCharsets.US_ASCII));
      }
      for (Socket s : slow) s.getOutputStream().write("b".getBytes(StandardCharsets.US_ASCII));
      for (int probe = 0; probe < 4; probe++) assertThat(liveliness().status()).isEqualTo(200);
      assertThat(postAuthed(CHAT, chatBody("fast")).statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : slow) s.close();
    }
  }
}
