package io.llmrouter.api.spi;

import java.util.Set;

/**
 * What a dialect knows about its provider, for configuration checks, health checks and catalog work.
 *
 * @param prefix the LiteLLM model prefix ({@code groq})
 * @param defaultApiBase the default base URL, or null when a deployment must give {@code api_base}
 * @param apiKeyEnv the environment variable LiteLLM reads the key from ({@code NVIDIA_NIM_API_KEY}), or null
 * @param apiBaseEnv the environment variable that overrides the base URL ({@code GROQ_API_BASE})
 * @param keyRequired whether calls fail without a key
 * @param rejectedParams request parameters the provider rejects (removed when {@code drop_params} is on)
 */
public record ProviderInfo(
    String prefix, String defaultApiBase, String apiKeyEnv, String apiBaseEnv, boolean keyRequired, Set<String> rejectedParams) {
  public ProviderInfo {
    rejectedParams = Set.copyOf(rejectedParams);
  }
}
