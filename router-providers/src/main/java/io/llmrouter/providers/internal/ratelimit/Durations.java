package io.llmrouter.providers.internal.ratelimit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses the duration spellings providers use for waits and resets: Go {@code time.Duration.String()}
 * output ({@code 1m26.4s}, {@code 6m0s}, {@code 370ms}, {@code 2h3m}, tolerating spaces as in
 * {@code 6m 11.52s} and a leading {@code ~}), protobuf durations ({@code 45.837906927s}), and bare
 * (float) seconds. Every method returns empty for input it cannot read and never throws. Stateless and
 * thread-safe.
 */
public final class Durations {
  private static final Logger LOG = LoggerFactory.getLogger(Durations.class);

  // Longest unit first so the "m" of "ms" is never read as minutes.
  private static final String UNIT = "(?:ns|us|µs|μs|ms|h|m|s)";
  private static final String NUM = "(?:\\d+(?:\\.\\d*)?|\\.\\d+)";
  private static final Pattern WHOLE =
      Pattern.compile("^\\s*~?\\s*\\+?(?:" + NUM + "\\s*" + UNIT + "\\s*)+$");
  private static final Pattern TOKEN = Pattern.compile("(" + NUM + ")\\s*(ns|us|µs|μs|ms|h|m|s)");
  private static final Pattern IN_MESSAGE = Pattern.compile(
      "(?i)(?:try again|retry)\\s+in\\s+~?\\s*((?:" + NUM + "\\s*(?:ns|us|µs|μs|ms|h|m|s)(?![a-z])\\s*)+)");

  /** The longest wait any parser here returns (366 days): longer values are clamped to it. */
  public static final Duration MAX_WAIT = Duration.ofDays(366);
  private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(MAX_WAIT.toNanos());
  private static final BigDecimal HALF = new BigDecimal("0.5");

  private Durations() {}

  /**
   * Parses a Go-style duration such as {@code 2m59.56s}, {@code 370ms} or {@code 6m 11.52s}.
   *
   * @return the duration, or empty when {@code text} is null, negative or not a duration
   */
  public static Optional<Duration> parseGo(String text) {
    if (text == null || text.length() > RateValues.MAX_VALUE_LENGTH) return Optional.empty();
    String s = text.strip();
    if (!WHOLE.matcher(s).matches()) {
      LOG.debug("not a duration: '{}'", s);
      return Optional.empty();
    }
    BigDecimal nanos = BigDecimal.ZERO;
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      BigDecimal n = new BigDecimal(normalise(m.group(1)));
      nanos = nanos.add(n.multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
    }
    return Optional.of(ofNanos(nanos));
  }

  /**
   * Parses a wait given either as a unit-suffixed duration (Go or protobuf) or as bare seconds
   * ({@code 2}, {@code 11.382867097854614}).
   *
   * @return the duration, or empty when unreadable or negative
   */
  public static Optional<Duration> parseSecondsOrDuration(String text) {
    if (text == null || text.length() > RateValues.MAX_VALUE_LENGTH) return Optional.empty();
    BigDecimal n = RateValues.number(text);
    if (n != null) return Optional.of(seconds(n));
    return parseGo(text);
  }

  /**
   * Finds a wait inside message text: {@code "Please try again in 1.984999999s"} (Groq, OpenAI),
   * {@code "Please retry in 58.934310785s."} (Gemini), {@code "try again in 9m38.016s"}.
   *
   * @return the first wait found, or empty
   */
  public static Optional<Duration> findInMessage(String message) {
    if (message == null) return Optional.empty();
    Matcher m = IN_MESSAGE.matcher(message);
    return m.find() ? parseGo(m.group(1)) : Optional.empty();
  }

  /**
   * Converts non-negative decimal seconds to a duration, rounding to nanoseconds and clamping at
   * {@link #MAX_WAIT}; negative values give zero. Bounded time for any value: the magnitude is compared
   * before any rescaling.
   */
  public static Duration seconds(BigDecimal seconds) {
    return ofNanos(seconds.multiply(BigDecimal.valueOf(1_000_000_000L)));
  }

  private static String normalise(String n) {
    if (n.startsWith(".")) return "0" + n;
    if (n.endsWith(".")) return n + "0";
    return n;
  }

  private static Duration ofNanos(BigDecimal nanos) {
    // Compare first: rescaling 1e-99999999 or 1e99999999 would take minutes and gigabytes. Clamp absurd
    // values instead of overflowing: nothing legitimate waits longer than a year.
    if (nanos.compareTo(MAX_NANOS) >= 0) return MAX_WAIT;
    if (nanos.compareTo(HALF) < 0) return Duration.ZERO;
    return Duration.ofNanos(nanos.setScale(0, RoundingMode.HALF_UP).longValueExact());
  }

  private static long unitNanos(String unit) {
    switch (unit.toLowerCase(Locale.ROOT)) {
      case "ns": return 1L;
      case "us": case "µs": case "μs": return 1_000L;
      case "ms": return 1_000_000L;
      case "s": return 1_000_000_000L;
      case "m": return 60_000_000_000L;
      case "h": return 3_600_000_000_000L;
      default: throw new IllegalStateException("unit regex and switch disagree: " + unit);
    }
  }
}
