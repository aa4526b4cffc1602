package io.llmrouter.core.config;

import io.llmrouter.api.ConfigException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a whole configuration. Shared by the YAML reader and the Java builder so both report the same
 * problem with the same key path.
 */
public final class ConfigValidator {
  private static final Set<String> STRATEGIES =
      Set.of("simple-shuffle", "least-busy", "latency-based-routing", "usage-based-routing", "usage-based-routing-v2");

  private ConfigValidator() {}

  /** @throws ConfigException naming the key path of the first problem */
  public static void validate(RouterConfig c) {
    if (c.deployments().isEmpty()) throw new ConfigException("model_list", "expected at least one model");
    for (int i = 0; i < c.deployments().size(); i++) {
      DeploymentConfig d = c.deployments().get(i);
      String p = "model_list[" + i + "].litellm_params";
      if (d.rpm() != null && d.rpm() <= 0) throw new ConfigException(p + ".rpm", "expected a positive integer, got " + d.rpm());
      if (d.tpm() != null && d.tpm() <= 0) throw new ConfigException(p + ".tpm", "expected a positive integer, got " + d.tpm());
      if (d.weight() != null && d.weight() < 0) throw new ConfigException(p + ".weight", "expected a non-negative number, got " + d.weight());
      if (d.maxParallelRequests() != null && d.maxParallelRequests() <= 0)
        throw new ConfigException(p + ".max_parallel_requests", "expected a positive integer");
    }
    RouterSettings r = c.router();
    if (!STRATEGIES.contains(r.routingStrategy()))
      throw new ConfigException("router_settings.routing_strategy",
          "expected one of simple-shuffle, least-busy, latency-based-routing, usage-based-routing; got \"" + r.routingStrategy() + "\"");
    if (r.numRetries() < 0) throw new ConfigException("router_settings.num_retries", "expected a non-negative integer");
    if (r.allowedFails() < 0) throw new ConfigException("router_settings.allowed_fails", "expected a non-negative integer");
    Set<String> names = new HashSet<>(c.modelNames());
    checkChains("router_settings.fallbacks", r.fallbacks(), names);
    checkChains("router_settings.context_window_fallbacks", r.contextWindowFallbacks(), names);
    checkChains("router_settings.content_policy_fallbacks", r.contentPolicyFallbacks(), names);
    for (int i = 0; i < r.defaultFallbacks().size(); i++) {
      String m = r.defaultFallbacks().get(i);
      if (!names.contains(m)) throw notAModel("router_settings.default_fallbacks[" + i + "]", m);
    }
    checkCycles("router_settings.fallbacks", r.fallbacks());
    checkCycles("router_settings.context_window_fallbacks", r.contextWindowFallbacks());
    checkCycles("router_settings.content_policy_fallbacks", r.contentPolicyFallbacks());
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
    Map<String, Integer> state = new java.util.HashMap<>();
    for (String start : chains.keySet()) {
      Deque<String> stack = new ArrayDeque<>();
      if (dfs(start, chains, state, stack)) {
        List<String> cyc = List.copyOf(stack);
        throw new ConfigException(path, "fallback cycle: " + String.join(" -> ", cyc));
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
