package io.llmrouter.core;

import static io.llmrouter.core.PolicyFixture.byId;
import static io.llmrouter.core.PolicyFixture.dep;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Selector} on its own: tiers, the strategy's order, exclusions, and what it reports when none admits. */
class SelectorTest {
  final PolicyFixture f = new PolicyFixture();
  DeploymentRegistry registry;

  Selector selector(String strategy, boolean preCallChecks, boolean healthRouting, DeploymentBuilder... ds) {
    RouterConfigBuilder b = RouterConfig.builder().enablePreCallChecks(preCallChecks);
    if (strategy != null) b.routingStrategy(strategy);
    for (DeploymentBuilder d : ds) b.deployment(d);
    RouterConfig config = b.build();
    registry = f.registry(config);
    return new Selector(SelectionStrategy.of(config.router().routingStrategy()), new Admission(registry, config.router(), f.clock),
        f.listeners, f.clock, new SplittableRandom(42), healthRouting);
  }

  Selector selector(DeploymentBuilder... ds) {
    return selector(null, false, false, ds);
  }

  ModelGroup g() {
    return registry.group("g");
  }

  static Ticket ticket(Selector.Selection s) {
    assertThat(s).isInstanceOf(Ticket.class);
    return (Ticket) s;
  }

  static Selector.NoneAdmitted none(Selector.Selection s) {
    assertThat(s).isInstanceOf(Selector.NoneAdmitted.class);
    return (Selector.NoneAdmitted) s;
  }

  @Test
  void theLowestOrderIsAskedFirstAndTheNextTierOnlyWhenItRefuses() {
    Selector s = selector(dep("g", "a").order(2), dep("g", "b").order(1), dep("g", "c").order(3));
    for (int i = 0; i < 20; i++) {
      Ticket t = ticket(s.select(g(), f.request("g"), null));
      assertThat(t.deployment.id).isEqualTo("b");
      t.release();
    }
    byId(registry, "b").state.open(f.now() + 5_000, false);
    RequestState rs = f.request("g");
    Ticket t = ticket(s.select(g(), rs, null));
    assertThat(t.deployment.id).isEqualTo("a");
    // the skip is logged with why, and told to the listeners
    assertThat(rs.attempts).singleElement().satisfies(a -> {
      assertThat(a.deploymentId()).isEqualTo("b");
      assertThat(a.outcome()).isEqualTo(Attempt.Outcome.SKIPPED);
      assertThat(a.error()).startsWith("COOLING");
    });
    assertThat(f.events).containsExactly("skip g/b COOLING until " + Instant.ofEpochMilli(f.now() + 5_000));
  }

  @Test
  void excludedDeploymentsAreSkippedAndNotConsidered() {
    Selector s = selector(dep("g", "a").order(1), dep("g", "b").order(2));
    Deployment a = byId(registry, "a");
    Deployment b = byId(registry, "b");
    RequestState rs = f.request("g");
    assertThat(ticket(s.select(g(), rs, List.of(a))).deployment).isSameAs(b);
    Selector.NoneAdmitted n = none(s.select(g(), rs, List.of(a, b)));
    assertThat(n.considered()).isZero();
    assertThat(n.contextSkips()).isZero();
    assertThat(n.earliest()).isEqualTo(Long.MAX_VALUE);
    assertThat(n.allTooSmall()).isFalse();
    assertThat(rs.attempts).isEmpty();
  }

  @Test
  void theWeightedShufflePicksByWeight() {
    Selector s = selector(dep("g", "a").weight(1), dep("g", "b").weight(3));
    int b = 0;
    int picks = 10_000;
    for (int i = 0; i < picks; i++) {
      Ticket t = ticket(s.select(g(), f.request("g"), null));
      if (t.deployment.id.equals("b")) b++;
      t.release();
    }
    assertThat(b).isBetween(7_250, 7_750);
  }

  @Test
  void whenTheFirstPickRefusesTheRestAreAskedInTheStrategysOrder() {
    Selector s = selector("least-busy", false, false, dep("g", "a"), dep("g", "b"), dep("g", "c"));
    byId(registry, "a").inFlight.set(5);
    byId(registry, "c").inFlight.set(1);
    // b is least busy but cooling: c (1 in flight) comes before a (5)
    byId(registry, "b").state.open(f.now() + 1_000, false);
    RequestState rs = f.request("g");
    assertThat(ticket(s.select(g(), rs, null)).deployment.id).isEqualTo("c");
    assertThat(rs.attempts).extracting(Attempt::deploymentId).containsExactly("b");
  }

