package io.llmrouter.core;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * LiteLLM's {@code routing_strategy}: which deployment of a tier is asked first, and the order of the
 * rest when it refuses. One class per strategy; {@link #of} maps the config's name.
 */
abstract class SelectionStrategy {

  static SelectionStrategy of(String routingStrategy) {
    return switch (routingStrategy == null ? "" : routingStrategy) {
      case "least-busy" -> new LeastBusy();
      case "latency-based-routing" -> new LowestLatency();
      case "usage-based-routing", "usage-based-routing-v2" -> new LowestUsage();
      default -> new SimpleShuffle();
    };
  }

  /** Index in tier {@code ti} of {@code g} of the deployment asked first; the tier has 2+ deployments. */
  abstract int first(ModelGroup g, int ti, RandomGenerator random, long now);

  /** The other indices of {@code tier}, in the order they are asked after {@code first}. */
  int[] rest(Deployment[] tier, int first, long now) {
    int n = tier.length;
    int[] out = new int[n - 1];
    int k = 0;
    for (int i = 1; i < n; i++) out[k++] = (first + i) % n;
    return out;
  }

  /**
   * {@code simple-shuffle}: a weighted random pick (weight, else rpm, else tpm; uniform when none is
   * declared), O(log n) by binary search over the tier's cumulative weights; the rest in ring order.
   */
  static final class SimpleShuffle extends SelectionStrategy {
    @Override
    int first(ModelGroup g, int ti, RandomGenerator r, long now) {
      int n = g.tiers[ti].length;
      double[] cum = g.cumulative[ti];
      if (cum == null) return r.nextInt(n);
      double x = r.nextDouble() * cum[n - 1];
      int i = Arrays.binarySearch(cum, x);
      i = i >= 0 ? i + 1 : -i - 1;
      return Math.min(i, n - 1);
    }
  }

  /** Strategies that rank by a live per-deployment metric, lowest first; ties are broken at random. */
  abstract static class ByMetric extends SelectionStrategy {
    abstract double metric(Deployment d, long now);

    @Override
    int first(ModelGroup g, int ti, RandomGenerator r, long now) {
      Deployment[] tier = g.tiers[ti];
      int best = -1;
      double bestV = Double.MAX_VALUE;
      int ties = 0;
      for (int i = 0; i < tier.length; i++) {
        double v = metric(tier[i], now);
        if (v < bestV) {
          bestV = v;
          best = i;
          ties = 1;
        } else if (v == bestV && r.nextInt(++ties) == 0) {
          best = i;
        }
      }
      return best;
    }

    @Override
    int[] rest(Deployment[] tier, int first, long now) {
      int[] ring = super.rest(tier, first, now);
      Integer[] boxed = new Integer[ring.length];
      for (int i = 0; i < ring.length; i++) boxed[i] = ring[i];
      Arrays.sort(boxed, (a, b) -> Double.compare(metric(tier[a], now), metric(tier[b], now)));
      for (int i = 0; i < ring.length; i++) ring[i] = boxed[i];
      return ring;
    }
  }

  /** {@code least-busy}: fewest calls in flight. */
  static final class LeastBusy extends ByMetric {
    @Override
    double metric(Deployment d, long now) {
      return d.inFlight.get();
    }
  }

  /** {@code latency-based-routing}: lowest recent latency (an EWMA; failures count tenfold). */
  static final class LowestLatency extends ByMetric {
    @Override
    double metric(Deployment d, long now) {
      return d.latencyMillis();
    }
  }

  /** {@code usage-based-routing}: fewest tokens in the current minute's window. */
  static final class LowestUsage extends ByMetric {
    @Override
    double metric(Deployment d, long now) {
      return d.state.tokensInWindow(now);
    }
  }
}
