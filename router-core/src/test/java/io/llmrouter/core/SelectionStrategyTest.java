package io.llmrouter.core;

import static io.llmrouter.core.PolicyFixture.dep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.core.state.Reservation;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Each {@link SelectionStrategy} on its own: who is asked first, and the order of the rest. */
class SelectionStrategyTest {
  final PolicyFixture f = new PolicyFixture();

  ModelGroup group(DeploymentBuilder... ds) {
    RouterConfigBuilder b = RouterConfig.builder();
    for (DeploymentBuilder d : ds) b.deployment(d);
    return f.registry(b.build()).group("g");
  }

  static int[] counts(SelectionStrategy s, ModelGroup g, int picks, RandomGenerator r, long now) {
    int[] c = new int[g.tiers[0].length];
    for (int i = 0; i < picks; i++) c[s.first(g, 0, r, now)]++;
    return c;
  }

  @Test
  void namesMapToStrategies() {
    assertThat(SelectionStrategy.of("simple-shuffle")).isInstanceOf(SelectionStrategy.SimpleShuffle.class);
    assertThat(SelectionStrategy.of(null)).isInstanceOf(SelectionStrategy.SimpleShuffle.class);
    assertThat(SelectionStrategy.of("least-busy")).isInstanceOf(SelectionStrategy.LeastBusy.class);
    assertThat(SelectionStrategy.of("latency-based-routing")).isInstanceOf(SelectionStrategy.LowestLatency.class);
    assertThat(SelectionStrategy.of("usage-based-routing")).isInstanceOf(SelectionStrategy.LowestUsage.class);
    assertThat(SelectionStrategy.of("usage-based-routing-v2")).isInstanceOf(SelectionStrategy.LowestUsage.class);
  }

  @Test
  void simpleShuffleWithoutWeightsIsUniform() {
    ModelGroup g = group(dep("g", "a"), dep("g", "b"), dep("g", "c"));
    assertThat(g.cumulative[0]).isNull();
    int[] c = counts(new SelectionStrategy.SimpleShuffle(), g, 9_000, new SplittableRandom(11), f.now());
    for (int n : c) assertThat(n).isBetween(2_700, 3_300);
  }

  @Test
  void simpleShufflePicksByWeight() {
    ModelGroup g = group(dep("g", "a").weight(1), dep("g", "b").weight(2), dep("g", "c").weight(7));
    int picks = 10_000;
    int[] c = counts(new SelectionStrategy.SimpleShuffle(), g, picks, new SplittableRandom(42), f.now());
    assertThat(c[0] / (double) picks).isCloseTo(0.1, within(0.02));
    assertThat(c[1] / (double) picks).isCloseTo(0.2, within(0.02));
    assertThat(c[2] / (double) picks).isCloseTo(0.7, within(0.02));
  }

  @Test
  void simpleShuffleWeighsByRpmWhenNoWeightIsGivenAndNeverPicksAZeroWeightFirst() {
    ModelGroup byRpm = group(dep("g", "a").rpm(100), dep("g", "b").rpm(300));
    int[] c = counts(new SelectionStrategy.SimpleShuffle(), byRpm, 10_000, new SplittableRandom(5), f.now());
    assertThat(c[1] / 10_000.0).isCloseTo(0.75, within(0.02));

    ModelGroup zero = group(dep("g", "a").weight(0), dep("g", "b").weight(1));
    int[] z = counts(new SelectionStrategy.SimpleShuffle(), zero, 2_000, new SplittableRandom(5), f.now());
    assertThat(z[0]).isZero();
    assertThat(z[1]).isEqualTo(2_000);
  }

  @Test
  void theRestFollowInRingOrderForTheShuffle() {
    ModelGroup g = group(dep("g", "a"), dep("g", "b"), dep("g", "c"), dep("g", "d"));
    assertThat(new SelectionStrategy.SimpleShuffle().rest(g.tiers[0], 2, f.now())).containsExactly(3, 0, 1);
    assertThat(new SelectionStrategy.SimpleShuffle().rest(g.tiers[0], 0, f.now())).containsExactly(1, 2, 3);
  }

  @Test
  void leastBusyPicksTheFewestInFlightAndOrdersTheRestByIt() {
    ModelGroup g = group(dep("g", "a"), dep("g", "b"), dep("g", "c"));
    g.tiers[0][0].inFlight.set(2);
    g.tiers[0][1].inFlight.set(0);
    g.tiers[0][2].inFlight.set(1);
    SelectionStrategy s = new SelectionStrategy.LeastBusy();
    for (int i = 0; i < 50; i++) assertThat(s.first(g, 0, new SplittableRandom(i), f.now())).isEqualTo(1);
    assertThat(s.rest(g.tiers[0], 1, f.now())).containsExactly(2, 0);
  }

  @Test
  void lowestLatencyPicksTheFastest() {
    ModelGroup g = group(dep("g", "a"), dep("g", "b"), dep("g", "c"));
    g.tiers[0][0].recordLatency(100);
    g.tiers[0][1].recordLatency(50);
    g.tiers[0][2].recordLatency(20);
    SelectionStrategy s = new SelectionStrategy.LowestLatency();
    assertThat(s.first(g, 0, new SplittableRandom(1), f.now())).isEqualTo(2);
    assertThat(s.rest(g.tiers[0], 2, f.now())).containsExactly(1, 0);
  }

  @Test
  void lowestUsagePicksTheFewestTokensInTheWindowAndBreaksTiesAtRandom() {
    ModelGroup g = group(dep("g", "a").tpm(10_000), dep("g", "b").tpm(10_000), dep("g", "c").tpm(10_000));
    assertThat(g.tiers[0][0].state.reserve(f.clock, 500)).isInstanceOf(Reservation.Granted.class);
    assertThat(g.tiers[0][1].state.reserve(f.clock, 100)).isInstanceOf(Reservation.Granted.class);
    assertThat(g.tiers[0][2].state.reserve(f.clock, 300)).isInstanceOf(Reservation.Granted.class);
    SelectionStrategy s = new SelectionStrategy.LowestUsage();
    assertThat(s.first(g, 0, new SplittableRandom(3), f.now())).isEqualTo(1);
    assertThat(s.rest(g.tiers[0], 1, f.now())).containsExactly(2, 0);
    // a minute later every window is empty: a tie, broken at random among all three
    f.clock.advance(Duration.ofSeconds(60));
    int[] c = counts(s, g, 3_000, new SplittableRandom(9), f.now());
    for (int n : c) assertThat(n).isBetween(850, 1_150);
  }

  @Test
  void aStrategyLooksOnlyAtTheTierItIsAskedAbout() {
    ModelGroup g = group(dep("g", "a").order(1), dep("g", "b").order(2), dep("g", "c").order(2));
    assertThat(g.tiers).hasNumberOfRows(2);
    assertThat(g.tiers[1][0].id).isEqualTo("b");
    g.tiers[1][0].inFlight.set(3);
    assertThat(new SelectionStrategy.LeastBusy().first(g, 1, new SplittableRandom(1), f.now())).isEqualTo(1);
  }
}
