package io.llmrouter.api;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What one provider response said about its limits: a request window and a token window (each with its
 * own scope, for example Groq's request headers count per day and its token headers per minute), and the
 * provider's retry hint. Every part is optional. Immutable and thread-safe.
 *
 * @param requests the request window, or null when the response said nothing about it
 * @param tokens the token window, or null
 * @param retryAfter the provider's own retry hint (Retry-After, retry-after-ms, body hints), or null
 * @param observedAt when the response was received, the base of every relative reset
 */
public record RateSignal(Window requests, Window tokens, Duration retryAfter, Instant observedAt) {

  /** A signal that says nothing. */
  public static RateSignal none(Instant observedAt) {
    return new RateSignal(null, null, null, observedAt);
  }

  /** True when the response carried no rate information at all. */
  public boolean isEmpty() {
    return requests == null && tokens == null && retryAfter == null;
  }

  /** Returns the instant the retry hint expires, or null. */
  public Instant retryAt() {
    return retryAfter == null ? null : observedAt.plus(retryAfter);
  }

  /**
   * One counted window.
   *
   * @param limit the window's limit, or null if not reported
   * @param remaining what is left, or null
   * @param resetAt absolute time the window refills (relative values are converted on parse), or null
   * @param scope what the window counts over
   */
  public record Window(Long limit, Long remaining, Instant resetAt, RateScope scope) {
    public Window {
      Objects.requireNonNull(scope, "scope");
    }

    /** True when the provider said nothing is left in this window. */
    public boolean exhausted() {
      return remaining != null && remaining <= 0;
    }
  }
}
