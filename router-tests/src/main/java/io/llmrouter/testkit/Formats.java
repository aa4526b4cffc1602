package io.llmrouter.testkit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

/** Value formats the providers put on the wire. Stateless; thread-safe. */
final class Formats {
  private Formats() {}

  /**
   * Go's {@code time.Duration.String()} after rounding to milliseconds, as Groq and OpenAI write resets and
   * "Please try again in ...": {@code 2m59.56s}, {@code 7.66s}, {@code 185ms}, {@code 6m0s}, {@code 1h0m0s}, {@code 0s}.
   */
  static String goDuration(Duration d) {
    long ms = roundedMillis(d);
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    long hours = ms / 3_600_000;
    long minutes = (ms / 60_000) % 60;
    long millisOfMinute = ms % 60_000;
    StringBuilder sb = new StringBuilder();
    if (hours > 0) {
      sb.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      sb.append(minutes).append('m');
    }
    sb.append(decimal(millisOfMinute, 3)).append('s');
    return sb.toString();
  }

  /** Float seconds as Cerebras writes resets: {@code 33011.382867097855}-style, here with millisecond precision trimmed. */
  static String floatSeconds(Duration d) {
    BigDecimal s = BigDecimal.valueOf(Math.max(0, d.toNanos())).movePointLeft(9).setScale(6, RoundingMode.HALF_UP);
    String text = s.stripTrailingZeros().toPlainString();
    return text.contains(".") ? text : text + ".0";
  }

  /** A protobuf Duration as Gemini's {@code RetryInfo.retryDelay} carries it: {@code 58s}, {@code 45.837906927s}. */
  static String protobufDuration(Duration d) {
    long nanos = Math.max(0, d.toNanos());
    return decimal(nanos, 9) + "s";
  }

  /** Whole seconds for {@code Retry-After}, rounded up (never 0 for a positive wait). */
  static long retryAfterSeconds(Duration d) {
    long s = (d.toMillis() + 999) / 1000;
    return Math.max(1, s);
  }

  private static long roundedMillis(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return (d.toNanos() + 500_000) / 1_000_000;
  }

  // value / 10^scale, printed without trailing zeros: decimal(59560, 3) = "59.56".
  private static String decimal(long value, int scale) {
    return BigDecimal.valueOf(value).movePointLeft(scale).stripTrailingZeros().toPlainString();
  }
}
