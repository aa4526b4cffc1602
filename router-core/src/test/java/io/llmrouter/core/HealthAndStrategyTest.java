package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.GeneralSettings;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.JsonFileStateStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthAndStrategyTest extends EngineTestSupport {

  @Test
  void healthReportAndHealthCheckRouting() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b"))
        .deployment(dep("h", "nokey").apiKeyEnv("NOKEY_VAR"))
        .general(new GeneralSettings(null, false, Duration.ofSeconds(300), true)).build());
    provider.listing("a", ep -> { throw new AuthenticationException("401 invalid key\ndetails", ctx(401, "a"), null); });
    HealthReport r = router.checkHealth();
    assertThat(r.healthy()).extracting(HealthReport.Endpoint::deploymentId).containsExactly("b");
    assertThat(r.unhealthy()).extracting(HealthReport.Endpoint::error)
        .containsExactly("401 invalid key", "api key variable NOKEY_VAR is not set");
    assertThat(router.health()).isEqualTo(r);
    assertThat(events).contains("health a false");
    for (int i = 0; i < 20; i++) assertThat(router.chat(ask("g")).route().deploymentId()).isEqualTo("b");

    // When every deployment is unhealthy, routing tries them anyway.
    provider.listing("b", ep -> { throw new AuthenticationException("401", ctx(401, "b"), null); });
    router.checkHealth();
    assertThat(router.chat(ask("g")).route().deploymentId()).isIn("a", "b");
  }

  @Test
  void modelGroupsReportAvailabilityNowAndLater() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").description("fast").maxInputTokens(8192))
        .deployment(dep("h", "b")).numRetries(0).build());
    Instant reset = clock.instant().plusSeconds(45);
    provider.fail("a", rateLimited("a", RateScope.MINUTE, null, reset));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(io.llmrouter.api.NoDeploymentAvailableException.class);
    List<ModelGroupStatus> groups = router.modelGroups();
    assertThat(groups).containsExactly(
        new ModelGroupStatus("g", "fast", 8192, 1, false, reset),
        new ModelGroupStatus("h", null, null, 1, true, null));
  }

  @Test
  void simpleShuffleFollowsWeights() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").weight(1)).deployment(dep("g", "b").weight(3)).build(),
        null, new SplittableRandom(42));
    for (int i = 0; i < 4000; i++) router.chat(ask("g"));
    assertThat(provider.callsTo("b")).isBetween(2800L, 3200L);
  }

  @Test
  void leastBusyPicksTheDeploymentWithFewestInFlight() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b"))
        .routingStrategy("least-busy").build());
    List<String> nested = new java.util.ArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.function.Function<io.llmrouter.api.spi.ProviderCall, io.llmrouter.api.spi.ProviderResponse<io.llmrouter.api.ChatResponse>> step = c -> {
      // Only the outer call nests one request, made while the outer one is in flight.
      if (once.compareAndSet(false, true)) nested.add(router.chat(ask("g")).route().deploymentId());
      return provider.ok(c);
    };
    provider.always("a", step).always("b", step);
    String outer = router.chat(ask("g")).route().deploymentId();
    assertThat(nested).containsExactly(outer.equals("a") ? "b" : "a");
  }

  @Test
  void latencyBasedPrefersTheFasterDeployment() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b"))
        .routingStrategy("latency-based-routing").build());
    provider.always("a", c -> {
      clock.advance(Duration.ofMillis(900));
      return provider.ok(c);
    });
    provider.always("b", c -> {
      clock.advance(Duration.ofMillis(100));
      return provider.ok(c);
    });
    for (int i = 0; i < 20; i++) router.chat(ask("g"));
    assertThat(provider.callsTo("b")).isGreaterThanOrEqualTo(18);
  }

  @Test
  void fileStoreKeepsTheLaterDeadlineAndCountsDays(@TempDir Path dir) {
    Path file = dir.resolve("s.json");
    JsonFileStateStore s = JsonFileStateStore.open(file, clock, Duration.ZERO);
    Instant later = clock.instant().plusSeconds(100);
    s.putCooldown("x", later, "429");
    s.putCooldown("x", clock.instant().plusSeconds(5), "429");
    s.incrementDaily("x", LocalDate.of(2026, 3, 1), 3);
    s.close();
    JsonFileStateStore again = JsonFileStateStore.open(file, clock);
    assertThat(again.cooldowns()).containsEntry("x", later);
    assertThat(again.daily("x", LocalDate.of(2026, 3, 1))).isEqualTo(3);
  }
}
