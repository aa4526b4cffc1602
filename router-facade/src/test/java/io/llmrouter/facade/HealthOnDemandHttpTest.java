package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.Json;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.GeneralSettings;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /health} over the real router with background checks off: checked on demand, once for
 * concurrent callers, then served from the cache until {@link GeneralSettings#ON_DEMAND_HEALTH_CACHE}
 * passes on the injected clock; each endpoint carries its quota state.
 */
class HealthOnDemandHttpTest {
  static final String KEY = "sk-test-master-key";

  final TestClock clock = new TestClock();
  final ScriptedProvider provider = new ScriptedProvider(clock, List.of(ScriptedProvider.exampleInfo("groq")));
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  Router router;
  FacadeServer server;

  void start(RouterConfig config) throws java.io.IOException {
    router = LlmRouter.builder(config).env(Env.of(Map.of("GROQ_API_KEY", "gsk-test-secret"))).clock(clock).sleeper(clock::sleep)
        .providerClient(provider).build();
    server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).masterKey(Secret.of(KEY))
        .shutdownGrace(Duration.ofMillis(100)).clock(clock).build());
    server.start();
  }

  @AfterEach
  void stop() {
    if (server != null) server.stop();
    if (router != null) router.close();
  }

  CompletableFuture<HttpResponse<String>> health() {
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
        .timeout(Duration.ofSeconds(30)).header("authorization", "Bearer " + KEY).GET().build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode json(CompletableFuture<HttpResponse<String>> f) throws Exception {
    HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.tree(r.body());
  }

  /** Threads parked inside the router's single-flight wait (another caller runs the check). */
  static long threadsJoinedToTheHealthCheck() {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getState() == Thread.State.WAITING || e.getKey().getState() == Thread.State.TIMED_WAITING)
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals("io.llmrouter.core.HealthChecker")
            && f.getMethodName().equals("recent")))
        .filter(e -> Arrays.stream(e.getValue()).noneMatch(f -> f.getClassName().equals(HealthOnDemandHttpTest.class.getName())))
        .count();
  }

  @Test
  void concurrentCallersShareOneOnDemandCheckAndLaterOnesGetTheCacheUntilItExpires() throws Exception {
    start(RouterConfig.builder().deployment(DeploymentBuilder.of("fast", "groq/model-a").id("a"))
        .deployment(DeploymentBuilder.of("fast", "groq/model-b").id("b")).build());
    AtomicInteger upstream = new AtomicInteger();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    for (String id : List.of("a", "b")) {
      provider.listing(id, ep -> {
        upstream.incrementAndGet();
        entered.countDown();
        try {
          release.await(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new ProviderResponse<>(List.of(new ModelListing(ep.model(), null, true, null, null)), 200, Map.of(),
            RateSignal.none(clock.instant()));
      });
    }
    int callers = 4;
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    responses.add(health());
    try {
      assertThat(entered.await(20, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < callers; i++) responses.add(health());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (threadsJoinedToTheHealthCheck() < callers - 1 && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(threadsJoinedToTheHealthCheck()).isEqualTo(callers - 1);
    } finally {
      release.countDown();
    }
    List<String> checkedAt = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> r : responses) {
      JsonNode h = json(r);
      assertThat(h.get("healthy_count").asInt()).isEqualTo(2);
      checkedAt.add(h.get("checked_at").asText());
    }
    assertThat(checkedAt).containsOnly(checkedAt.get(0));
    assertThat(upstream.get()).isEqualTo(2); // one probe per deployment for all four callers

    clock.advance(GeneralSettings.ON_DEMAND_HEALTH_CACHE.minusMillis(1));
    assertThat(json(health()).get("checked_at").asText()).isEqualTo(checkedAt.get(0));
    assertThat(upstream.get()).isEqualTo(2);

    clock.advance(Duration.ofMillis(1));
    JsonNode fresh = json(health());
    assertThat(fresh.get("checked_at").asText()).isEqualTo(clock.instant().toString());
    assertThat(upstream.get()).isEqualTo(4);
  }

  @Test
  void eachEndpointShowsItsQuotaState() throws Exception {
    start(RouterConfig.builder().deployment(DeploymentBuilder.of("fast", "groq/model-a").id("a")).numRetries(0)
        .general(new GeneralSettings(null, false, Duration.ofSeconds(300), false, io.llmrouter.api.HealthCheckMode.CHAT)).build());
    Instant reset = clock.instant().plus(Duration.ofHours(9));
    RateSignal spent = new RateSignal(new RateSignal.Window(14_400L, 0L, reset, RateScope.DAY), null, null, clock.instant());
    provider.alwaysFail("a", new RateLimitedException("429 daily request limit reached",
        new ErrorContext(429, "groq", "a", Map.of(), null, spent), RateScope.DAY, null, reset));

    JsonNode h = json(health());
    assertThat(h.get("unhealthy_count").asInt()).isEqualTo(1);
    JsonNode e = h.at("/unhealthy_endpoints/0");
    assertThat(e.get("error").asText()).contains("429");
    assertThat(e.get("x-ratelimit-remaining-requests").asLong()).isZero();
    assertThat(e.at("/quota/requests/limit").asLong()).isEqualTo(14_400L);
    assertThat(e.at("/quota/requests/remaining").asLong()).isZero();
    assertThat(e.at("/quota/requests/reset_at").asText()).isEqualTo(reset.toString());
    assertThat(e.at("/quota/requests/scope").asText()).isEqualTo("day");
    assertThat(e.at("/quota/tokens").isNull()).isTrue();
    assertThat(e.at("/quota/blocked_until").asText()).isEqualTo(reset.toString());
    assertThat(h.toString()).doesNotContain("gsk-test-secret");
  }
}
