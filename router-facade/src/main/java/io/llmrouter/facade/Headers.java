package io.llmrouter.facade;

import io.llmrouter.api.Route;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;

/** The response headers the facade adds: the route it took, and the provider's own rate headers. */
final class Headers {
  static final String MODEL_GROUP = "x-llm-router-model-group";
  static final String DEPLOYMENT = "x-llm-router-deployment";
  static final String ATTEMPTS = "x-llm-router-attempts";
  static final String FALLBACKS = "x-llm-router-fallbacks";

  private Headers() {}

  /**
   * Keeps only {@code x-ratelimit-*}, {@code retry-after} and {@code retry-after-ms}. They go out
   * unprefixed (unlike LiteLLM's {@code llm_provider-} copies) so that SDKs honour them; nothing else
   * upstream sent is forwarded, least of all a credential.
   */
  static Map<String, String> upstreamRateHeaders(Map<String, String> upstream) {
    Map<String, String> out = new LinkedHashMap<>();
    if (upstream == null) return out;
    upstream.forEach((k, v) -> {
      String name = k.toLowerCase(Locale.ROOT);
      if ((name.startsWith("x-ratelimit-") || name.equals("retry-after") || name.equals("retry-after-ms")) && safe(v)) {
        out.put(name, v);
      }
    });
    return out;
  }

  /** Writes the route headers and the serving response's rate headers. */
  static void putRoute(HttpFields.Mutable h, Route route) {
    if (route == null) return;
    putIfSafe(h, MODEL_GROUP, route.servedModelGroup() != null ? route.servedModelGroup() : route.requestedModel());
    putIfSafe(h, DEPLOYMENT, route.deploymentId());
    h.put(ATTEMPTS, Integer.toString(route.callCount()));
    if (!route.fallbacks().isEmpty()) putIfSafe(h, FALLBACKS, String.join(",", route.fallbacks()));
    upstreamRateHeaders(route.upstreamHeaders()).forEach(h::put);
  }

  static void putIfSafe(HttpFields.Mutable h, String name, String value) {
    if (value != null && safe(value)) h.put(name, value);
  }

  // A header value with a line break would let a provider (or a config) inject response headers.
  private static boolean safe(String v) {
    return v != null && v.indexOf('\r') < 0 && v.indexOf('\n') < 0;
  }
}