  @Test
  void leastBusyLatencyAndUsagePickTheLowestMetric() {
    Selector busy = selector("least-busy", false, false, dep("g", "a"), dep("g", "b"));
    Ticket held = ticket(busy.select(g(), f.request("g"), null));
    Ticket next = ticket(busy.select(g(), f.request("g"), null));
    assertThat(next.deployment).isNotSameAs(held.deployment);

    Selector latency = selector("latency-based-routing", false, false, dep("g", "a"), dep("g", "b"));
    byId(registry, "a").recordLatency(300);
    byId(registry, "b").recordLatency(30);
    for (int i = 0; i < 10; i++) assertThat(ticket(latency.select(g(), f.request("g"), null)).deployment.id).isEqualTo("b");

    Selector usage = selector("usage-based-routing", false, false, dep("g", "a").tpm(100_000), dep("g", "b").tpm(100_000));
    byId(registry, "b").state.reserve(f.clock, 5_000);
    // each pick reserves ~260 tokens on a: it stays the lowest while under 5,000
    for (int i = 0; i < 10; i++) assertThat(ticket(usage.select(g(), f.request("g"), null)).deployment.id).isEqualTo("a");
  }

  @Test
  void noneAdmittedReportsTheEarliestLimitAndWhatWasConsidered() {
    Selector s = selector(dep("g", "a"), dep("g", "b"), dep("g", "c").apiKeyEnv("UNSET_VAR"), dep("g", "d").rpm(1));
    long t0 = f.now();
    byId(registry, "a").state.open(t0 + 5_000, false);
    byId(registry, "b").state.applySignal(
        new RateSignal(new RateSignal.Window(10L, 0L, Instant.ofEpochMilli(t0 + 3_000), RateScope.MINUTE), null, null, f.clock.instant()));
    ticket(s.select(g(), f.request("g"), null)).release(); // d's only rpm slot
    RequestState rs = f.request("g");
    Selector.NoneAdmitted n = none(s.select(g(), rs, null));
    assertThat(n.earliest()).isEqualTo(t0 + 3_000);
    assertThat(n.considered()).isEqualTo(4);
    assertThat(n.contextSkips()).isZero();
    assertThat(n.allTooSmall()).isFalse();
    assertThat(rs.attempts).extracting(Attempt::deploymentId).containsExactlyInAnyOrder("a", "b", "c", "d");
    assertThat(rs.reasons).hasSize(4);
  }

  @Test
  void skipsWithoutAnEndLeaveEarliestUnknown() {
    f.env = io.llmrouter.core.config.Env.of(java.util.Map.of());
    Selector s = selector(dep("g", "a"), dep("g", "b"));
    Selector.NoneAdmitted n = none(s.select(g(), f.request("g"), null));
    assertThat(n.earliest()).isEqualTo(Long.MAX_VALUE);
    assertThat(n.considered()).isEqualTo(2);
  }

  @Test
  void allTooSmallWhenEveryDeploymentConsideredIsTooSmall() {
    Selector s = selector(null, true, false, dep("g", "a").maxInputTokens(1), dep("g", "b").maxInputTokens(1000),
        dep("g", "c").tpm(10));
    RequestState rs = f.request("g");
    Deployment b = byId(registry, "b");
    b.state.open(f.now() + 1_000, false);
    Selector.NoneAdmitted mixed = none(s.select(g(), rs, null));
    assertThat(mixed.considered()).isEqualTo(3);
    assertThat(mixed.contextSkips()).as("a by max_input_tokens, c by its whole tpm").isEqualTo(2);
    assertThat(mixed.allTooSmall()).isFalse();
    assertThat(mixed.earliest()).isEqualTo(f.now() + 1_000);

    Selector.NoneAdmitted small = none(s.select(g(), rs, List.of(b)));
    assertThat(small.considered()).isEqualTo(2);
    assertThat(small.contextSkips()).isEqualTo(2);
    assertThat(small.allTooSmall()).isTrue();
    assertThat(small.earliest()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void healthRoutingSkipsUnhealthyDeploymentsButFailsOpenWhenAllAre() {
    Selector s = selector(null, false, true, dep("g", "a").order(1), dep("g", "b").order(2));
    Deployment a = byId(registry, "a");
    a.setHealth("401");
    g().unhealthy.incrementAndGet();
    assertThat(ticket(s.select(g(), f.request("g"), null)).deployment.id).isEqualTo("b");
    byId(registry, "b").setHealth("down");
    g().unhealthy.incrementAndGet();
    assertThat(ticket(s.select(g(), f.request("g"), null)).deployment).isSameAs(a);
  }
}
