package io.llmrouter.core;

import static io.llmrouter.core.PolicyFixture.dep;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.core.state.CooldownPass;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CooldownPolicy} on its own: what each failure does to a deployment's deadline, the store and the listeners. */
class CooldownPolicyTest {
  final PolicyFixture f = new PolicyFixture();
  Deployment d;

  CooldownPolicy policy(RouterConfigBuilder b) {
    RouterConfig config = b.deployment(dep("g", "d")).build();
    d = f.registry(config).deployments().get(0);
    return new CooldownPolicy(config.router(), f.store, f.listeners);
  }

  static ErrorContext ctx(int status) {
    return ScriptedProvider.errorContext(status, "groq", "d");
  }

  static RateLimitedException rateLimited(RateScope scope, Duration retryAfter, Instant resetAt) {
    return new RateLimitedException("429 slow down", ctx(429), scope, retryAfter, resetAt);
  }

  static ProviderUnavailableException down() {
    return new ProviderUnavailableException("503 unavailable", ctx(503));
  }

  long now() {
    return f.now();
  }

  void assertCooling(long until) {
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.cooling(until));
    assertThat(f.store.cooldowns()).containsEntry("d", Instant.ofEpochMilli(until));
    assertThat(f.events).contains("cooldown d until " + Instant.ofEpochMilli(until));
  }

  void assertNotCooling() {
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.PASS);
    assertThat(f.store.cooldowns()).doesNotContainKey("d");
    assertThat(f.events).noneMatch(e -> e.startsWith("cooldown "));
  }

  @Test
  void theProvidersResetTimeWinsOverCountsAndCooldownTime() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(5).cooldownTime(Duration.ofSeconds(5)));
    long reset = now() + 42_000;
    long until = p.onFailure(d, rateLimited(RateScope.MINUTE, null, Instant.ofEpochMilli(reset)), now(), false);
    assertThat(until).isEqualTo(reset);
    assertCooling(reset);
    assertThat(f.events).containsExactly("cooldown d until " + Instant.ofEpochMilli(reset));
  }

  @Test
  void aRetryAfterHintCoolsForThatLongEvenForADayScope() {
    CooldownPolicy p = policy(RouterConfig.builder().cooldownTime(Duration.ofHours(24)));
    long until = p.onFailure(d, rateLimited(RateScope.DAY, Duration.ofSeconds(3), null), now(), false);
    assertThat(until).isEqualTo(now() + 3_000);
    assertCooling(now() + 3_000);
  }

  @Test
  void aHintInTheRateSignalCountsToo() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(5));
    Instant reset = f.clock.instant().plusSeconds(17);
    RateSignal s = new RateSignal(null, new RateSignal.Window(1000L, 0L, reset, RateScope.MINUTE), null, f.clock.instant());
    RateLimitedException e = new RateLimitedException("429", new ErrorContext(429, "groq", "d", Map.of(), null, s),
        RateScope.MINUTE, null, null);
    assertThat(CooldownPolicy.providerHint(e, now())).isEqualTo(reset.toEpochMilli());
    assertThat(p.onFailure(d, e, now(), false)).isEqualTo(reset.toEpochMilli());
    assertCooling(reset.toEpochMilli());
  }

  @Test
  void aShorterHintNeverShortensALiveDeadline() {
    CooldownPolicy p = policy(RouterConfig.builder());
    long later = now() + 60_000;
    assertThat(p.onFailure(d, rateLimited(RateScope.MINUTE, null, Instant.ofEpochMilli(later)), now(), false)).isEqualTo(later);
    assertThat(p.onFailure(d, rateLimited(RateScope.MINUTE, Duration.ofSeconds(1), null), now(), false)).isEqualTo(later);
    assertCooling(later);
  }

  @Test
  void aDayScopeLimitWithoutAHintCoolsForCooldownTime() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(5).cooldownTime(Duration.ofHours(24)));
    long until = p.onFailure(d, rateLimited(RateScope.DAY, null, null), now(), false);
    assertThat(until).isEqualTo(now() + 86_400_000L);
    assertCooling(until);
  }

  @Test
  void aDayScopeLimitWithoutACooldownTimeDoesNotCool() {
    CooldownPolicy p = policy(RouterConfig.builder().cooldownTime(Duration.ZERO));
    assertThat(p.onFailure(d, rateLimited(RateScope.DAY, null, null), now(), false)).isZero();
    assertNotCooling();
  }

  @Test
  void aMinuteScopeLimitWithoutAHintCountsAgainstAllowedFails() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(2).cooldownTime(Duration.ofSeconds(30)));
    assertThat(p.onFailure(d, rateLimited(RateScope.MINUTE, null, null), now(), false)).isZero();
    assertThat(p.onFailure(d, rateLimited(RateScope.MINUTE, null, null), now(), false)).isZero();
    assertNotCooling();
    long until = p.onFailure(d, rateLimited(RateScope.MINUTE, null, null), now(), false);
    assertThat(until).isEqualTo(now() + 30_000);
    assertCooling(until);
  }

  @Test
  void aKindsAllowedFailsReplacesTheOverallCount() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(10).allowedFailsPolicy("RateLimitErrorAllowedFails", 0)
        .cooldownTime(Duration.ofSeconds(30)));
    assertThat(p.onFailure(d, rateLimited(RateScope.UNKNOWN, null, null), now(), false)).isEqualTo(now() + 30_000);
  }

  @Test
  void authenticationCoolsForCooldownTimeAtOnce() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(5).cooldownTime(Duration.ofHours(1)));
    long until = p.onFailure(d, new AuthenticationException("401 bad key", ctx(401)), now(), false);
    assertThat(until).isEqualTo(now() + 3_600_000L);
    assertCooling(until);
  }

  @Test
  void notFoundCoolsForCooldownTimeUncapped() {
    CooldownPolicy q = policy(RouterConfig.builder().allowedFails(5).cooldownTime(Duration.ofSeconds(90)));
    long nf = q.onFailure(d, new ModelNotFoundException("404 no such model", ctx(404)), now(), false);
    assertThat(nf).as("not capped like a 5xx").isEqualTo(now() + 90_000);
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.cooling(nf));
  }

  @Test
  void aBadRequestIsNeutral() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(0).cooldownTime(Duration.ofSeconds(30)));
    for (int i = 0; i < 5; i++) {
      assertThat(p.onFailure(d, new BadRequestException("400 bad field", ctx(400)), now(), false)).isZero();
      assertThat(p.onFailure(d, new ContextWindowExceededException("400 too long", ctx(400)), now(), false)).isZero();
    }
    assertNotCooling();
  }

  @Test
  void aBadRequestCountsWhenItsKindHasAnAllowance() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFailsPolicy("BadRequestErrorAllowedFails", 1)
        .cooldownTime(Duration.ofSeconds(30)));
    assertThat(p.onFailure(d, new BadRequestException("400", ctx(400)), now(), false)).isZero();
    assertThat(p.onFailure(d, new BadRequestException("400", ctx(400)), now(), false)).isEqualTo(now() + 30_000);
  }

  @Test
  void aProbeThatGotABadRequestClosesTheBreaker() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(0).cooldownTime(Duration.ofSeconds(10)));
    long until = p.onFailure(d, down(), now(), false);
    assertThat(until).isEqualTo(now() + 10_000);
    assertCooling(until);
    f.clock.advance(Duration.ofSeconds(10));
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(p.onFailure(d, new BadRequestException("400 bad field", ctx(400)), now(), true)).isZero();
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.PASS);
    assertThat(f.store.cooldowns()).doesNotContainKey("d");
    assertThat(f.events).endsWith("cooldown-end d");
  }

  @Test
  void aSuccessfulProbeEndsTheCooldownOnce() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(0).cooldownTime(Duration.ofSeconds(10)));
    p.onFailure(d, down(), now(), false);
    f.clock.advance(Duration.ofSeconds(10));
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    p.onSuccess(d, true);
    assertThat(f.store.cooldowns()).isEmpty();
    p.onSuccess(d, false);
    assertThat(f.events).filteredOn(e -> e.equals("cooldown-end d")).hasSize(1);
  }

  @Test
  void aFailedProbeReopensAtOnce() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(3).cooldownTime(Duration.ofSeconds(10)));
    d.state.open(now() + 1_000, false);
    f.clock.advance(Duration.ofSeconds(1));
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    long until = p.onFailure(d, down(), now(), true);
    assertThat(until).isEqualTo(now() + 10_000);
    assertCooling(until);
  }

  @Test
  void aTransientFailuresCooldownIsCappedAtAMinute() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(0).cooldownTime(Duration.ofHours(24)));
    assertThat(CooldownPolicy.TRANSIENT_COOLDOWN_CAP_MILLIS).isEqualTo(60_000);
    long until = p.onFailure(d, down(), now(), false);
    assertThat(until).isEqualTo(now() + CooldownPolicy.TRANSIENT_COOLDOWN_CAP_MILLIS);
    assertCooling(until);
    f.clock.advance(Duration.ofSeconds(61));
    assertThat(d.state.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    long again = p.onFailure(d, new RequestTimeoutException("timed out", ctx(0)), now(), true);
    assertThat(again).isEqualTo(now() + 60_000);
  }

  @Test
  void aShortCooldownTimeIsKeptForTransientFailuresAndAllowedFailsCount() {
    CooldownPolicy p = policy(RouterConfig.builder().allowedFails(1).cooldownTime(Duration.ofSeconds(7)));
    assertThat(p.onFailure(d, down(), now(), false)).isZero();
    assertNotCooling();
    long until = p.onFailure(d, down(), now(), false);
    assertThat(until).isEqualTo(now() + 7_000);
    assertCooling(until);
  }

  // Issue 16: a 429 with retry-after: 999999999 cooled a deployment for 366 days.
  @Test
  void anAbsurdHintIsClampedToWhatItsScopeCanMean() {
    Duration year = Duration.ofDays(366);
    CooldownPolicy p = policy(RouterConfig.builder().cooldownTime(Duration.ofHours(24)));
    long until = p.onFailure(d, rateLimited(RateScope.MINUTE, year, null), now(), false);
    assertThat(until).isEqualTo(now() + 2 * 60_000);
    assertCooling(now() + 2 * 60_000);

    f.clock.advance(Duration.ofMinutes(3));
    long day = p.onFailure(d, rateLimited(RateScope.DAY, null, Instant.ofEpochMilli(now()).plus(year)), now(), false);
    assertThat(day).isEqualTo(now() + 25 * 3_600_000L);
    long unknown = CooldownPolicy.maxHintMillis(RateScope.UNKNOWN);
    assertThat(unknown).isEqualTo(25 * 3_600_000L);
    assertThat(CooldownPolicy.maxHintMillis(RateScope.SECOND)).isEqualTo(2 * 60_000L);
    assertThat(CooldownPolicy.maxHintMillis(RateScope.HOUR)).isEqualTo(61 * 60_000L);
    assertThat(CooldownPolicy.maxHintMillis(RateScope.MONTH)).isEqualTo(32 * 86_400_000L);
  }

  @Test
  void aLegitimateDailyHintIsKept() {
    CooldownPolicy p = policy(RouterConfig.builder().cooldownTime(Duration.ofHours(24)));
    long until = p.onFailure(d, rateLimited(RateScope.UNKNOWN, Duration.ofSeconds(86_399), null), now(), false);
    assertThat(until).isEqualTo(now() + 86_399_000L);
  }

  @Test
  void anExhaustedWindowWithAnAbsurdResetIsClampedByItsScope() {
    Instant at = Instant.ofEpochMilli(now());
    RateSignal s = new RateSignal(new RateSignal.Window(30L, 0L, at.plus(Duration.ofDays(366)), RateScope.MINUTE),
        new RateSignal.Window(1000L, 5L, at.plusSeconds(20), RateScope.MINUTE), null, at);
    RateSignal b = CooldownPolicy.bounded(s);
    assertThat(b.requests().resetAt()).isEqualTo(at.plusSeconds(120));
    assertThat(b.tokens()).isSameAs(s.tokens());
    RateSignal fine = new RateSignal(null, s.tokens(), null, at);
    assertThat(CooldownPolicy.bounded(fine)).isSameAs(fine);
  }
}
