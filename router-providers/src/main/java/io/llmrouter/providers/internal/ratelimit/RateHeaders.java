package io.llmrouter.providers.internal.ratelimit;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds {@link RateSignal.Window}s from rate-limit headers. Header maps passed here use lower-case names.
 * Stateless and thread-safe.
 */
public final class RateHeaders {
  /** {@code x-ratelimit-(limit|remaining|reset)-(req|requests|tokens)-(second|minute|hour|day|month)} (Cerebras, Mistral). */
  private static final Pattern WINDOWED = Pattern.compile(
      "^x-ratelimit-(limit|remaining|reset)-(req|requests|tokens)-(second|minute|hour|day|month)$");

  private RateHeaders() {}

  /** Returns the rate-related headers of {@code headers}, with lower-case names, sorted. */
  public static Map<String, String> rateRelated(Map<String, String> headers) {
    Map<String, String> out = new TreeMap<>();
    headers.forEach((k, v) -> {
      String n = k.toLowerCase(Locale.ROOT);
      if (n.startsWith("x-ratelimit") || n.startsWith("ratelimit") || n.startsWith("x-tokenlimit")
          || n.equals("retry-after") || n.equals("retry-after-ms")) {
        out.put(n, v);
      }
    });
    return out;
  }

  /** Copies {@code headers} with lower-case names (the last value wins for repeated names). */
  public static Map<String, String> lowerCase(Map<String, String> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
    return out;
  }

  /**
   * One window from three headers; null when none of them is present or readable.
   *
   * @param resetHeader may be null when the provider has no reset header
   */
  public static RateSignal.Window window(
      Map<String, String> headers, String limitHeader, String remainingHeader, String resetHeader, RateScope scope, Instant now) {
    Long limit = RateValues.count(headers.get(limitHeader)).orElse(null);
    Long remaining = RateValues.count(headers.get(remainingHeader)).orElse(null);
    Instant reset = resetHeader == null ? null : RateValues.reset(headers.get(resetHeader), now).orElse(null);
    if (limit == null && remaining == null && reset == null) return null;
    return new RateSignal.Window(limit, remaining, reset, scope);
  }

  /**
   * Parses windows named in the header ({@code x-ratelimit-remaining-requests-day},
   * {@code x-ratelimit-limit-req-minute}, ...).
   *
   * @return request windows under key {@code "requests"} and token windows under {@code "tokens"}
   */
  public static Map<String, List<RateSignal.Window>> namedWindows(Map<String, String> headers, Instant now) {
    Map<String, Map<RateScope, String[]>> parts = new TreeMap<>();
    headers.forEach((name, value) -> {
      Matcher m = WINDOWED.matcher(name);
      if (!m.matches()) return;
      String kind = m.group(2).equals("tokens") ? "tokens" : "requests";
      RateScope scope = RateScope.valueOf(m.group(3).toUpperCase(Locale.ROOT));
      String[] lrr = parts.computeIfAbsent(kind, k -> new TreeMap<>()).computeIfAbsent(scope, s -> new String[3]);
      switch (m.group(1)) {
        case "limit" -> lrr[0] = value;
        case "remaining" -> lrr[1] = value;
        default -> lrr[2] = value;
      }
    });
    Map<String, List<RateSignal.Window>> out = new TreeMap<>();
    parts.forEach((kind, byScope) -> byScope.forEach((scope, lrr) -> {
      Long limit = RateValues.count(lrr[0]).orElse(null);
      Long remaining = RateValues.count(lrr[1]).orElse(null);
      Instant reset = RateValues.reset(lrr[2], now).orElse(null);
      if (limit != null || remaining != null || reset != null) {
        out.computeIfAbsent(kind, k -> new ArrayList<>()).add(new RateSignal.Window(limit, remaining, reset, scope));
      }
    }));
    return out;
  }

  /**
   * Picks the window that constrains most, since a signal holds one window per kind: an exhausted window
   * first (the longest of them), then the lowest remaining fraction, then the longer scope.
   *
   * @return the window, or null for an empty list
   */
  public static RateSignal.Window mostConstraining(List<RateSignal.Window> windows) {
    if (windows == null || windows.isEmpty()) return null;
    Comparator<RateSignal.Window> order = Comparator
        .comparing((RateSignal.Window w) -> w.exhausted() ? 0 : 1)
        .thenComparingDouble(RateHeaders::remainingFraction)
        .thenComparing(w -> -w.scope().ordinal());
    return windows.stream().min(order).orElse(null);
  }

  private static double remainingFraction(RateSignal.Window w) {
    if (w.remaining() == null || w.limit() == null || w.limit() <= 0) return 1.0;
    return (double) w.remaining() / w.limit();
  }
}
