package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.JsonFileStateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CooldownTest extends EngineTestSupport {

  private NoDeploymentAvailableException refused(Router router) {
    try {
      router.chat(ask("g"));
    } catch (NoDeploymentAvailableException e) {
      return e;
    }
    throw new AssertionError("expected NoDeploymentAvailableException");
  }

  @Test
  void noCallReachesACoolingDeployment() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").order(1)).deployment(dep("g", "b").order(2))
        .allowedFails(1).cooldownTime(Duration.ofSeconds(30)).numRetries(1).build());
    provider.always("a", c -> { throw new ProviderUnavailableException("503 overloaded", ctx(503, "a")); });
    // a fails twice (the second failure exceeds allowed_fails=1) and cools for 30 s; b serves each retry.
    router.chat(ask("g"));
    router.chat(ask("g"));
    assertThat(provider.callsTo("a")).isEqualTo(2);
    assertThat(events).contains("cooldown a until " + clock.instant().plusSeconds(30));
    for (int i = 0; i < 50; i++) {
      clock.advance(Duration.ofMillis(500));
      assertThat(router.chat(ask("g")).route().deploymentId()).isEqualTo("b");
    }
    assertThat(provider.callsTo("a")).isEqualTo(2);
  }

  @Test
  void halfOpenAdmitsExactlyOneProbeThenFullTraffic() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).allowedFails(0)
        .cooldownTime(Duration.ofSeconds(10)).numRetries(0).build());
    provider.fail("a", new ProviderUnavailableException("502", ctx(502, "a")));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(refused(router).reasons()).singleElement().extracting(r -> r.kind()).isEqualTo(Kind.COOLING);
    clock.advance(Duration.ofSeconds(10));

    List<NoDeploymentAvailableException> duringProbe = new ArrayList<>();
    provider.then("a", c -> {
      // While the probe is in flight, every other request is refused.
      for (int i = 0; i < 3; i++) duringProbe.add(refused(router));
      return provider.ok(c);
    });
    router.chat(ask("g"));
    assertThat(duringProbe).hasSize(3).allSatisfy(e ->
        assertThat(e.reasons()).singleElement().satisfies(r -> {
          assertThat(r.kind()).isEqualTo(Kind.COOLING);
          assertThat(r.detail()).contains("probe in flight");
        }));
    assertThat(events).contains("cooldown-end a");
    for (int i = 0; i < 5; i++) router.chat(ask("g"));
    assertThat(provider.callsTo("a")).isEqualTo(7);
  }

  @Test
  void failedProbeCoolsAgain() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).allowedFails(5)
        .cooldownTime(Duration.ofSeconds(10)).numRetries(0).build());
    provider.fail("a", new AuthenticationException("401 bad key", ctx(401, "a"), null));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(AuthenticationException.class);
    clock.advance(Duration.ofSeconds(10));
    provider.fail("a", new ProviderUnavailableException("503", ctx(503, "a")));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    // One failed probe re-opens at once, despite allowed_fails=5.
    NoDeploymentAvailableException e = refused(router);
    assertThat(e.reasons().get(0).until()).isEqualTo(clock.instant().plusSeconds(10));
  }

  @Test
  void rateLimitWithKnownResetCoolsExactlyUntilThen() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).cooldownTime(Duration.ofSeconds(5)).numRetries(0).build());
    Instant reset = clock.instant().plusSeconds(37).plusMillis(250);
    provider.fail("a", rateLimited("a", RateScope.MINUTE, null, reset));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    clock.advance(Duration.between(clock.instant(), reset).minusMillis(1));
    NoDeploymentAvailableException e = refused(router);
    assertThat(e.reasons().get(0).until()).isEqualTo(reset);
    assertThat(e.earliestAvailable()).isEqualTo(reset);
    clock.advance(Duration.ofMillis(1));
    router.chat(ask("g"));
    assertThat(provider.callsTo("a")).isEqualTo(2);
  }

  @Test
  void laterShorterDeadlineNeverShortensALiveOne() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).numRetries(0).build());
    Instant longReset = clock.instant().plusSeconds(60);
    provider.then("a", c -> {
      // A concurrent call learns the long reset first...
      assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
      // ...then this one reports a header-less 5 s retry-after.
      throw rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(5), null);
    });
    provider.fail("a", rateLimited("a", RateScope.MINUTE, null, longReset));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    clock.advance(Duration.ofSeconds(6));
    assertThat(refused(router).reasons().get(0).until()).isEqualTo(longReset);
    assertThat(provider.callsTo("a")).isEqualTo(2);
  }

  @Test
  void dayLimitWithoutHintCoolsForCooldownTimeAndAuthErrorsToo() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("h", "b"))
        .cooldownTime(Duration.ofHours(24)).allowedFails(3).numRetries(0).build());
    Instant start = clock.instant();
    provider.fail("a", rateLimited("a", RateScope.DAY, null, null));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(refused(router).reasons().get(0).until()).isEqualTo(start.plus(Duration.ofHours(24)));

    provider.fail("b", new AuthenticationException("401 invalid api key", ctx(401, "b"), null));
    assertThatThrownBy(() -> router.chat(ask("h"))).isInstanceOf(AuthenticationException.class);
    assertThatThrownBy(() -> router.chat(ask("h"))).isInstanceOfSatisfying(NoDeploymentAvailableException.class,
        e -> assertThat(e.reasons().get(0)).satisfies(r -> {
          assertThat(r.kind()).isEqualTo(Kind.COOLING);
          assertThat(r.until()).isEqualTo(start.plus(Duration.ofHours(24)));
        }));
  }

  @Test
  void cooldownSurvivesARestartThroughTheFileStore(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("state.json");
    RouterConfig config = RouterConfig.builder().deployment(dep("g", "a")).numRetries(0).build();
    Instant reset = clock.instant().plus(Duration.ofHours(3));
    Router first = router(config, JsonFileStateStore.open(file, clock), null);
    provider.fail("a", rateLimited("a", RateScope.DAY, null, reset));
    assertThatThrownBy(() -> first.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    first.close();
    assertThat(Files.readString(file)).contains(reset.toString());
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }

    clock.advance(Duration.ofHours(1));
    Router second = router(config, JsonFileStateStore.open(file, clock), null);
    NoDeploymentAvailableException e = refused(second);
    assertThat(e.reasons().get(0).kind()).isEqualTo(Kind.COOLING);
    assertThat(e.reasons().get(0).until()).isEqualTo(reset);
    clock.advance(Duration.ofHours(2));
    second.chat(ask("g"));
    assertThat(Files.readString(file)).doesNotContain(reset.toString());
  }
}
