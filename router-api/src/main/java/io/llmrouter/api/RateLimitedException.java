package io.llmrouter.api;

import java.time.Duration;
import java.time.Instant;

/**
 * The provider refused the call for a rate limit or quota. {@link #scope()} tells which window ran out
 * (a per-minute one is worth waiting for, a per-day one is not), {@link #retryAfter()} the provider's own
 * hint, and {@link #resetAt()} the absolute time the quota returns, when known.
 */
public class RateLimitedException extends ProviderException {
  private final RateScope scope;
  private final Duration retryAfter;
  private final Instant resetAt;

  public RateLimitedException(
      String message, ErrorContext context, RateScope scope, Duration retryAfter, Instant resetAt, Throwable cause) {
    super(message, true, context, cause);
    this.scope = scope == null ? RateScope.UNKNOWN : scope;
    this.retryAfter = retryAfter;
    this.resetAt = resetAt;
  }

  public RateLimitedException(
      String message, ErrorContext context, RateScope scope, Duration retryAfter, Instant resetAt) {
    this(message, context, scope, retryAfter, resetAt, null);
  }

  /** Which window ran out: MINUTE, DAY, ... or UNKNOWN. */
  public RateScope scope() {
    return scope;
  }

  /** The provider's retry hint, or null when it gave none. */
  public Duration retryAfter() {
    return retryAfter;
  }

  /** When the quota returns, absolute, or null when not known. */
  public Instant resetAt() {
    return resetAt;
  }
}
