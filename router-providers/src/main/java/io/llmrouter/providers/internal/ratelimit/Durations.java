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
  private static final Pattern BARE_NUMBER = Pattern.compile("^\\s*~?\\s*\\+?(" + NUM + ")\\s*$");
  private static final Pattern IN_MESSAGE = Pattern.compile(
      "(?i)(?:try again|retry)\\s+in\\s+~?\\s*((?:" + NUM + "\\s*(?:ns|us|µs|μs|ms|h|m|s)(?![a-z])\\s*)+)");

  private Durations() {}

  /**
   * Parses a Go-style duration such as {@code 2m59.56s}, {@code 370ms} or {@code 6m 11.52s}.
   *
   * @return the duration, or empty when {@code text} is null, negative or not a duration
   */
  public static Optional<Duration> parseGo(String text) {
    if (text == null) return Optional.empty();
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
    if (text == null) return Optional.empty();
    Matcher bare = BARE_NUMBER.matcher(text);
    if (bare.matches()) return Optional.of(seconds(new BigDecimal(normalise(bare.group(1)))));
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

  /** Converts non-negative decimal seconds to a duration, rounding to nanoseconds. */
  public static Duration seconds(BigDecimal seconds) {
    return ofNanos(seconds.multiply(BigDecimal.valueOf(1_000_000_000L)));
  }

  private static String normalise(String n) {
    if (n.startsWith(".")) return "0" + n;
    if (n.endsWith(".")) return n + "0";
    return n;
  }

  private static Duration ofNanos(BigDecimal nanos) {
    BigDecimal whole = nanos.setScale(0, RoundingMode.HALF_UP);
    // Clamp absurd values instead of overflowing: nothing legitimate waits longer than a year.
    BigDecimal max = BigDecimal.valueOf(366L * 24 * 3600).multiply(BigDecimal.valueOf(1_000_000_000L));
    if (whole.compareTo(max) > 0) whole = max;
    return Duration.ofNanos(whole.longValueExact());
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
