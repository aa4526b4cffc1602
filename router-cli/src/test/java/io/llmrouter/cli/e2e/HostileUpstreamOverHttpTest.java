package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.testkit.FaultyUpstream;
import io.llmrouter.testkit.FaultyUpstream.Kind;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16 over real HTTP: the facade in front of the real engine and provider client, a hostile upstream
 * behind. Resets, truncated bodies, HTML and non-JSON answers are 502 (or the fallback's 200), absurd
 * 429s are 429 with a sane {@code Retry-After}, a stall is 504 at the deadline; and a short soak keeps a
 * flat heap after full GC.
 */
class HostileUpstreamOverHttpTest {
  static FaultyUpstream upstream;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    upstream = FaultyUpstream.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  /** A facade over a router whose group "main" is one deployment at {@code fault}, with group "backup" (OK) as its fallback when asked. */
  private static final class Served implements AutoCloseable {
    final Router router;
    final FacadeServer server;

    Served(Kind fault, boolean fallback) throws Exception {
      RouterConfigBuilder b = RouterConfig.builder()
          .deployment(DeploymentBuilder.of("main", "hosted_vllm/m").id("bad").apiBase(upstream.baseUrl(fault))).numRetries(0);
      if (fallback) {
        b.deployment(DeploymentBuilder.of("backup", "hosted_vllm/m").id("good").apiBase(upstream.baseUrl(Kind.OK))).fallbacks("main", "backup");
      }
      router = LlmRouter.builder(b.build()).env(Env.of(Map.of())).build();
      server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(200)).build());
      server.start();
    }

    HttpResponse<String> chat(double timeoutSeconds) throws Exception {
      String body = "{\"model\":\"main\",\"timeout\":" + timeoutSeconds + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
      server.stop();
      router.close();
    }
  }

  @ParameterizedTest(name = "{0} is a 502")
  @EnumSource(value = Kind.class, names = {"RESET", "TRUNCATED", "HTML_ERROR", "HTML_OK", "NON_JSON", "HUGE_BODY", "GZIP_BOMB"})
  void brokenAnswersAreBadGateway(Kind fault) throws Exception {
    try (Served s = new Served(fault, false)) {
      HttpResponse<String> r = s.chat(5);
      assertThat(r.statusCode()).as(fault + ": " + r.body()).isEqualTo(502);
      assertThat(Json.tree(r.body()).at("/error/type").asText()).isEqualTo("api_error");
    }
  }

  @ParameterizedTest(name = "{0} falls back")
  @EnumSource(value = Kind.class, names = {"RESET", "TRUNCATED", "HTML_ERROR", "HTML_OK", "NON_JSON", "STALL", "GIANT_RETRY_AFTER"})
  void brokenAnswersFallBack(Kind fault) throws Exception {
    try (Served s = new Served(fault, true)) {
      HttpResponse<String> r = s.chat(3);
      assertThat(r.statusCode()).as(fault + ": " + r.body()).isEqualTo(200);
      assertThat(Json.tree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("ok");
    }
  }

  @Test
  void absurdRetryAfterIsA429WithASaneRetryAfter() throws Exception {
    try (Served s = new Served(Kind.GIANT_RETRY_AFTER, false)) {
      HttpResponse<String> r = s.chat(5);
      assertThat(r.statusCode()).isEqualTo(429);
      long ra = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
      // Clamped to what an unknown scope can mean (a day plus an hour), never a year or an overflow.
      assertThat(ra).isBetween(1L, 25L * 3600);
    }
  }

  @Test
  void aStallIsAGatewayTimeoutAtTheDeadline() throws Exception {
    try (Served s = new Served(Kind.STALL, false)) {
      long t0 = System.nanoTime();
      HttpResponse<String> r = s.chat(1.5);
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(r.statusCode()).as(r.body()).isIn(502, 504);
      assertThat(ms).isBetween(1_400L, 5_000L);
    }
  }

  /**
   * A bounded soak (25 s of 8 clients over faulty and healthy deployments): the heap after a full GC at
   * the end is no larger than after warm-up plus 16 MB. Prints both figures.
   */
  @Test
  void aShortSoakKeepsAFlatHeap() throws Exception {
    RouterConfigBuilder b = RouterConfig.builder().numRetries(0);
    Kind[] kinds = {Kind.OK, Kind.RESET, Kind.TRUNCATED, Kind.HTML_ERROR, Kind.NON_JSON, Kind.NEGATIVE_HEADERS, Kind.GIANT_RESET};
    for (int i = 0; i < kinds.length; i++) {
      b.deployment(DeploymentBuilder.of("main", "hosted_vllm/m").id("d" + i).apiBase(upstream.baseUrl(kinds[i])));
    }
    b.allowedFails(1_000_000);
    Router router = LlmRouter.builder(b.build()).env(Env.of(Map.of())).build();
    FacadeServer server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(200)).build());
    server.start();
    String url = "http://127.0.0.1:" + server.port() + "/v1/chat/completions";
    AtomicLong requests = new AtomicLong();
    try {
      run(url, 8, Duration.ofSeconds(5), requests); // warm-up
      long before = usedAfterGc();
      run(url, 8, Duration.ofSeconds(25), requests);
      long after = usedAfterGc();
      System.out.printf("soak: %d requests, heap after full GC %.1f MB -> %.1f MB%n", requests.get(), before / 1e6, after / 1e6);
      assertThat(requests.get()).isGreaterThan(500);
      assertThat(after).as("heap after GC grew from %d to %d bytes", before, after).isLessThanOrEqualTo(before + 16L * 1024 * 1024);
    } finally {
      server.stop();
      router.close();
    }
  }

  private static void run(String url, int clients, Duration length, AtomicLong requests) throws Exception {
    long until = System.nanoTime() + length.toNanos();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    for (int c = 0; c < clients; c++) {
      pool.submit(() -> {
        while (System.nanoTime() < until) {
          try {
            http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                .build(), HttpResponse.BodyHandlers.discarding());
            requests.incrementAndGet();
          } catch (Exception e) {
            return null;
          }
        }
        return null;
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(length.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();
  }

  private static long usedAfterGc() throws InterruptedException {
    var mem = ManagementFactory.getMemoryMXBean();
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return mem.getHeapMemoryUsage().getUsed();
  }
}
