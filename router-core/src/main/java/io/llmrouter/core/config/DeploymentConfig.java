package io.llmrouter.core.config;

import java.time.Duration;
import java.util.Map;

/**
 * One deployment: an entry of LiteLLM's {@code model_list}.
 *
 * @param modelName the group it serves ({@code model_name})
 * @param model the full LiteLLM model string with prefix ({@code groq/llama-3.3-70b-versatile})
 * @param provider the prefix ({@code groq}); {@code openai} when the string has none
 * @param providerModel the model id the provider knows ({@code llama-3.3-70b-versatile})
 * @param apiBase {@code litellm_params.api_base}, or null for the dialect's default / {@code <PREFIX>_API_BASE}
 * @param apiKey {@code litellm_params.api_key}, or null to use the dialect's key variable
 * @param rpm declared requests per minute, or null for no limit
 * @param tpm declared tokens per minute, or null
 * @param weight simple-shuffle weight, or null
 * @param order tier ({@code order}); lower tiers are used first; null means 1
 * @param timeout per-attempt timeout, or null for {@code request_timeout}
 * @param maxParallelRequests concurrent-call cap, or null
 * @param id {@code model_info.id}, or a stable id derived from the group, model and api_base
 * @param description {@code model_info.description}, or null
 * @param maxInputTokens context window ({@code model_info.max_input_tokens}), or null when unknown
 * @param extraParams any other {@code litellm_params} (for example {@code extra_headers}), kept as read
 * @param mode {@code model_info.mode} ({@code chat}, {@code embedding}, ...; LiteLLM's vocabulary), or null
 *     when not declared: such a deployment serves chat and embeddings alike
 */
public record DeploymentConfig(
    String modelName,
    String model,
    String provider,
    String providerModel,
    String apiBase,
    SecretRef apiKey,
    Integer rpm,
    Long tpm,
    Double weight,
    Integer order,
    Duration timeout,
    Integer maxParallelRequests,
    String id,
    String description,
    Integer maxInputTokens,
    Map<String, Object> extraParams,
    String mode) {

  /** {@code model_info.mode} for embedding models. */
  public static final String MODE_EMBEDDING = "embedding";

  /** LiteLLM's {@code model_info.mode} values. */
  public static final java.util.Set<String> MODES = java.util.Set.of("chat", "completion", "responses", "embedding",
      "image_generation", "audio_transcription", "audio_speech", "rerank", "realtime", "batch", "moderation");

  public DeploymentConfig {
    extraParams = extraParams == null ? Map.of() : Map.copyOf(extraParams);
  }

  /** A deployment with no declared {@code model_info.mode} (the shape before modes were read). */
  public DeploymentConfig(String modelName, String model, String provider, String providerModel, String apiBase, SecretRef apiKey,
      Integer rpm, Long tpm, Double weight, Integer order, Duration timeout, Integer maxParallelRequests, String id,
      String description, Integer maxInputTokens, Map<String, Object> extraParams) {
    this(modelName, model, provider, providerModel, apiBase, apiKey, rpm, tpm, weight, order, timeout, maxParallelRequests, id,
        description, maxInputTokens, extraParams, null);
  }

  /** True unless {@link #mode()} declares a model that is not a chat model (such as {@code embedding}). */
  public boolean servesChat() {
    return mode == null || mode.equals("chat") || mode.equals("completion") || mode.equals("responses");
  }

  /** True when {@link #mode()} is {@code embedding} or not declared. */
  public boolean servesEmbeddings() {
    return mode == null || mode.equals(MODE_EMBEDDING);
  }

  /** The tier, 1 when unset. */
  public int tier() {
    return order == null ? 1 : order;
  }
}
