package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: 600 authenticated requests to a full group with {@code "timeout": 1000000} once parked inside
 * the router and took every request thread, so the health probes failed. Over real HTTP against
 * {@link FacadeServer} with the real engine.
 */
class WaitingRequestsTest {
  static final String KEY = "sk-test-master-key-waiting";
  static final int N = 600;
  static final int MAX_WAITING = 64;

  @Test
  void healthAnswersWithinASecondUnderSixHundredWaitingRequests() throws Exception {
    TestClock clock = new TestClock();
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger sleeping = new AtomicInteger();
    ScriptedProvider provider = new ScriptedProvider(clock, List.of(ScriptedProvider.exampleInfo("groq")));
    RouterConfig config = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("g", "groq/m").id("d").rpm(1)).numRetries(3).build();
    // Waiting is real blocking (a thread held) until the test releases it; then the test clock moves on.
    Router router = LlmRouter.builder(config).env(Env.of(Map.of("GROQ_API_KEY", "gsk-test")))
        .clock(clock).sleeper(d -> {
          sleeping.incrementAndGet();
          try {
            release.await(120, TimeUnit.SECONDS);
          } finally {
            sleeping.decrementAndGet();
          }
          clock.sleep(d);
        })
        .providerClient(provider).maxWaiting(MAX_WAITING).maxClientTimeout(Duration.ofSeconds(300)).build();
    // The one request a minute the group allows is spent: everything after it would wait for the window.
    router.chat(ChatRequest.builder().model("g").messages(ChatMessage.user("first")).build());

    FacadeServer server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0)
        .masterKey(Secret.of(KEY)).shutdownGrace(Duration.ofMillis(100)).clock(clock)
        // Every client here is 127.0.0.1: lift the per-address connection cap (512 by default, its own test is
        // SlowClientsTest) so the 600 connections reach the router and this test sees the waiting bound.
        .maxConnectionsPerAddress(1_000).build());
    server.start();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    try {
      String body = "{\"model\":\"g\",\"timeout\":1000000,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      CountDownLatch answered = new CountDownLatch(N - MAX_WAITING);
      for (int i = 0; i < N; i++) {
        HttpRequest req = HttpRequest.newBuilder(uri(server, "/v1/chat/completions")).timeout(Duration.ofSeconds(120))
            .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        f.whenComplete((r, e) -> answered.countDown());
        futures.add(f);
      }
      // Those beyond the bound are answered at once: 429 with Retry-After, the wait they were refused.
      assertThat(answered.await(60, TimeUnit.SECONDS)).isTrue();
      List<HttpResponse<String>> refused = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> f : futures) if (f.isDone()) refused.add(f.join());
      assertThat(refused).hasSize(N - MAX_WAITING);
      assertThat(sleeping.get()).isLessThanOrEqualTo(MAX_WAITING);
      for (HttpResponse<String> r : refused) {
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("retry-after")).isPresent();
        assertThat(Long.parseLong(r.headers().firstValue("retry-after").orElseThrow())).isBetween(1L, 60L);
        assertThat(Json.tree(r.body()).at("/error/type").asText()).isEqualTo("rate_limit_error");
      }

      // With the waiters parked, the probes still answer, each within a second.
      for (String probe : new String[] {"/health/liveliness", "/health/readiness", "/health/liveliness", "/health/readiness"}) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(server, probe)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.statusCode()).as(probe).isEqualTo(200);
        assertThat(ms).as(probe + " answered in " + ms + " ms").isLessThan(1_000);
      }

      // Released, the waiters end too: served as the window reopens, or refused at the capped deadline.
      release.countDown();
      CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      for (CompletableFuture<HttpResponse<String>> f : futures) assertThat(f.join().statusCode()).isIn(200, 429, 503, 504);
    } finally {
      release.countDown();
      server.stop();
      router.close();
    }
  }

  private static URI uri(FacadeServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
