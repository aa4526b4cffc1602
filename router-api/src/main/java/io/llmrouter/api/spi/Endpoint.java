package io.llmrouter.api.spi;

import java.util.Map;

/**
 * Where and how to call one deployment.
 *
 * @param deploymentId the deployment's id (for errors and signals)
 * @param provider the provider prefix ({@code groq}, {@code hosted_vllm}, ...)
 * @param model the provider's model id, without the prefix ({@code llama-3.3-70b-versatile})
 * @param apiBase the deployment's base URL, or null to use {@code <PREFIX>_API_BASE} or the dialect default
 * @param apiKey the key, or null when the provider needs none
 * @param extraHeaders headers to add to every call (for example OpenRouter attribution)
 */
public record Endpoint(
    String deploymentId, String provider, String model, String apiBase, Secret apiKey, Map<String, String> extraHeaders) {
  public Endpoint {
    extraHeaders = extraHeaders == null ? Map.of() : Map.copyOf(extraHeaders);
  }

  /** An endpoint with no extra headers. */
  public static Endpoint of(String deploymentId, String provider, String model, String apiBase, Secret apiKey) {
    return new Endpoint(deploymentId, provider, model, apiBase, apiKey, Map.of());
  }
}
