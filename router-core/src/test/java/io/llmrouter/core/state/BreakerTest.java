package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The cooldown breaker on its own: deadlines, the single half-open probe, the per-minute failure count. */
class BreakerTest {
  final TestClock clock = new TestClock();
  final Breaker breaker = new Breaker();

  long now() {
    return clock.millis();
  }

  @Test
  void aClosedBreakerPasses() {
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PASS);
    assertThat(breaker.tryPass(now()).passes()).isTrue();
    assertThat(breaker.coolingUntil(now())).isZero();
    assertThat(breaker.halfOpen()).isFalse();
    // a success on a closed, uncounted breaker ends no cooldown
    assertThat(breaker.onSuccess(false)).isFalse();
  }

  @Test
  void anOpenBreakerRefusesWithItsDeadlineUntilThen() {
    long until = now() + 5_000;
    assertThat(breaker.open(until, false)).isEqualTo(until);
    CooldownPass p = breaker.tryPass(now());
    assertThat(p).isEqualTo(CooldownPass.cooling(until));
    assertThat(p.status()).isEqualTo(CooldownPass.Status.COOLING);
    assertThat(p.until()).isEqualTo(until);
    assertThat(p.passes()).isFalse();
    assertThat(breaker.coolingUntil(now())).isEqualTo(until);
    clock.advance(Duration.ofMillis(4_999));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.cooling(until));
    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.coolingUntil(now())).isZero();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
  }

  @Test
  void aLaterDeadlineIsNeverShortened() {
    long later = now() + 30_000;
    long earlier = now() + 5_000;
    assertThat(breaker.open(later, false)).isEqualTo(later);
    assertThat(breaker.open(earlier, false)).isEqualTo(later);
    clock.advance(Duration.ofMillis(5_001));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.cooling(later));
    // and a later one extends it
    assertThat(breaker.open(later + 1_000, false)).isEqualTo(later + 1_000);
    assertThat(breaker.coolingUntil(now())).isEqualTo(later + 1_000);
  }

  @Test
  void afterTheDeadlineExactlyOneProbePassesAndOthersAreBusy() {
    long until = now() + 1_000;
    breaker.open(until, false);
    clock.advance(Duration.ofSeconds(2));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.halfOpen()).isTrue();
    CooldownPass busy = breaker.tryPass(now());
    assertThat(busy).isEqualTo(CooldownPass.PROBE_BUSY);
    assertThat(busy.passes()).isFalse();
    assertThat(busy.until()).isZero();
    assertThat(breaker.tryPass(now() + 10_000)).isEqualTo(CooldownPass.PROBE_BUSY);
  }

  @Test
  void aSuccessfulProbeClosesTheBreaker() {
    breaker.open(now() + 1_000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.onSuccess(true)).isTrue();
    assertThat(breaker.halfOpen()).isFalse();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PASS);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PASS);
    // a second success ends nothing more
    assertThat(breaker.onSuccess(false)).isFalse();
  }

  @Test
  void aNeutralAnswerOfTheProbeClosesTooButNotForANormalCall() {
    breaker.open(now() + 1_000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.onNeutral(false)).isFalse();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE_BUSY);
    assertThat(breaker.onNeutral(true)).isTrue();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PASS);
  }

  @Test
  void aFailedProbeReopensTheBreaker() {
    breaker.open(now() + 1_000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    // allowed fails do not matter for a probe: it opens at once
    long until = breaker.recordFailure(now(), "InternalServerErrorAllowedFails", 100, null, 7_000, true);
    assertThat(until).isEqualTo(now() + 7_000);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.cooling(until));
    clock.advance(Duration.ofMillis(7_000));
    // the probe was freed by the failure: the next deadline has its own probe
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
  }

  @Test
  void aProbeReopenedByOpenFreesTheProbe() {
    breaker.open(now() + 1_000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    long until = now() + 3_000;
    assertThat(breaker.open(until, true)).isEqualTo(until);
    assertThat(breaker.halfOpen()).isFalse();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.cooling(until));
    clock.advance(Duration.ofSeconds(3));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
  }

  @Test
  void aFailedProbeWithoutACooldownStaysHalfOpenAndFreesTheProbe() {
    breaker.open(now() + 1_000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.recordFailure(now(), "k", 3, null, 0, true)).isZero();
    assertThat(breaker.halfOpen()).isTrue();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
  }

  @Test
  void abortProbeLetsTheNextRequestBeTheProbe() {
    breaker.open(now() + 1_000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE_BUSY);
    breaker.abortProbe();
    assertThat(breaker.halfOpen()).isTrue();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE_BUSY);
  }

  @Test
  void failuresTripOnlyWhenTheyExceedAllowedWithinAMinute() {
    long cd = 5_000;
    assertThat(breaker.recordFailure(now(), "k", 2, null, cd, false)).isZero();
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.recordFailure(now(), "k", 2, null, cd, false)).isZero();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PASS);
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.recordFailure(now(), "k", 2, null, cd, false)).isEqualTo(now() + cd);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.cooling(now() + cd));
  }

  @Test
  void zeroAllowedFailsTripsOnTheFirstFailure() {
    assertThat(breaker.recordFailure(now(), "k", 0, null, 1_000, false)).isEqualTo(now() + 1_000);
  }

  @Test
  void theFailureWindowResetsAfterSixtySeconds() {
    long t0 = now();
    long cd = 5_000;
    assertThat(breaker.recordFailure(t0, "k", 1, null, cd, false)).isZero();
    // exactly 60 s later the count starts again: this is the window's first failure
    assertThat(breaker.recordFailure(t0 + 60_000, "k", 1, null, cd, false)).isZero();
    // within that new window a second failure exceeds allowed = 1
    assertThat(breaker.recordFailure(t0 + 60_500, "k", 1, null, cd, false)).isEqualTo(t0 + 60_500 + cd);
  }

  @Test
  void twoFailuresJustUnderAMinuteApartStillCountTogether() {
    long t0 = now();
    assertThat(breaker.recordFailure(t0, "k", 1, null, 5_000, false)).isZero();
    assertThat(breaker.recordFailure(t0 + 59_999, "k", 1, null, 5_000, false)).isEqualTo(t0 + 59_999 + 5_000);
  }

  @Test
  void aKindAllowanceReplacesTheOverallOneForThatKind() {
    long t = now();
    // overall allowed 0 would trip at once; the kind's allowance of 2 applies instead
    assertThat(breaker.recordFailure(t, "RateLimitErrorAllowedFails", 0, 2, 1_000, false)).isZero();
    assertThat(breaker.recordFailure(t, "RateLimitErrorAllowedFails", 0, 2, 1_000, false)).isZero();
    assertThat(breaker.recordFailure(t, "RateLimitErrorAllowedFails", 0, 2, 1_000, false)).isEqualTo(t + 1_000);
  }

  @Test
  void kindsAreCountedApart() {
    long t = now();
    assertThat(breaker.recordFailure(t, "A", 10, 1, 1_000, false)).isZero();
    // a failure of another kind does not count towards A's allowance
    assertThat(breaker.recordFailure(t, "B", 10, 1, 1_000, false)).isZero();
    assertThat(breaker.recordFailure(t, "B", 10, null, 1_000, false)).isZero();
    assertThat(breaker.tryPass(t)).isEqualTo(CooldownPass.PASS);
    assertThat(breaker.recordFailure(t, "A", 10, 1, 1_000, false)).isEqualTo(t + 1_000);
  }

  @Test
  void aSuccessResetsTheFailureCount() {
    long t = now();
    assertThat(breaker.recordFailure(t, "k", 1, null, 1_000, false)).isZero();
    assertThat(breaker.onSuccess(false)).isFalse();
    assertThat(breaker.recordFailure(t, "k", 1, null, 1_000, false)).isZero();
    assertThat(breaker.recordFailure(t, "k", 1, null, 1_000, false)).isEqualTo(t + 1_000);
  }

  @Test
  void aTripWithoutACooldownTimeDoesNotOpen() {
    long t = now();
    assertThat(breaker.recordFailure(t, "k", 0, null, 0, false)).isZero();
    assertThat(breaker.tryPass(t)).isEqualTo(CooldownPass.PASS);
  }

  @Test
  void restoringAnExpiredDeadlineLeavesTheBreakerHalfOpen() {
    breaker.restore(now() - 1_000);
    assertThat(breaker.coolingUntil(now())).isZero();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PROBE_BUSY);
    assertThat(breaker.onSuccess(true)).isTrue();
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.PASS);
  }

  @Test
  void restoringALiveDeadlineCoolsUntilItAndNeverShortens() {
    long until = now() + 20_000;
    breaker.restore(until);
    assertThat(breaker.tryPass(now())).isEqualTo(CooldownPass.cooling(until));
    breaker.restore(now() + 1_000);
    assertThat(breaker.coolingUntil(now())).isEqualTo(until);
  }
}
