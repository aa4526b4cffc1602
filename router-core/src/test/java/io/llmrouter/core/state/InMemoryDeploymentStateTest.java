package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** One deployment's state: header quotas, the combined availableAt, restored cooldowns, daily counts. */
class InMemoryDeploymentStateTest {
  final TestClock clock = new TestClock();
  final InMemoryStateStore store = new InMemoryStateStore();

  long now() {
    return clock.millis();
  }

  RateSignal requestsExhaustedUntil(Instant reset) {
    return new RateSignal(new RateSignal.Window(100L, 0L, reset, RateScope.MINUTE), null, null, clock.instant());
  }

  RateSignal tokensExhaustedUntil(Instant reset) {
    return new RateSignal(null, new RateSignal.Window(10_000L, 0L, reset, RateScope.MINUTE), null, clock.instant());
  }

  @Test
  void anExhaustedWindowBlocksUntilItsResetAndIsNeverShortened() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    assertThat(s.quotaUntil(now())).isZero();
    Instant reset = clock.instant().plusSeconds(30);
    s.applySignal(requestsExhaustedUntil(reset));
    assertThat(s.quotaUntil(now())).isEqualTo(reset.toEpochMilli());
    // an earlier reset reported later does not shorten it
    s.applySignal(requestsExhaustedUntil(clock.instant().plusSeconds(5)));
    s.applySignal(tokensExhaustedUntil(clock.instant().plusSeconds(5)));
    assertThat(s.quotaUntil(now())).isEqualTo(reset.toEpochMilli());
    // a later token reset extends it
    Instant tokenReset = clock.instant().plusSeconds(45);
    s.applySignal(tokensExhaustedUntil(tokenReset));
    assertThat(s.quotaUntil(now())).isEqualTo(tokenReset.toEpochMilli());
    clock.advance(Duration.ofSeconds(44));
    assertThat(s.quotaUntil(now())).isEqualTo(tokenReset.toEpochMilli());
    clock.advance(Duration.ofSeconds(1));
    assertThat(s.quotaUntil(now())).isZero();
  }

  @Test
  void signalsWithRoomLeftOrWithoutAResetBlockNothing() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    s.applySignal(null);
    s.applySignal(RateSignal.none(clock.instant()));
    s.applySignal(new RateSignal(new RateSignal.Window(100L, 3L, clock.instant().plusSeconds(30), RateScope.MINUTE),
        new RateSignal.Window(100L, null, clock.instant().plusSeconds(30), RateScope.MINUTE), null, clock.instant()));
    s.applySignal(new RateSignal(new RateSignal.Window(100L, 0L, null, RateScope.MINUTE), null, null, clock.instant()));
    assertThat(s.quotaUntil(now())).isZero();
    assertThat(s.availableAt(now(), 10)).isEqualTo(now());
  }

  @Test
  void availableAtIsTheLatestOfCooldownQuotaAndWindow() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", 1, 1_000L, store);
    long t0 = now();
    assertThat(s.windowsUnlimited()).isFalse();
    assertThat(s.availableAt(t0, 100)).isEqualTo(t0);

    assertThat(s.open(t0 + 5_000, false)).isEqualTo(t0 + 5_000);
    assertThat(s.coolingUntil(t0)).isEqualTo(t0 + 5_000);
    assertThat(s.availableAt(t0, 100)).isEqualTo(t0 + 5_000);

    s.applySignal(requestsExhaustedUntil(Instant.ofEpochMilli(t0 + 10_000)));
    assertThat(s.availableAt(t0, 100)).isEqualTo(t0 + 10_000);

    assertThat(s.reserve(clock, 100)).isInstanceOf(Reservation.Granted.class);
    // the rpm of 1 is used: the window frees last
    assertThat(s.availableAt(t0, 100)).isEqualTo(t0 + 60_000);
    assertThat(s.tokensInWindow(t0)).isEqualTo(100);
    // a request larger than the tpm never fits
    assertThat(s.availableAt(t0, 1_001)).isEqualTo(Long.MAX_VALUE);

    clock.advance(Duration.ofSeconds(60));
    assertThat(s.availableAt(now(), 100)).isEqualTo(now());
  }

  @Test
  void aCooldownPersistedInTheStoreIsRestored() {
    Instant until = clock.instant().plusSeconds(20);
    store.putCooldown("d", until, "429 daily cap");
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    assertThat(s.deploymentId()).isEqualTo("d");
    assertThat(s.tryPass(now())).isEqualTo(CooldownPass.cooling(until.toEpochMilli()));
    assertThat(s.coolingUntil(now())).isEqualTo(until.toEpochMilli());
    assertThat(s.availableAt(now(), 1)).isEqualTo(until.toEpochMilli());
    // another deployment of the same store is not cooled
    assertThat(new InMemoryDeploymentState("other", null, null, store).tryPass(now())).isEqualTo(CooldownPass.PASS);
    clock.advance(Duration.ofSeconds(20));
    assertThat(s.tryPass(now())).isEqualTo(CooldownPass.PROBE);
  }

  @Test
  void anExpiredPersistedCooldownMakesTheFirstRequestTheProbe() {
    store.putCooldown("d", clock.instant().minusSeconds(5), "old");
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    assertThat(s.coolingUntil(now())).isZero();
    assertThat(s.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(s.tryPass(now())).isEqualTo(CooldownPass.PROBE_BUSY);
    assertThat(s.onSuccess(true)).isTrue();
    assertThat(s.tryPass(now())).isEqualTo(CooldownPass.PASS);
  }

  @Test
  void dailyCountsArePerUtcDayAndDeploymentInTheStore() {
    InMemoryDeploymentState a = new InMemoryDeploymentState("a", null, null, store);
    InMemoryDeploymentState b = new InMemoryDeploymentState("b", null, null, store);
    LocalDate day = LocalDate.of(2026, 3, 1);
    assertThat(a.incrementDaily(day)).isEqualTo(1);
    assertThat(a.incrementDaily(day)).isEqualTo(2);
    assertThat(a.incrementDaily(day.plusDays(1))).isEqualTo(1);
    assertThat(b.incrementDaily(day)).isEqualTo(1);
    assertThat(store.daily("a", day)).isEqualTo(2);
    assertThat(store.daily("a", day.plusDays(1))).isEqualTo(1);
    assertThat(store.daily("b", day)).isEqualTo(1);
    assertThat(store.daily("b", day.plusDays(1))).isZero();
    // a new state over the same store continues the count
    assertThat(new InMemoryDeploymentState("a", null, null, store).incrementDaily(day)).isEqualTo(3);
  }

  @Test
  void theFactoryBuildsStatesWithTheDeploymentsLimits() {
    var config = io.llmrouter.core.config.RouterConfig.builder()
        .deployment(io.llmrouter.core.config.DeploymentBuilder.of("g", "groq/m").id("d").rpm(1)).build();
    DeploymentState s = DeploymentStateFactory.inMemory(store).create(config.deployments().get(0));
    assertThat(s.deploymentId()).isEqualTo("d");
    assertThat(s.reserve(clock, 1)).isInstanceOf(Reservation.Granted.class);
    assertThat(s.reserve(clock, 1)).isInstanceOf(Reservation.Refused.class);
  }

  @Test
  void quotaKeepsTheNewestWindowOfEachKindAndTheBlockInForce() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    assertThat(s.quota(now())).isNull();
    s.applySignal(RateSignal.none(clock.instant()));
    assertThat(s.quota(now())).isNull();

    Instant reset = clock.instant().plusSeconds(30);
    s.applySignal(requestsExhaustedUntil(reset));
    clock.advance(Duration.ofSeconds(1));
    RateSignal.Window tokens = new RateSignal.Window(10_000L, 9_000L, clock.instant().plusSeconds(10), RateScope.MINUTE);
    s.applySignal(new RateSignal(null, tokens, null, clock.instant()));

    io.llmrouter.api.HealthReport.Quota q = s.quota(now());
    assertThat(q.requests().remaining()).isZero(); // kept: the later signal said nothing about requests
    assertThat(q.requests().resetAt()).isEqualTo(reset);
    assertThat(q.tokens()).isEqualTo(tokens);
    assertThat(q.blockedUntil()).isEqualTo(reset);
    assertThat(q.observedAt()).isEqualTo(clock.instant());

    clock.set(reset);
    assertThat(s.quota(now()).blockedUntil()).isNull(); // the reset passed: no block, the last windows stay
    assertThat(s.quota(now()).requests().remaining()).isZero();
  }

  @Test
  void aTokenWindowThatRefusedALargerRequestHoldsBackOnlyWhatDoesNotFitAndRefillsAsTheWindowMoves() {
    // Groq TPD: Limit 864000 (10 a second), Used 863900, Requested 400, try again in 30 s.
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, 1_000_000L, store);
    long until = now() + 30_000;
    assertThat(s.limitTokens(864_000, 100, 86_400_000L, now(), until, 1.0)).isTrue();
    assertThat(s.quotaUntil(now(), 100)).as("what was left fits now").isZero();
    assertThat(s.quotaUntil(now(), 400)).as("300 more at 10 a second").isEqualTo(now() + 30_000);
    assertThat(s.quotaUntil(now(), 200)).isEqualTo(now() + 10_000);
    assertThat(s.availableAt(now(), 200)).isEqualTo(now() + 10_000);
    // a request far larger than the refused one: when the bucket has refilled that far, not at the refused one's hint
    assertThat(s.quotaUntil(now(), 50_000)).isEqualTo(now() + 4_990_000);
    assertThat(s.coolingUntil(now())).as("the deployment itself is not cooling").isZero();

    // an admission spends what is left; when the call ends, what it used replaces the estimate
    long admitted = now();
    s.spendTokens(now(), 100);
    assertThat(s.quotaUntil(now(), 1)).isEqualTo(now() + 100);
    s.charged(admitted, 100, 40);
    assertThat(s.quotaUntil(now(), 60)).isZero();
    assertThat(s.quotaUntil(now(), 61)).isEqualTo(now() + 100);

    clock.advance(Duration.ofSeconds(5));
    assertThat(s.quotaUntil(now(), 110)).as("50 refilled").isZero();
    // past the refused request's hint the bucket is still tracked: what was spent since has to refill too
    clock.advance(Duration.ofSeconds(25));
    assertThat(s.quotaUntil(now(), 360)).as("60 left + 300 refilled").isZero();
    assertThat(s.quotaUntil(now(), 370)).isEqualTo(now() + 1_000);
    admitted = now();
    s.spendTokens(now(), 300);
    s.charged(admitted, 300, 300);
    assertThat(s.quotaUntil(now(), 61)).as("what the hint alone would have forgotten: 60 left").isEqualTo(now() + 100);
    // until the model says the window is full again (it refills 864000 in a day), then nothing is held back
    clock.advance(Duration.ofHours(24));
    assertThat(s.quotaUntil(now(), 50_000)).isZero();
    assertThat(s.quotaUntil(now())).isZero();
  }

  @Test
  void aRefusedWindowWeighsARequestByWhatThisDeploymentsCallsReallyCounted() {
    // The estimate reserves max_tokens (256); the calls so far used at most 50 and the provider counted prompts
    // as 1.1x the router's estimate: a request of 200 estimated prompt tokens needs 220 + 50, not 456.
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    for (int i = 0; i < UsageCalibration.MIN_SAMPLES; i++) s.counted(100, 110, i == 0 ? 50 : 20);
    s.limitTokens(864_000, 270, 86_400_000L, now(), now() + 60_000, 1.0);
    assertThat(s.quotaUntil(now(), 200, 256)).isZero();
    assertThat(s.quotaUntil(now(), 201, 256)).as("222 + 50 = 272: two more tokens, a fifth of a second").isEqualTo(now() + 200);
    assertThat(s.availableAt(now(), 201, 256)).isEqualTo(now() + 200);
    assertThat(s.quotaUntil(now(), 200, 10)).as("never more completion than the request's own cap").isZero();
    // the unsplit estimate keeps the refused request's own scale
    assertThat(s.quotaUntil(now(), 271)).as("271 at scale 1").isEqualTo(now() + 100);
  }

  @Test
  void aToolRequestIsWeighedByTheToolCallsAnswersNotByTheLongestTextAnswer() {
    // Text answers of 50 tokens, tool calls of 15: a 200-token tool request needs 200 + 15, not 200 + 50.
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    for (int i = 0; i < UsageCalibration.MIN_SAMPLES; i++) {
      s.counted(100, 100, 50, false);
      s.counted(100, 100, 15, true);
    }
    s.limitTokens(864_000, 215, 86_400_000L, now(), now() + 60_000, 1.0);
    assertThat(s.quotaUntil(now(), 200, 256, true)).isZero();
    assertThat(s.quotaUntil(now(), 200, 256, false)).as("35 more tokens at 10 a second").isEqualTo(now() + 3_500);
    assertThat(s.quotaUntil(now(), 200, 256)).as("unsplit: a text request").isEqualTo(now() + 3_500);
    assertThat(s.availableAt(now(), 200, 256, true)).isEqualTo(now());

    // a kind with too few calls of its own borrows both kinds' samples: the longest answer of all
    InMemoryDeploymentState fresh = new InMemoryDeploymentState("e", null, null, store);
    for (int i = 0; i < UsageCalibration.MIN_SAMPLES; i++) fresh.counted(100, 100, 50, false);
    fresh.counted(100, 100, 15, true);
    fresh.limitTokens(864_000, 215, 86_400_000L, now(), now() + 60_000, 1.0);
    assertThat(fresh.quotaUntil(now(), 200, 256, true)).isEqualTo(now() + 3_500);
  }

  @Test
  void tooFewCallsKnownLeavesTheWholeEstimateScaledByTheRefusedRequest() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    s.counted(100, 110, 20); // one call: not enough to calibrate on
    s.limitTokens(864_000, 400, 86_400_000L, now(), now() + 60_000, 1.0);
    assertThat(s.quotaUntil(now(), 200, 200)).isZero();
    assertThat(s.quotaUntil(now(), 200, 201)).isEqualTo(now() + 100);
  }

  @Test
  void aRefusedOrMockCallGivesBackWhatItWasCharged() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    s.limitTokens(864_000, 100, 86_400_000L, now(), now() + 60_000, 1.0);
    long admitted = now();
    s.spendTokens(now(), 100);
    assertThat(s.quotaUntil(now(), 1)).isEqualTo(now() + 100);
    s.charged(admitted, 100, 0);
    assertThat(s.quotaUntil(now(), 100)).isZero();
    // a call admitted before the refusal was never charged to it: its end changes nothing
    s.charged(admitted - 1, 100, 520);
    assertThat(s.quotaUntil(now(), 100)).isZero();
    // an unknown use keeps the estimate
    s.spendTokens(now(), 100);
    s.charged(now(), 100, -1);
    assertThat(s.quotaUntil(now(), 1)).isEqualTo(now() + 100);
  }

  @Test
  void aNewerTokenRefusalReplacesTheOlderAndAClearEndsIt() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    s.limitTokens(864_000, 1_000, 86_400_000L, now(), now() + 60_000, 1.0);
    s.limitTokens(864_000, 0, 86_400_000L, now(), now() + 60_000, 1.0);
    assertThat(s.quotaUntil(now(), 10)).isEqualTo(now() + 1_000);
    assertThat(s.clearCooldown(now())).isTrue();
    assertThat(s.quotaUntil(now(), 10)).isZero();
    // the one-step admission applies it too
    s.limitTokens(864_000, 5, 86_400_000L, now(), now() + 60_000, 1.0);
    assertThat(s.admit(clock, 10).quotaUntil()).isEqualTo(now() + 500);
    assertThat(s.admit(clock, 5).quotaUntil()).isZero();
    assertThat(s.admit(clock, 1).quotaUntil()).as("the 5 left were spent").isEqualTo(now() + 100);
  }

  @Test
  void aRefusedRequestCountedLargerByTheProviderScalesWhatLaterRequestsNeed() {
    // The provider counted the refused request as 4x the router's estimate (max_tokens reserved, say):
    // a request of 30 estimated tokens needs 120 of what is left.
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, null, store);
    s.limitTokens(864_000, 100, 86_400_000L, now(), now() + 60_000, 4.0);
    assertThat(s.quotaUntil(now(), 25)).isZero();
    assertThat(s.quotaUntil(now(), 30)).as("20 more at 10 a second").isEqualTo(now() + 2_000);
  }
}
