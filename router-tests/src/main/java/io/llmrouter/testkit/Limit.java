package io.llmrouter.testkit;

import java.time.Duration;

/**
 * The four quota windows a simulated model can enforce; the scope of a 429 the simulator sends.
 *
 * <p>Thread-safety: an immutable enum.
 */
public enum Limit {
  /** Requests per minute. */
  RPM(false, false),
  /** Requests per day (OpenRouter's {@code free-models-per-day} cap counts here too). */
  RPD(false, true),
  /** Tokens per minute. */
  TPM(true, false),
  /** Tokens per day. */
  TPD(true, true);

  private final boolean tokens;
  private final boolean daily;

  Limit(boolean tokens, boolean daily) {
    this.tokens = tokens;
    this.daily = daily;
  }

  /** True for token windows, false for request windows. */
  public boolean countsTokens() {
    return tokens;
  }

  /** True for the day-long windows (a "day-scope" 429). */
  public boolean daily() {
    return daily;
  }

  /** The window length: one minute or one day. */
  public Duration window() {
    return daily ? Duration.ofDays(1) : Duration.ofMinutes(1);
  }
}
