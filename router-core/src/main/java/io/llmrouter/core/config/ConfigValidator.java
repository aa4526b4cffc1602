package io.llmrouter.core.config;

import io.llmrouter.api.ConfigException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a whole configuration. Shared by the YAML reader and the Java builder so both report the same
 * problem with the same key path. Stateless and thread-safe.
 */
public final class ConfigValidator {
  /** The routing strategies the engine implements ({@code usage-based-routing-v2} is LiteLLM's newer spelling). */
  static final Set<String> STRATEGIES =
      Set.of("simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing", "usage-based-routing-v2");

  /** LiteLLM's {@code RetryPolicy} fields ({@code litellm/types/router.py}). */
  static final List<String> RETRY_POLICY_KEYS = List.of("BadRequestErrorRetries", "AuthenticationErrorRetries",
      "TimeoutErrorRetries", "RateLimitErrorRetries", "ContentPolicyViolationErrorRetries", "InternalServerErrorRetries");

  /** LiteLLM's {@code AllowedFailsPolicy} fields, including the 2026 additions. */
  static final List<String> ALLOWED_FAILS_POLICY_KEYS = List.of("BadRequestErrorAllowedFails",
      "AuthenticationErrorAllowedFails", "TimeoutErrorAllowedFails", "RateLimitErrorAllowedFails",
      "ContentPolicyViolationErrorAllowedFails", "InternalServerErrorAllowedFails",
      "ServiceUnavailableErrorAllowedFails", "BadGatewayErrorAllowedFails", "NotFoundErrorAllowedFails");

  private ConfigValidator() {}

  /**
   * Validates {@code c}, reporting settings under their {@code router_settings}, {@code general_settings} and
   * {@code litellm_settings} paths.
   *
   * @throws ConfigException naming the key path of the first problem
   */
  public static void validate(RouterConfig c) {
    validate(c, Map.of());
  }

  /**
   * Validates {@code c}; {@code pathOverrides} maps a {@code router_settings} key (for example {@code fallbacks})
   * to the path it was actually read from (for example {@code litellm_settings.fallbacks}), so an error points at
   * the line the user wrote.
   */
  static void validate(RouterConfig c, Map<String, String> pathOverrides) {
    if (c.deployments().isEmpty()) throw new ConfigException("model_list", "expected at least one model");
    for (int i = 0; i < c.deployments().size(); i++) validateDeployment(c.deployments().get(i), "model_list[" + i + "]");

    RouterSettings r = c.router();
    if (r.routingStrategy() == null || !STRATEGIES.contains(r.routingStrategy()))
      throw new ConfigException(path(pathOverrides, "routing_strategy"),
          "expected one of simple-shuffle, least-busy, latency-based-routing, usage-based-routing; got "
              + (r.routingStrategy() == null ? "nothing" : "\"" + r.routingStrategy() + "\""));
    if (r.numRetries() < 0) throw new ConfigException(path(pathOverrides, "num_retries"), "expected a non-negative integer, got " + r.numRetries());
    if (r.allowedFails() < 0) throw new ConfigException(path(pathOverrides, "allowed_fails"), "expected a non-negative integer, got " + r.allowedFails());
    if (r.maxFallbacks() < 0) throw new ConfigException(path(pathOverrides, "max_fallbacks"), "expected a non-negative integer, got " + r.maxFallbacks());
    nonNegative(path(pathOverrides, "retry_after"), r.retryAfter());
    nonNegative(path(pathOverrides, "cooldown_time"), r.cooldownTime());
    checkPolicy(path(pathOverrides, "retry_policy"), r.retryPolicy(), RETRY_POLICY_KEYS);
    checkPolicy(path(pathOverrides, "allowed_fails_policy"), r.allowedFailsPolicy(), ALLOWED_FAILS_POLICY_KEYS);

    Set<String> names = new HashSet<>(c.modelNames());
    checkChains(path(pathOverrides, "fallbacks"), r.fallbacks(), names);
    checkChains(path(pathOverrides, "context_window_fallbacks"), r.contextWindowFallbacks(), names);
    checkChains(path(pathOverrides, "content_policy_fallbacks"), r.contentPolicyFallbacks(), names);
    for (int i = 0; i < r.defaultFallbacks().size(); i++) {
      String m = r.defaultFallbacks().get(i);
      if (!names.contains(m)) throw notAModel(path(pathOverrides, "default_fallbacks") + "[" + i + "]", m);
    }
    checkCycles(path(pathOverrides, "fallbacks"), r.fallbacks());
    checkCycles(path(pathOverrides, "context_window_fallbacks"), r.contextWindowFallbacks());
    checkCycles(path(pathOverrides, "content_policy_fallbacks"), r.contentPolicyFallbacks());

    GeneralSettings g = c.general();
    if (g == null) throw new ConfigException("general_settings", "expected settings, got nothing");
    positive("general_settings.health_check_interval", g.healthCheckInterval());
    Long cap = g.maxResponseBytes();
    if (cap != null && (cap < 1 || cap > GeneralSettings.MAX_RESPONSE_BYTES_LIMIT)) {
      throw new ConfigException("general_settings.max_response_size_mb", "expected a size greater than 0 and at most 1024 MiB, got "
          + cap + " bytes");
    }

    LitellmSettings l = c.litellm();
    if (l == null) throw new ConfigException("litellm_settings", "expected settings, got nothing");
    positive(path(pathOverrides, "request_timeout", "litellm_settings.request_timeout"), l.requestTimeout());
    if (l.numRetries() != null && l.numRetries() < 0)
      throw new ConfigException("litellm_settings.num_retries", "expected a non-negative integer, got " + l.numRetries());
  }

