package io.llmrouter.api.spi;

import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.EmbeddingResponse;
import java.util.List;
import java.util.Set;

/**
 * The provider SPI the router core calls: one implementation speaks the OpenAI wire protocol with a
 * dialect per provider prefix. Implementations make no hidden retries (the router owns the only retry
 * loop) and are thread-safe.
 *
 * <p>Every method ends in a value or a typed {@link io.llmrouter.api.ProviderException}: rate limits as
 * {@link io.llmrouter.api.RateLimitedException}, context overflows as
 * {@link io.llmrouter.api.ContextWindowExceededException}, garbage as
 * {@link io.llmrouter.api.MalformedResponseException}, and so on, each carrying the response's
 * {@link io.llmrouter.api.RateSignal}.
 */
public interface ProviderClient extends AutoCloseable {

  /** The provider prefixes this client has a dialect for. */
  Set<String> prefixes();

  /** What the dialect for {@code prefix} knows. @throws IllegalArgumentException for an unknown prefix */
  ProviderInfo info(String prefix);

  /** Sends a non-streamed completion. */
  ProviderResponse<ChatResponse> chat(ProviderCall call);

  /** Opens a streamed completion; returns once the response status and headers are in. */
  ProviderStream stream(ProviderCall call);

  /**
   * Sends one embeddings request ({@code POST /embeddings}) and waits for it. The result has one vector per
   * input, in input order, in the encoding the request asked for.
   *
   * @throws UnsupportedOperationException when this client has no embeddings (the default, so clients
   *     written before embeddings existed still compile)
   * @throws io.llmrouter.api.ProviderException for a failed call, typed as for {@link #chat}; a body that is
   *     not an embeddings list as {@link io.llmrouter.api.MalformedResponseException}
   */
  default ProviderResponse<EmbeddingResponse> embed(EmbeddingCall call) {
    throw new UnsupportedOperationException("no embeddings in " + getClass().getName());
  }

  /** Lists the provider's models, each marked chat or not by the dialect's filter. */
  ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, java.time.Duration timeout);

  /**
   * Asks the provider whether {@code endpoint}'s key is valid, at its dialect's
   * {@link ProviderInfo.CatalogHints#keyCheckPath()} (OpenRouter: {@code GET /api/v1/key}).
   *
   * @return true when the provider accepted the key (2xx), false when it rejected it (401 or 403)
   * @throws UnsupportedOperationException when the provider has no key-check endpoint (the default)
   * @throws io.llmrouter.api.ProviderException for any other failure (network, 5xx)
   */
  default ProviderResponse<Boolean> checkKey(Endpoint endpoint, java.time.Duration timeout) {
    throw new UnsupportedOperationException("no key check for " + endpoint.provider());
  }

  /** Releases connections and threads. */
  @Override
  void close();
}
