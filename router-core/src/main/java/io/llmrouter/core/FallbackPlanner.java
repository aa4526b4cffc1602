package io.llmrouter.core;

import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.core.config.RouterSettings;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The order of model groups a request may visit: the requested group, then the fallbacks its failures
 * name, breadth first, each group at most once, at most {@code max_fallbacks} of them. Which list applies
 * depends on the error: a context-window or content-policy error uses its own map when configured (a map
 * without an entry for the group means no fallback, as in LiteLLM), otherwise the request's own
 * {@code fallbacks} (for the requested group), the group's {@code fallbacks}, or {@code default_fallbacks}.
 */
final class FallbackPlanner {
  /** Which setting supplied a fallback. */
  enum Kind {
    FALLBACKS("fallbacks"),
    DEFAULT_FALLBACKS("default_fallbacks"),
    REQUEST_FALLBACKS("request_fallbacks"),
    CONTEXT_WINDOW_FALLBACKS("context_window_fallbacks"),
    CONTENT_POLICY_FALLBACKS("content_policy_fallbacks");

    /** The config key, as listeners and logs name it. */
    final String key;

    Kind(String key) {
      this.key = key;
    }
  }

  /** The groups an error in one group sends the request to, and the setting that named them. */
  record Candidates(Kind kind, List<String> groups) {}

  /** A queued move from one group to another. */
  private record Step(String from, String to, Kind kind) {}

  private final RouterSettings settings;
  private final DeploymentRegistry registry;
  private final Listeners listeners;

  FallbackPlanner(RouterSettings settings, DeploymentRegistry registry, Listeners listeners) {
    this.settings = settings;
    this.registry = registry;
    this.listeners = listeners;
  }

  /** A new plan for {@code rs}, positioned on the requested group. */
  Plan plan(RequestState rs) {
    return new Plan(rs);
  }

  Candidates candidates(String group, LlmRouterException e, RequestState rs) {
    if (e instanceof ContextWindowExceededException) {
      Candidates c = specific(settings.contextWindowFallbacks(), group, Kind.CONTEXT_WINDOW_FALLBACKS);
      // Too large for the group's tpm, not for a context window: without an entry of its own the group's
      // ordinary fallbacks may still have the budget.
      boolean budgetOnly = e instanceof RouterErrors.LargerThanTpmException && !settings.contextWindowFallbacks().containsKey(group);
      if (c != null && !budgetOnly) return c;
    } else if (e instanceof ContentPolicyException) {
      Candidates c = specific(settings.contentPolicyFallbacks(), group, Kind.CONTENT_POLICY_FALLBACKS);
      if (c != null) return c;
    }
    if (group.equals(rs.requested) && rs.requestFallbacks != null) return new Candidates(Kind.REQUEST_FALLBACKS, rs.requestFallbacks);
    List<String> l = settings.fallbacks().get(group);
    if (l != null) return new Candidates(Kind.FALLBACKS, l);
    return new Candidates(Kind.DEFAULT_FALLBACKS, settings.defaultFallbacks());
  }

  private static Candidates specific(Map<String, List<String>> map, String group, Kind kind) {
    List<String> l = map.get(group);
    if (l != null) return new Candidates(kind, l);
    // LiteLLM: a configured map without an entry for this group means "no fallback" for this error.
    return map.isEmpty() ? null : new Candidates(kind, List.of());
  }

  private boolean budgetLeft(RequestState rs) {
    return !rs.disableFallbacks && rs.fallbacksSoFar().size() < settings.maxFallbacks();
  }

  /** Epoch ms the earliest deployment of {@code g} that serves the request's kind admits it, MAX when none will. */
  private long groupAvailableAt(ModelGroup g, RequestState rs, long now) {
    long best = Long.MAX_VALUE;
    for (Deployment d : g.all) {
      if (rs.isEmbedding() ? !d.config.servesEmbeddings() : !d.config.servesChat()) continue;
      long at = registry.availableAt(d, now, rs);
      if (at <= now) return now;
      best = Math.min(best, at);
    }
    return best;
  }

  /** One request's walk through its groups. Used by one thread at a time (handed over with the request). */
  final class Plan implements GroupRetry.Chain {
    private final RequestState rs;
    private ModelGroup current;
    private boolean first = true;
    private ArrayDeque<Step> queue;
    private HashSet<String> visited;

    private Plan(RequestState rs) {
      this.rs = rs;
      this.current = registry.group(rs.requested);
    }

    ModelGroup current() {
      return current;
    }

    /** True while serving the requested group, before any fallback. */
    boolean firstChoice() {
      return first;
    }

    /** True when a limit or a failure in the current group would move the request on. */
    @Override
    public boolean fallbackLeft() {
      if (!budgetLeft(rs)) return false;
      if (queue != null && !queue.isEmpty()) return true;
      List<String> next = current.name.equals(rs.requested) && rs.requestFallbacks != null ? rs.requestFallbacks
          : settings.fallbacks().getOrDefault(current.name, settings.defaultFallbacks());
      for (String n : next) if (!n.equals(rs.requested) && (visited == null || !visited.contains(n))) return true;
      return false;
    }

    /**
     * The earliest instant a group after the current one admits the request: the groups {@link #next} would
     * visit if every group from here gave up for its limits ({@code err} for the current one), in that
     * order and within the {@code max_fallbacks} budget. Reads state only: no probe, no window entry.
     */
    @Override
    public long laterAvailableAt(LlmRouterException err, long now) {
      if (!budgetLeft(rs)) return Long.MAX_VALUE;
      int budget = settings.maxFallbacks() - rs.fallbacksSoFar().size();
      HashSet<String> seen = new HashSet<>();
      seen.add(rs.requested);
      seen.add(current.name);
      ArrayDeque<String> order = new ArrayDeque<>();
      if (visited != null) {
        seen.addAll(visited);
        for (Step s : queue) order.add(s.to());
      }
      // A null error picks the plain fallback lists, as a group that gave up for its limits does.
      for (String n : candidates(current.name, err, rs).groups()) if (seen.add(n)) order.add(n);
      long best = Long.MAX_VALUE;
      for (int taken = 0; taken < budget && !order.isEmpty(); taken++) {
        ModelGroup fg = registry.group(order.poll());
        if (fg == null) continue;
        long at = groupAvailableAt(fg, rs, now);
        if (at <= now) return now;
        best = Math.min(best, at);
        for (String n : candidates(fg.name, null, rs).groups()) if (seen.add(n)) order.add(n);
      }
      return best;
    }

    /**
     * Moves to the next group after the current one failed with {@code err}, logging the fallback.
     *
     * @return the next group, or null when the plan is spent
     */
    ModelGroup next(LlmRouterException err) {
      first = false;
      if (rs.disableFallbacks) return null;
      if (visited == null) {
        visited = new HashSet<>();
        visited.add(rs.requested);
        queue = new ArrayDeque<>();
      }
      Candidates c = candidates(current.name, err, rs);
      for (String n : c.groups()) {
        if (visited.add(n)) queue.add(new Step(current.name, n, c.kind()));
      }
      Step step = queue.poll();
      if (step == null || rs.fallbacksSoFar().size() >= settings.maxFallbacks()) return null;
      listeners.onFallback(rs.handle, step.from(), step.to(), step.kind().key, err);
      rs.fallbacksTaken().add(step.to());
      current = registry.group(step.to());
      return current;
    }
  }
}
