package io.llmrouter.api;

/** The window a rate limit counts over. {@link #UNKNOWN} when the provider did not say. */
public enum RateScope {
  SECOND, MINUTE, HOUR, DAY, MONTH, UNKNOWN;

  /** True for windows long enough that waiting inside one request is pointless (day, month). */
  public boolean isLong() {
    return this == DAY || this == MONTH;
  }
}