  private static void validateDeployment(DeploymentConfig d, String base) {
    String p = base + ".litellm_params";
    if (d.rpm() != null && d.rpm() <= 0) throw new ConfigException(p + ".rpm", "expected a positive integer, got " + d.rpm());
    if (d.tpm() != null && d.tpm() <= 0) throw new ConfigException(p + ".tpm", "expected a positive integer, got " + d.tpm());
    if (d.weight() != null && (d.weight() < 0 || d.weight().isNaN() || d.weight().isInfinite()))
      throw new ConfigException(p + ".weight", "expected a non-negative number, got " + d.weight());
    if (d.order() != null && d.order() < 0) throw new ConfigException(p + ".order", "expected a non-negative integer, got " + d.order());
    if (d.timeout() != null) positive(p + ".timeout", d.timeout());
    if (d.maxParallelRequests() != null && d.maxParallelRequests() <= 0)
      throw new ConfigException(p + ".max_parallel_requests", "expected a positive integer, got " + d.maxParallelRequests());
    if (d.maxInputTokens() != null && d.maxInputTokens() <= 0)
      throw new ConfigException(base + ".model_info.max_input_tokens", "expected a positive integer, got " + d.maxInputTokens());
    if (d.providerModel() == null || d.providerModel().isBlank())
      throw new ConfigException(p + ".model", "expected a model id after the provider prefix \"" + d.provider() + "/\"");
  }

  private static String path(Map<String, String> overrides, String key) {
    return path(overrides, key, "router_settings." + key);
  }

  private static String path(Map<String, String> overrides, String key, String dflt) {
    return overrides.getOrDefault(key, dflt);
  }

  private static void nonNegative(String path, Duration d) {
    if (d == null || d.isNegative()) throw new ConfigException(path, "expected a non-negative number of seconds, got " + seconds(d));
  }

  private static void positive(String path, Duration d) {
    if (d == null || d.isNegative() || d.isZero())
      throw new ConfigException(path, "expected a positive number of seconds, got " + seconds(d));
  }

  private static String seconds(Duration d) {
    if (d == null) return "nothing";
    return java.math.BigDecimal.valueOf(d.getSeconds()).add(java.math.BigDecimal.valueOf(d.getNano(), 9))
        .stripTrailingZeros().toPlainString();
  }

  private static void checkPolicy(String path, Map<String, Integer> policy, List<String> known) {
    for (var e : policy.entrySet()) {
      if (!known.contains(e.getKey()))
        throw new ConfigException(path + "." + e.getKey(), "expected one of " + String.join(", ", known));
      if (e.getValue() == null || e.getValue() < 0)
        throw new ConfigException(path + "." + e.getKey(), "expected a non-negative integer, got " + e.getValue());
    }
  }

  private static void checkChains(String path, Map<String, List<String>> chains, Set<String> names) {
    int i = 0;
    for (var e : chains.entrySet()) {
      String p = path + "[" + i + "]";
      if (!names.contains(e.getKey())) throw notAModel(p, e.getKey());
      List<String> chain = e.getValue();
      for (int j = 0; j < chain.size(); j++) {
        if (!names.contains(chain.get(j))) throw notAModel(p + "." + quote(e.getKey()) + "[" + j + "]", chain.get(j));
      }
      i++;
    }
  }

  private static ConfigException notAModel(String path, String name) {
    return new ConfigException(path, "\"" + name + "\" is not a model_name in model_list");
  }

  private static String quote(String key) {
    return "\"" + key + "\"";
  }

  // A fallback graph with a cycle would bounce a request between groups; depth limits would hide it.
  private static void checkCycles(String path, Map<String, List<String>> chains) {
    Map<String, Integer> state = new HashMap<>();
    for (String start : chains.keySet()) {
      Deque<String> stack = new ArrayDeque<>();
      if (dfs(start, chains, state, stack)) {
        List<String> cyc = List.copyOf(stack);
        // Report only the loop itself, not the path that led into it.
        String last = cyc.get(cyc.size() - 1);
        List<String> loop = cyc.subList(cyc.indexOf(last), cyc.size());
        throw new ConfigException(path, "fallback cycle: " + String.join(" -> ", loop));
      }
    }
  }

  private static boolean dfs(String n, Map<String, List<String>> g, Map<String, Integer> state, Deque<String> stack) {
    Integer s = state.get(n);
    if (s != null && s == 2) return false;
    stack.addLast(n);
    if (s != null && s == 1) return true;
    state.put(n, 1);
    for (String m : g.getOrDefault(n, List.of())) if (dfs(m, g, state, stack)) return true;
    state.put(n, 2);
    stack.removeLast();
    return false;
  }
}
