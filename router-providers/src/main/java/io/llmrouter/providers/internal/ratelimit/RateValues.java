package io.llmrouter.providers.internal.ratelimit;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads single rate-limit values: counts, resets (relative or absolute, told apart by magnitude) and
 * {@code Retry-After}/{@code retry-after-ms}. Unreadable values give empty results and a debug log line,
 * never an exception. Stateless and thread-safe.
 */
public final class RateValues {
  private static final Logger LOG = LoggerFactory.getLogger(RateValues.class);
  private static final Pattern NUMBER = Pattern.compile("^\\s*~?\\s*\\+?(\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE]([+-]?)(\\d+))?\\s*$");
  /**
   * Longest value read at all: every real rate value is far shorter, and a cap keeps each parse (regex,
   * decimal arithmetic) bounded whatever an upstream sends.
   */
  static final int MAX_VALUE_LENGTH = 64;
  /** Exponents beyond this are clamped: 1e30 seconds already saturates every wait and count. */
  private static final int MAX_EXPONENT = 30;
  private static final BigDecimal SATURATED = BigDecimal.ONE.scaleByPowerOfTen(MAX_EXPONENT);
  private static final BigDecimal EPOCH_MILLIS_FLOOR = new BigDecimal("1e12");
  private static final BigDecimal EPOCH_SECONDS_FLOOR = new BigDecimal("1e9");

  private RateValues() {}

  /** Parses a count such as {@code 14400}, {@code "50"}, {@code 1.0E9} or {@code ~4251}; empty when unreadable. */
  public static Optional<Long> count(String text) {
    BigDecimal n = number(text);
    if (n == null) return Optional.empty();
    try {
      return Optional.of(n.setScale(0, java.math.RoundingMode.DOWN).longValueExact());
    } catch (ArithmeticException e) {
      LOG.debug("count out of range: '{}'", text);
      return Optional.empty();
    }
  }

  /**
   * Parses a reset value into an absolute instant. A unit-suffixed value ({@code 2m59.56s}) is a wait from
   * {@code now}; a bare number is classified by magnitude: at least 1e12 is epoch milliseconds, at least
   * 1e9 epoch seconds, anything smaller seconds from {@code now}.
   *
   * @return the instant, or empty when unreadable
   */
  public static Optional<Instant> reset(String text, Instant now) {
    if (text == null || text.isBlank()) return Optional.empty();
    BigDecimal n = number(text);
    if (n == null) return Durations.parseGo(text).map(now::plus);
    Instant latest = now.plus(Durations.MAX_WAIT);
    if (n.compareTo(EPOCH_MILLIS_FLOOR) >= 0) return Optional.of(atMost(n, latest.toEpochMilli(), latest));
    if (n.compareTo(EPOCH_SECONDS_FLOOR) >= 0) return Optional.of(atMost(n.movePointRight(3), latest.toEpochMilli(), latest));
    return Optional.of(now.plus(Durations.seconds(n)));
  }

  /** The epoch-millisecond instant {@code millis}, or {@code latest} when it lies beyond it (an absurd reset). */
  private static Instant atMost(BigDecimal millis, long latestMillis, Instant latest) {
    return millis.compareTo(BigDecimal.valueOf(latestMillis)) >= 0 ? latest : Instant.ofEpochMilli(millis.longValue());
  }

  /**
   * Parses a {@code Retry-After} value: (float) seconds, or an HTTP-date (the wait is the date minus
   * {@code now}, never negative). Long waits are kept: a daily cap legitimately says {@code 86399}.
   */
  public static Optional<Duration> retryAfter(String text, Instant now) {
    if (text == null || text.isBlank()) return Optional.empty();
    BigDecimal n = number(text);
    if (n != null) return Optional.of(Durations.seconds(n));
    try {
      Instant at = ZonedDateTime.parse(text.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(now, at);
      return Optional.of(d.isNegative() ? Duration.ZERO : d);
    } catch (DateTimeParseException e) {
      // Some servers send a Go duration here; accept it rather than lose the hint.
      Optional<Duration> go = Durations.parseGo(text);
      if (go.isEmpty()) LOG.debug("unreadable Retry-After: '{}'", text);
      return go;
    }
  }

  /** Parses {@code retry-after-ms} (float milliseconds). */
  public static Optional<Duration> retryAfterMillis(String text) {
    BigDecimal n = number(text);
    if (n == null) {
      if (text != null) LOG.debug("unreadable retry-after-ms: '{}'", text);
      return Optional.empty();
    }
    return Optional.of(Durations.seconds(n.movePointLeft(3)));
  }

  /**
   * The header retry hint: {@code retry-after-ms} first (it is more precise), then {@code retry-after}.
   *
   * @param headers lower-case header names
   */
  public static Optional<Duration> headerRetryHint(Map<String, String> headers, Instant now) {
    Optional<Duration> ms = retryAfterMillis(headers.get("retry-after-ms"));
    return ms.isPresent() ? ms : retryAfter(headers.get("retry-after"), now);
  }

  /**
   * Parses a non-negative decimal number (with an optional {@code ~} and exponent), or null. Bounded time
   * whatever the input: longer than {@value #MAX_VALUE_LENGTH} characters is unreadable (null), and an
   * exponent beyond &plusmn;30 is clamped instead of expanded ({@code 1e99999999} reads as 1e30, which every
   * caller saturates; {@code 1e-99999999} as 0). Negative numbers are unreadable.
   */
  public static BigDecimal number(String text) {
    if (text == null || text.length() > MAX_VALUE_LENGTH) return null;
    Matcher m = NUMBER.matcher(text);
    if (!m.matches()) return null;
    try {
      BigDecimal mantissa = new BigDecimal(normalise(m.group(1)));
      String exp = m.group(3);
      if (exp == null) return mantissa;
      String digits = exp.replaceFirst("^0+(?=.)", "");
      boolean negative = "-".equals(m.group(2));
      if (mantissa.signum() == 0) return BigDecimal.ZERO;
      if (digits.length() > 3 || Integer.parseInt(digits) > MAX_EXPONENT) {
        return negative ? BigDecimal.ZERO : SATURATED;
      }
      BigDecimal n = mantissa.scaleByPowerOfTen(negative ? -Integer.parseInt(digits) : Integer.parseInt(digits));
      return n.compareTo(SATURATED) > 0 ? SATURATED : n;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static String normalise(String n) {
    if (n.startsWith(".")) return "0" + n;
    if (n.endsWith(".")) return n + "0";
    return n;
  }
}
