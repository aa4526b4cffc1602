package io.llmrouter.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * LiteLLM's {@code router_settings}. Defaults match LiteLLM's documented ones (see {@link #defaults()}).
 *
 * @param routingStrategy {@code simple-shuffle}, {@code least-busy}, {@code latency-based-routing} or
 *     {@code usage-based-routing}
 * @param numRetries retries per model group before falling back
 * @param retryAfter minimum wait between retries of the same group
 * @param allowedFails failures within a minute before a deployment cools down
 * @param cooldownTime cooldown when the provider gives no reset time
 * @param fallbacks ordered generic fallbacks per group (insertion-ordered)
 * @param defaultFallbacks fallbacks for any group without its own entry
 * @param contextWindowFallbacks fallbacks on {@code ContextWindowExceededException}
 * @param contentPolicyFallbacks fallbacks on {@code ContentPolicyException}
 * @param retryPolicy retries per exception kind ({@code RateLimitErrorRetries}, {@code TimeoutErrorRetries}, ...)
 * @param allowedFailsPolicy allowed fails per exception kind ({@code RateLimitErrorAllowedFails}, ...)
 * @param enablePreCallChecks skip deployments whose context window the prompt clearly exceeds
 * @param maxFallbacks depth limit of the fallback plan
 * @param sharedState where several instances share per-deployment state ({@code redis_*} keys); never null,
 *     {@link SharedStateSettings#none()} when not configured
 */
public record RouterSettings(
    String routingStrategy,
    int numRetries,
    Duration retryAfter,
    int allowedFails,
    Duration cooldownTime,
    Map<String, List<String>> fallbacks,
    List<String> defaultFallbacks,
    Map<String, List<String>> contextWindowFallbacks,
    Map<String, List<String>> contentPolicyFallbacks,
    Map<String, Integer> retryPolicy,
    Map<String, Integer> allowedFailsPolicy,
    boolean enablePreCallChecks,
    int maxFallbacks,
    SharedStateSettings sharedState) {

  public RouterSettings {
    sharedState = sharedState == null ? SharedStateSettings.none() : sharedState;
    fallbacks = ConfigCopies.orderedMapOfLists(fallbacks);
    defaultFallbacks = defaultFallbacks == null ? List.of() : List.copyOf(defaultFallbacks);
    contextWindowFallbacks = ConfigCopies.orderedMapOfLists(contextWindowFallbacks);
    contentPolicyFallbacks = ConfigCopies.orderedMapOfLists(contentPolicyFallbacks);
    retryPolicy = retryPolicy == null ? Map.of() : Map.copyOf(retryPolicy);
    allowedFailsPolicy = allowedFailsPolicy == null ? Map.of() : Map.copyOf(allowedFailsPolicy);
  }

  /** The settings without shared state ({@link SharedStateSettings#none()}). */
  public RouterSettings(String routingStrategy, int numRetries, Duration retryAfter, int allowedFails, Duration cooldownTime,
      Map<String, List<String>> fallbacks, List<String> defaultFallbacks, Map<String, List<String>> contextWindowFallbacks,
      Map<String, List<String>> contentPolicyFallbacks, Map<String, Integer> retryPolicy, Map<String, Integer> allowedFailsPolicy,
      boolean enablePreCallChecks, int maxFallbacks) {
    this(routingStrategy, numRetries, retryAfter, allowedFails, cooldownTime, fallbacks, defaultFallbacks, contextWindowFallbacks,
        contentPolicyFallbacks, retryPolicy, allowedFailsPolicy, enablePreCallChecks, maxFallbacks, SharedStateSettings.none());
  }

  /** These settings with {@code sharedState} in place of the configured one (the CLI's {@code --redis-url}). */
  public RouterSettings withSharedState(SharedStateSettings shared) {
    return new RouterSettings(routingStrategy, numRetries, retryAfter, allowedFails, cooldownTime, fallbacks, defaultFallbacks,
        contextWindowFallbacks, contentPolicyFallbacks, retryPolicy, allowedFailsPolicy, enablePreCallChecks, maxFallbacks, shared);
  }

  /** LiteLLM's defaults: simple-shuffle, 2 retries, no retry floor, 3 allowed fails, 5 s cooldown, depth 5. */
  public static RouterSettings defaults() {
    return new RouterSettings("simple-shuffle", 2, Duration.ZERO, 3, Duration.ofSeconds(5),
        Map.of(), List.of(), Map.of(), Map.of(), Map.of(), Map.of(), false, 5);
  }
}
