package io.llmrouter.core;

import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Route;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the exceptions a request ends with. The last provider error is thrown as is when it is not
 * retriable (a bad request); otherwise the caller gets a {@link NoDeploymentAvailableException} listing
 * why each deployment of the chain did not serve and when the earliest becomes available; a request out
 * of time gets a {@link RequestTimeoutException} naming the attempts made.
 */
final class RouterErrors {
  private final DeploymentRegistry registry;
  private final Clock clock;

  RouterErrors(DeploymentRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  static LlmRouterException noneAdmissible(ModelGroup g) {
    return new LlmRouterException("no deployment of '" + g.name + "' can take the request now", true);
  }

  static LlmRouterException deadline(RequestState rs) {
    return new RequestTimeoutException("request deadline of " + rs.deadlineSeconds + " s reached",
        new ErrorContext(0, null, null, Map.of(), null, null));
  }

  static LlmRouterException contextTooLarge(ModelGroup g, RequestState rs) {
    boolean window = false;
    for (Deployment d : g.all) {
      Integer max = d.config.maxInputTokens();
      if (max != null && rs.promptTokens > max) window = true;
    }
    if (!window) {
      return new LargerThanTpmException("pre-call check: the request (~" + rs.estTokens + " tokens with its max_tokens) is larger than the"
          + " tpm of every deployment of " + g.name, new ErrorContext(0, null, null, Map.of(), null, null));
    }
    return new ContextWindowExceededException(
        "pre-call check: the prompt (~" + rs.promptTokens + " tokens) exceeds the context window of every deployment of " + g.name,
        new ErrorContext(0, null, null, Map.of(), null, null));
  }

  /**
   * No deployment's declared tpm can ever hold the request (its context window may): a ContextWindowExceeded
   * for the caller and for {@code context_window_fallbacks}, as LiteLLM maps Groq's 413 "Request too large";
   * but where the group has no such entry its ordinary {@code fallbacks} are tried, since another model's
   * budget may hold it ({@link FallbackPlanner#candidates}).
   */
  static final class LargerThanTpmException extends ContextWindowExceededException {
    LargerThanTpmException(String message, ErrorContext context) {
      super(message, context);
    }
  }

  /**
   * The exception that ends a request nothing could serve.
   *
   * @param last the last error a call (or a pre-call check, or a mock) produced, or null
   * @param deadlineHit whether the request ran out of time
   */
  LlmRouterException exhausted(RequestState rs, LlmRouterException last, boolean deadlineHit) {
    if (deadlineHit) {
      return new RequestTimeoutException("request deadline of " + rs.deadlineSeconds + " s reached after " + rs.attempts.size()
          + " attempts" + (last == null ? "" : "; last error: " + firstLine(last)),
          new ErrorContext(0, null, null, Map.of(), null, null), last);
    }
    if (last != null && !last.retriable()) return last;
    List<Reason> reasons = rs.reasons == null ? List.of() : new ArrayList<>(rs.reasons.values());
    long now = clock.millis();
    long earliest = Long.MAX_VALUE;
    List<String> tried = new ArrayList<>();
    tried.add(rs.requested);
    tried.addAll(rs.fallbacksSoFar());
    for (String name : tried) {
      for (Deployment d : registry.group(name).all) {
        long at = registry.availableAt(d, now, rs);
        if (at > now) earliest = Math.min(earliest, at);
      }
    }
    Instant at = earliest == Long.MAX_VALUE ? null : Instant.ofEpochMilli(earliest);
    List<String> taken = rs.fallbacksSoFar();
    String lastGroup = taken.isEmpty() ? rs.requested : taken.get(taken.size() - 1);
    Route route = new Route(rs.requested, lastGroup, null, null, null, null, rs.attempts, taken, Map.of());
    return new NoDeploymentAvailableException(rs.requested, reasons, at, route, last);
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + firstLine(e);
  }

  static String firstLine(Throwable e) {
    if (e == null) return "";
    String m = e.getMessage();
    if (m == null) return e.getClass().getSimpleName();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
