package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.HealthCheckMode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.core.config.GeneralSettings;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Router.health() checks on demand (single-flight, cached), checkHealth's modes, and the quota state in reports. */
class HealthOnDemandTest extends EngineTestSupport {

  private Router twoDeployments(GeneralSettings general) {
    return router(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b")).general(general).build());
  }

  @Test
  void healthWithBackgroundChecksOffRunsOnDemandAndCachesForTheCacheTime() {
    Router router = twoDeployments(GeneralSettings.defaults());
    HealthReport first = router.health();
    assertThat(first.healthy()).extracting(HealthReport.Endpoint::deploymentId).containsExactly("a", "b");
    assertThat(provider.listCalls()).hasSize(2);

    clock.advance(GeneralSettings.ON_DEMAND_HEALTH_CACHE.minusMillis(1));
    assertThat(router.health()).isSameAs(first);
    assertThat(provider.listCalls()).hasSize(2);

    clock.advance(Duration.ofMillis(1));
    HealthReport second = router.health();
    assertThat(second.checkedAt()).isAfter(first.checkedAt());
    assertThat(provider.listCalls()).hasSize(4);
  }

  @Test
  void concurrentCallersShareOneRun() throws Exception {
    Router router = twoDeployments(GeneralSettings.defaults());
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    provider.listing("a", ep -> {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new ProviderResponse<>(List.of(new ModelListing("model-a", null, true, null, null)), 200, Map.of(), RateSignal.none(clock.instant()));
    });
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<HealthReport>> results = new ArrayList<>();
      results.add(pool.submit(router::health));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i < callers; i++) results.add(pool.submit(router::health));
      RouterEngine engine = (RouterEngine) router;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (engine.healthWaiters() < callers - 1 && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(engine.healthWaiters()).isEqualTo(callers - 1);
      release.countDown();
      HealthReport one = results.get(0).get(10, TimeUnit.SECONDS);
      for (Future<HealthReport> f : results) assertThat(f.get(10, TimeUnit.SECONDS)).isSameAs(one);
      assertThat(provider.listCalls()).hasSize(2);
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  @Test
  void checkHealthAlwaysRunsAndItsReportIsCached() {
    Router router = twoDeployments(GeneralSettings.defaults());
    HealthReport explicit = router.checkHealth();
    router.checkHealth();
    assertThat(provider.listCalls()).hasSize(4);
    HealthReport cached = router.health();
    assertThat(cached.checkedAt()).isEqualTo(explicit.checkedAt());
    assertThat(provider.listCalls()).hasSize(4);
  }

  @Test
  void chatModeSendsAOneTokenCompletionAndListModeTheListing() {
    Router router = twoDeployments(new GeneralSettings(null, false, Duration.ofSeconds(300), false, HealthCheckMode.CHAT));
    router.health();
    assertThat(provider.listCalls()).isEmpty();
    assertThat(provider.calls()).hasSize(2);
    assertThat(provider.calls()).allSatisfy(c -> assertThat(c.call().request().maxTokens()).isEqualTo(1));

    router.checkHealth(HealthCheckMode.LIST);
    assertThat(provider.listCalls()).hasSize(2);
    assertThat(provider.calls()).hasSize(2);
  }

  @Test
  void aChatProbeFailureIsUnhealthyAndItsRateSignalIsTheQuotaState() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).numRetries(0).build());
    Instant reset = clock.instant().plus(Duration.ofHours(14));
    RateSignal spent = new RateSignal(new RateSignal.Window(1000L, 0L, reset, RateScope.DAY),
        new RateSignal.Window(6000L, 5990L, clock.instant().plusSeconds(1), RateScope.MINUTE), null, clock.instant());
    provider.alwaysFail("a", new io.llmrouter.api.RateLimitedException("429 daily requests spent",
        new io.llmrouter.api.ErrorContext(429, "groq", "a", Map.of(), null, spent), RateScope.DAY, null, reset));
    HealthReport listed = router.checkHealth(HealthCheckMode.LIST);
    assertThat(listed.unhealthy()).isEmpty();
    assertThat(listed.healthy().get(0).quota()).isNull();

    HealthReport chat = router.checkHealth(HealthCheckMode.CHAT);
    assertThat(chat.unhealthy()).hasSize(1);
    HealthReport.Quota q = chat.unhealthy().get(0).quota();
    assertThat(q).isNotNull();
    assertThat(q.blockedUntil()).isEqualTo(reset);
    assertThat(q.requests().remaining()).isZero();
    assertThat(q.requests().resetAt()).isEqualTo(reset);
    assertThat(q.requests().scope()).isEqualTo(RateScope.DAY);
    assertThat(q.tokens().remaining()).isEqualTo(5990L);
    assertThat(q.observedAt()).isEqualTo(clock.instant());
    // A later listing check still reports the quota state the chat probe learned.
    assertThat(router.checkHealth(HealthCheckMode.LIST).healthy().get(0).quota()).isEqualTo(q);
  }
}
