/**
 * The OpenAI-compatible provider client over OkHttp, found by the core through
 * {@link io.llmrouter.api.spi.ProviderClientFactory}. The dialects, rate-header parsers and SSE reader in
 * {@code io.llmrouter.providers.internal.*} are not exported.
 */
module io.llmrouter.providers {
  requires transitive io.llmrouter.api;
  requires org.slf4j;
  // OkHttp 4 and Okio are automatic modules: they declare no dependencies, so the explicit Kotlin stdlib
  // they run on would not be resolved on the module path unless a named module requires it.
  requires okhttp3;
  requires okio;
  requires kotlin.stdlib;

  exports io.llmrouter.providers;

  provides io.llmrouter.api.spi.ProviderClientFactory with io.llmrouter.providers.OkHttpProviderClientFactory;
}
