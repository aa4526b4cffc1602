package io.llmrouter.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Nothing in the request's chain could serve it. Lists, per deployment tried or skipped, why (cooling
 * until T, over rpm, remaining quota 0 until T, failed with X), and the earliest time anything will be
 * available again ({@link #earliestAvailable()}; the HTTP facade turns it into {@code Retry-After}).
 * Retriable: the same request may succeed after that time.
 */
public class NoDeploymentAvailableException extends LlmRouterException {
  private final String modelGroup;
  private final transient List<Reason> reasons;
  private final Instant earliestAvailable;
  private final transient Route route;
  private final transient LlmRouterException lastError;

  public NoDeploymentAvailableException(
      String modelGroup, List<Reason> reasons, Instant earliestAvailable, Route route, LlmRouterException lastError) {
    super(describe(modelGroup, reasons, earliestAvailable), true, lastError);
    this.modelGroup = modelGroup;
    this.reasons = List.copyOf(reasons);
    this.earliestAvailable = earliestAvailable;
    this.route = route;
    this.lastError = lastError;
  }

  /** The model group the caller asked for. */
  public String modelGroup() {
    return modelGroup;
  }

  /** One entry per deployment tried or skipped, in the order the router considered them. */
  public List<Reason> reasons() {
    return reasons;
  }

  /** The earliest instant any deployment in the chain becomes available, or null when unknown. */
  public Instant earliestAvailable() {
    return earliestAvailable;
  }

  /** Seconds from {@code now} until {@link #earliestAvailable()}, at least 1; null when unknown. */
  public Long retryAfterSeconds(Instant now) {
    if (earliestAvailable == null) return null;
    long s = (long) Math.ceil(Duration.between(now, earliestAvailable).toMillis() / 1000.0);
    return Math.max(1, s);
  }

  /** What was tried; may be null. */
  public Route route() {
    return route;
  }

  /** The last provider error seen, or null when nothing was called. */
  public LlmRouterException lastError() {
    return lastError;
  }

  /**
   * True when every reason is a limit or cooldown (the caller should wait), not a hard failure: also when
   * every deployment was called and answered with a rate limit ({@link Kind#RATE_LIMITED}). The HTTP
   * facade answers such a chain with 429.
   */
  public boolean allRateLimited() {
    return !reasons.isEmpty() && reasons.stream().allMatch(r -> r.kind().isLimit());
  }

  private static String describe(String group, List<Reason> reasons, Instant earliest) {
    StringBuilder sb = new StringBuilder("No deployment available for model '").append(group).append('\'');
    if (earliest != null) sb.append("; earliest available at ").append(earliest);
    for (Reason r : reasons) {
      sb.append("\n  ").append(r.modelGroup()).append(" / ").append(r.deploymentId()).append(": ").append(r.kind().text);
      if (r.until() != null) sb.append(" until ").append(r.until());
      if (r.detail() != null && !r.detail().isEmpty()) sb.append(" (").append(r.detail()).append(')');
    }
    return sb.toString();
  }

  /**
   * Why one deployment did not serve.
   *
   * @param modelGroup the group
   * @param deploymentId the deployment
   * @param kind the kind of reason
   * @param until when it ends, or null
   * @param detail a short explanation (an error's first line; never a key)
   */
  public record Reason(String modelGroup, String deploymentId, Kind kind, Instant until, String detail) {}

  /** Kinds of reasons a deployment did not serve. */
  public enum Kind {
    COOLING("cooling"),
    OVER_RPM("over rpm"),
    OVER_TPM("over tpm"),
    QUOTA_EXHAUSTED("remaining quota 0"),
    MAX_PARALLEL("max_parallel_requests reached"),
    UNHEALTHY("unhealthy"),
    CONTEXT_TOO_SMALL("prompt exceeds context window"),
    MISSING_KEY("api key variable not set"),
    FAILED("failed"),
    /** The deployment was called and answered with a rate limit (429, a spent daily quota). */
    RATE_LIMITED("rate limited by the provider"),
    MOCK("mock_testing field"),
    /** Its {@code model_info.mode} does not serve this kind of call (a chat model asked for embeddings). */
    WRONG_MODE("model_info.mode does not serve this call");

    final String text;

    Kind(String text) {
      this.text = text;
    }

    /** True for limits and cooldowns, which pass with time. */
    public boolean isLimit() {
      return this == COOLING || this == OVER_RPM || this == OVER_TPM || this == QUOTA_EXHAUSTED || this == MAX_PARALLEL
          || this == RATE_LIMITED;
    }
  }
}
