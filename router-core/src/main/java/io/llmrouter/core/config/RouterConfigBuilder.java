package io.llmrouter.core.config;

import io.llmrouter.api.ConfigException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Fluent Java configuration, equal to a LiteLLM {@code config.yaml}. {@link #build()} runs the same
 * validation as the YAML reader and reports problems with the same key paths. Not thread-safe.
 *
 * <pre>{@code
 * RouterConfig config = RouterConfig.builder()
 *     .deployment(DeploymentBuilder.of("groq/llama-3.3-70b", "groq/llama-3.3-70b-versatile")
 *         .apiKeyEnv("GROQ_API_KEY").rpm(28).tpm(11_000))
 *     .deployment(DeploymentBuilder.of("groq/llama-3.1-8b", "groq/llama-3.1-8b-instant")
 *         .apiKeyEnv("GROQ_API_KEY").rpm(28).tpm(5_500))
 *     .fallbacks("groq/llama-3.3-70b", "groq/llama-3.1-8b")
 *     .allowedFails(3).cooldownTime(Duration.ofHours(24))
 *     .build();
 * }</pre>
 */
public final class RouterConfigBuilder {
  private final List<DeploymentBuilder> deployments = new ArrayList<>();
  private String routingStrategy = "simple-shuffle";
  private int numRetries = 2;
  private Duration retryAfter = Duration.ZERO;
  private int allowedFails = 3;
  private Duration cooldownTime = Duration.ofSeconds(5);
  private final Map<String, List<String>> fallbacks = new LinkedHashMap<>();
  private List<String> defaultFallbacks = List.of();
  private final Map<String, List<String>> contextWindowFallbacks = new LinkedHashMap<>();
  private final Map<String, List<String>> contentPolicyFallbacks = new LinkedHashMap<>();
  private final Map<String, Integer> retryPolicy = new LinkedHashMap<>();
  private final Map<String, Integer> allowedFailsPolicy = new LinkedHashMap<>();
  private boolean enablePreCallChecks;
  private int maxFallbacks = 5;
  private SharedStateSettings sharedState = SharedStateSettings.none();
  private GeneralSettings general = GeneralSettings.defaults();
  private LitellmSettings litellm = LitellmSettings.defaults();
  // Where the YAML reader found a router setting when it was not router_settings (LiteLLM also reads
  // fallbacks, allowed_fails and num_retries from litellm_settings), so errors name the line the user wrote.
  private final Map<String, String> pathOverrides = new LinkedHashMap<>();

  RouterConfigBuilder() {}

  /** Adds a deployment ({@code model_list} entry). */
  public RouterConfigBuilder deployment(DeploymentBuilder d) {
    deployments.add(d);
    return this;
  }

  /** {@code router_settings.routing_strategy}. */
  public RouterConfigBuilder routingStrategy(String s) {
    this.routingStrategy = s;
    return this;
  }

  /** {@code router_settings.num_retries}. */
  public RouterConfigBuilder numRetries(int n) {
    this.numRetries = n;
    return this;
  }

  /** {@code router_settings.retry_after}. */
  public RouterConfigBuilder retryAfter(Duration d) {
    this.retryAfter = d;
    return this;
  }

  /** {@code router_settings.allowed_fails}. */
  public RouterConfigBuilder allowedFails(int n) {
    this.allowedFails = n;
    return this;
  }

  /** {@code router_settings.cooldown_time}. */
  public RouterConfigBuilder cooldownTime(Duration d) {
    this.cooldownTime = d;
    return this;
  }

  /**
   * Appends an ordered fallback chain for {@code group} ({@code router_settings.fallbacks}).
   *
   * @throws ConfigException when {@code group} already has a chain
   */
  public RouterConfigBuilder fallbacks(String group, String... chain) {
    putChain("router_settings.fallbacks", fallbacks, group, chain);
    return this;
  }

  private static void putChain(String path, Map<String, List<String>> chains, String group, String... chain) {
    // Refuse rather than overwrite: LiteLLM would use the first entry and silently ignore the second.
    if (chains.containsKey(group))
      throw new ConfigException(path, "\"" + group + "\" is given a fallback list twice; merge them into one");
    chains.put(group, List.of(chain));
  }

  /** {@code router_settings.default_fallbacks}. */
  public RouterConfigBuilder defaultFallbacks(String... chain) {
    defaultFallbacks = List.of(chain);
    return this;
  }

  /**
   * {@code router_settings.context_window_fallbacks} for {@code group}.
   *
   * @throws ConfigException when {@code group} already has a chain
   */
  public RouterConfigBuilder contextWindowFallbacks(String group, String... chain) {
    putChain("router_settings.context_window_fallbacks", contextWindowFallbacks, group, chain);
    return this;
  }

  /**
   * {@code router_settings.content_policy_fallbacks} for {@code group}.
   *
   * @throws ConfigException when {@code group} already has a chain
   */
  public RouterConfigBuilder contentPolicyFallbacks(String group, String... chain) {
    putChain("router_settings.content_policy_fallbacks", contentPolicyFallbacks, group, chain);
    return this;
  }

  /** One entry of {@code router_settings.retry_policy}, e.g. {@code ("RateLimitErrorRetries", 3)}. */
  public RouterConfigBuilder retryPolicy(String kind, int retries) {
    retryPolicy.put(kind, retries);
    return this;
  }

  /** One entry of {@code router_settings.allowed_fails_policy}. */
  public RouterConfigBuilder allowedFailsPolicy(String kind, int fails) {
    allowedFailsPolicy.put(kind, fails);
    return this;
  }

  /** {@code router_settings.enable_pre_call_checks}. */
  public RouterConfigBuilder enablePreCallChecks(boolean on) {
    this.enablePreCallChecks = on;
    return this;
  }

  /** {@code router_settings.max_fallbacks}: depth limit of a fallback plan. */
  public RouterConfigBuilder maxFallbacks(int n) {
    this.maxFallbacks = n;
    return this;
  }

  /**
   * Shared per-deployment state across instances ({@code router_settings.redis_url}, {@code redis_host} ...);
   * needs the {@code router-redis} module on the class path when enabled.
   */
  public RouterConfigBuilder sharedState(SharedStateSettings s) {
    this.sharedState = s == null ? SharedStateSettings.none() : s;
    return this;
  }

  /** {@code general_settings}. */
  public RouterConfigBuilder general(GeneralSettings g) {
    this.general = g;
    return this;
  }

  /** {@code litellm_settings}. */
  public RouterConfigBuilder litellm(LitellmSettings l) {
    this.litellm = l;
    return this;
  }

  /** Records that router setting {@code key} was read from {@code path} (reader only). */
  RouterConfigBuilder sourcePath(String key, String path) {
    pathOverrides.put(key, path);
    return this;
  }

  /**
   * Builds and validates. The builder may be reused; each call builds a new, immutable config.
   *
   * @throws io.llmrouter.api.ConfigException naming the key path of the first problem
   */
  public RouterConfig build() {
    List<DeploymentConfig> ds = new ArrayList<>();
    for (int i = 0; i < deployments.size(); i++) ds.add(deployments.get(i).build("model_list[" + i + "]"));
    RouterSettings rs = new RouterSettings(routingStrategy, numRetries, retryAfter, allowedFails, cooldownTime,
        fallbacks, defaultFallbacks, contextWindowFallbacks, contentPolicyFallbacks, retryPolicy, allowedFailsPolicy,
        enablePreCallChecks, maxFallbacks, sharedState);
    RouterConfig config = new RouterConfig(DeploymentIds.assign(ds), rs, general, litellm);
    ConfigValidator.validate(config, pathOverrides);
    return config;
  }
}
