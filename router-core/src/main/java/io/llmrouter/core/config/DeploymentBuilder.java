package io.llmrouter.core.config;

import io.llmrouter.api.ConfigException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds one {@link DeploymentConfig} for {@link RouterConfigBuilder}. Not thread-safe. */
public final class DeploymentBuilder {
  private final String modelName;
  private final String model;
  private String apiBase;
  private SecretRef apiKey;
  private Integer rpm;
  private Long tpm;
  private Double weight;
  private Integer order;
  private Duration timeout;
  private Integer maxParallelRequests;
  private String id;
  private String description;
  private Integer maxInputTokens;
  private String mode;
  private final Map<String, Object> extraParams = new LinkedHashMap<>();

  private DeploymentBuilder(String modelName, String model) {
    this.modelName = modelName;
    this.model = model;
  }

  /** A deployment of group {@code modelName} calling LiteLLM model string {@code model} ({@code groq/...}). */
  public static DeploymentBuilder of(String modelName, String model) {
    return new DeploymentBuilder(modelName, model);
  }

  /** {@code litellm_params.api_base}; null leaves the provider default / {@code <PREFIX>_API_BASE}. */
  public DeploymentBuilder apiBase(String v) { this.apiBase = v; return this; }
  /** {@code litellm_params.api_key}, resolved late by the engine. */
  public DeploymentBuilder apiKey(SecretRef v) { this.apiKey = v; return this; }
  /** {@code api_key: os.environ/<var>}. */
  public DeploymentBuilder apiKeyEnv(String var) { this.apiKey = SecretRef.env(var); return this; }
  /** {@code litellm_params.rpm}: declared requests per minute. */
  public DeploymentBuilder rpm(int v) { this.rpm = v; return this; }
  /** {@code litellm_params.tpm}: declared tokens per minute. */
  public DeploymentBuilder tpm(long v) { this.tpm = v; return this; }
  /** {@code litellm_params.weight} for simple-shuffle. */
  public DeploymentBuilder weight(double v) { this.weight = v; return this; }
  /** {@code litellm_params.order}: the tier; lower tiers are used first. */
  public DeploymentBuilder order(int v) { this.order = v; return this; }
  /**
   * {@code litellm_params.stream_timeout}: a stream attempt's time to its first chunk with content (LiteLLM's
   * setting); kept with the other params as seconds.
   *
   * @throws IllegalArgumentException when not positive
   */
  public DeploymentBuilder streamTimeout(Duration v) {
    if (v == null || v.isZero() || v.isNegative()) throw new IllegalArgumentException("stream_timeout must be positive, got " + v);
    this.extraParams.put("stream_timeout", v.toNanos() / 1e9);
    return this;
  }

  /** {@code litellm_params.timeout}: per-attempt timeout. */
  public DeploymentBuilder timeout(Duration v) { this.timeout = v; return this; }
  /** {@code litellm_params.max_parallel_requests}. */
  public DeploymentBuilder maxParallelRequests(int v) { this.maxParallelRequests = v; return this; }
  /** {@code model_info.id}; without it a stable id is derived from group, model and api_base. */
  public DeploymentBuilder id(String v) { this.id = v; return this; }
  /** {@code model_info.description}. */
  public DeploymentBuilder description(String v) { this.description = v; return this; }
  /** {@code model_info.max_input_tokens}: the context window. */
  public DeploymentBuilder maxInputTokens(int v) { this.maxInputTokens = v; return this; }
  /**
   * {@code model_info.mode}: {@code embedding} for an embedding model (it then serves only
   * {@code Router.embed}), {@code chat} for a chat model; null (the default) serves both.
   */
  public DeploymentBuilder mode(String v) { this.mode = v; return this; }
  /** Any other {@code litellm_params} entry, kept as given (for example {@code extra_headers}). */
  public DeploymentBuilder extraParam(String k, Object v) { this.extraParams.put(k, v); return this; }

  DeploymentConfig build(String path) {
    if (modelName == null || modelName.isBlank()) throw new ConfigException(path + ".model_name", "expected a non-empty string");
    if (model == null || model.isBlank()) throw new ConfigException(path + ".litellm_params.model", "expected a model string such as \"groq/llama-3.3-70b-versatile\"");
    if (mode != null && !DeploymentConfig.MODES.contains(mode)) {
      throw new ConfigException(path + ".model_info.mode", "expected one of " + new java.util.TreeSet<>(DeploymentConfig.MODES) + ", got \"" + mode + "\"");
    }
    int slash = model.indexOf('/');
    String provider = slash < 0 ? "openai" : model.substring(0, slash);
    String providerModel = slash < 0 ? model : model.substring(slash + 1);
    return new DeploymentConfig(modelName, model, provider, providerModel, apiBase, apiKey, rpm, tpm, weight, order,
        timeout, maxParallelRequests, id, description, maxInputTokens, extraParams, mode);
  }
}
