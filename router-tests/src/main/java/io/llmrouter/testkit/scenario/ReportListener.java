package io.llmrouter.testkit.scenario;

import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts, per model group, what a routing policy decided: deployments skipped for limits (over rpm/tpm,
 * quota 0, cooling), fallbacks taken away from the group, and the latest cooldown deadline of each
 * deployment. Both policies of the day replay report through it.
 *
 * <p>Thread-safe and fast, as {@link RouterListener} requires.
 */
public final class ReportListener implements RouterListener {

  /**
   * One fallback taken.
   *
   * @param from the group left
   * @param to the group entered
   * @param kind {@code fallbacks}, {@code context_window_fallbacks}, ...
   */
  public record Fallback(String from, String to, String kind) {}

  private final Map<String, AtomicLong> limitSkips = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> fallbacksFrom = new ConcurrentHashMap<>();
  private final Map<String, Instant> cooledUntil = new ConcurrentHashMap<>();
  private final List<Fallback> fallbacks = new ArrayList<>();

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why, Instant until) {
    if (why.isLimit()) limitSkips.computeIfAbsent(modelGroup, k -> new AtomicLong()).incrementAndGet();
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    fallbacksFrom.computeIfAbsent(fromGroup, k -> new AtomicLong()).incrementAndGet();
    synchronized (fallbacks) {
      fallbacks.add(new Fallback(fromGroup, toGroup, kind));
    }
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    cooledUntil.merge(deploymentId, until, (a, b) -> a.isAfter(b) ? a : b);
  }

  /** Deployments of {@code group} skipped for a limit or a cooldown. */
  public long limitSkips(String group) {
    AtomicLong n = limitSkips.get(group);
    return n == null ? 0 : n.get();
  }

  /** Fallbacks taken away from {@code group}. */
  public long fallbacksFrom(String group) {
    AtomicLong n = fallbacksFrom.get(group);
    return n == null ? 0 : n.get();
  }

  /** The latest cooldown deadline set for {@code deploymentId}, or null. */
  public Instant cooledUntil(String deploymentId) {
    return cooledUntil.get(deploymentId);
  }

  /** Every fallback taken, in the order they happened. */
  public List<Fallback> fallbacks() {
    synchronized (fallbacks) {
      return List.copyOf(fallbacks);
    }
  }
}
