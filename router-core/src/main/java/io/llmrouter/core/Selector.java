package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks the deployment of a group that serves the next attempt: tiers ({@code order}) lowest first;
 * within a tier the {@link SelectionStrategy} names who is asked first and in which order the rest follow,
 * and {@link Admission} decides for each. Every skip is logged in the request's attempt log, with why.
 */
final class Selector {
  /** The pick (a {@link Ticket}) or {@link NoneAdmitted}. */
  sealed interface Selection permits Ticket, NoneAdmitted {}

  /**
   * No deployment admitted the request.
   *
   * @param earliest epoch ms the earliest limit among the skips ends, {@link Long#MAX_VALUE} when none will
   * @param considered deployments looked at (not excluded)
   * @param contextSkips of those, the ones the request can never fit
   * @param earliestAt the deployment whose limit ends at {@code earliest} (where a wait for it parks), or null
   */
  record NoneAdmitted(long earliest, int considered, int contextSkips, Deployment earliestAt) implements Selection {
    /** True when every deployment considered is too small for the request. */
    boolean allTooSmall() {
      return considered > 0 && contextSkips == considered;
    }
  }

  private final SelectionStrategy strategy;
  private final Admission admission;
  private final Listeners listeners;
  private final Clock clock;
  private final RandomGenerator random;
  private final boolean healthRouting;

  Selector(SelectionStrategy strategy, Admission admission, Listeners listeners, Clock clock, RandomGenerator random,
      boolean healthRouting) {
    this.strategy = strategy;
    this.admission = admission;
    this.listeners = listeners;
    this.clock = clock;
    this.random = random;
    this.healthRouting = healthRouting;
  }

  Selection select(ModelGroup g, RequestState rs, List<Deployment> excluded) {
    long now = clock.millis();
    // Health-check routing fails open: when every deployment is unhealthy, try them anyway.
    boolean useHealth = healthRouting && g.unhealthy.get() < g.all.length;
    long earliest = Long.MAX_VALUE;
    Deployment earliestAt = null;
    int considered = 0;
    int contextSkips = 0;
    RandomGenerator r = random != null ? random : java.util.concurrent.ThreadLocalRandom.current();
    for (int ti = 0; ti < g.tiers.length; ti++) {
      Deployment[] tier = g.tiers[ti];
      int first = tier.length == 1 ? 0 : strategy.first(g, ti, r, now);
      int[] rest = null;
      for (int k = 0; k < tier.length; k++) {
        Deployment d;
        if (k == 0) {
          d = tier[first];
        } else {
          if (rest == null) rest = strategy.rest(tier, first, now);
          d = tier[rest[k - 1]];
        }
        if (excluded != null && excluded.contains(d)) continue;
        considered++;
        Admission.Decision decision = admission.admit(d, rs, useHealth, now);
        if (decision instanceof Ticket t) return t;
        Admission.Skip skip = (Admission.Skip) decision;
        if (skip.contextSkip()) contextSkips++;
        if (skip.until() > 0 && skip.kind().isLimit() && skip.until() < earliest) {
          earliest = skip.until();
          earliestAt = d;
        }
        log(g, d, rs, skip);
      }
    }
    return new NoneAdmitted(earliest, considered, contextSkips, earliestAt);
  }

  private void log(ModelGroup g, Deployment d, RequestState rs, Admission.Skip skip) {
    Instant at = skip.until() > 0 ? Instant.ofEpochMilli(skip.until()) : null;
    rs.reason(new Reason(g.name, d.id, skip.kind(), at, skip.detail()));
    rs.attempts.add(new Attempt(g.name, d.id, d.config.providerModel(), Attempt.Outcome.SKIPPED, 0,
        skip.kind().name() + (skip.detail() == null ? "" : ": " + skip.detail()), Instant.ofEpochMilli(clock.millis()), Duration.ZERO));
    listeners.onAdmissionSkip(rs.handle, g.name, d.id, skip.kind(), at);
  }
}
