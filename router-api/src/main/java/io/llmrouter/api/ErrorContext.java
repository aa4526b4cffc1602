package io.llmrouter.api;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a provider error came from: HTTP status (0 when there was no response), provider prefix,
 * deployment id, response headers with credentials removed, the start of the body, and the rate signal
 * the response carried.
 *
 * @param status HTTP status, or 0 when no response arrived
 * @param provider provider prefix such as {@code groq}
 * @param deploymentId the deployment called, or null when not known
 * @param headers response headers, lower-case names, credential headers removed
 * @param body the first 4 KiB of the response body, or null
 * @param signal what the response said about limits; never null
 */
public record ErrorContext(
    int status, String provider, String deploymentId, Map<String, String> headers, String body, RateSignal signal) {

  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie", "x-goog-api-key");
  private static final int MAX_BODY = 4096;

  public ErrorContext {
    headers = redact(headers);
    if (body != null && body.length() > MAX_BODY) body = body.substring(0, MAX_BODY) + "…";
    if (signal == null) signal = RateSignal.none(java.time.Instant.EPOCH);
  }

  /** Returns a copy naming {@code deploymentId}. */
  public ErrorContext withDeployment(String deploymentId) {
    return new ErrorContext(status, provider, deploymentId, headers, body, signal);
  }

  /**
   * Copies {@code headers} with lower-case names and without any credential header. A map that is already
   * clean is only copied (an immutable one is returned as is), so redacting twice costs nothing.
   */
  public static Map<String, String> redact(Map<String, String> headers) {
    if (headers == null || headers.isEmpty()) return Map.of();
    if (clean(headers)) return Map.copyOf(headers);
    Map<String, String> out = new TreeMap<>();
    headers.forEach((k, v) -> {
      String name = k.toLowerCase(Locale.ROOT);
      if (!SECRET_HEADERS.contains(name)) out.put(name, v);
    });
    return Map.copyOf(out);
  }

  private static boolean clean(Map<String, String> headers) {
    for (String k : headers.keySet()) {
      if (k == null || SECRET_HEADERS.contains(k) || !k.equals(k.toLowerCase(Locale.ROOT))) return false;
    }
    return true;
  }
}
