/**
 * The routing engine ({@link io.llmrouter.core.LlmRouter}), configuration (typed and LiteLLM YAML) and the
 * per-deployment state. The provider client is found with {@link java.util.ServiceLoader} (module
 * {@code io.llmrouter.providers} provides one) unless the builder is given one; so is the shared state on Redis
 * ({@code SharedStateProvider}, from router-redis) when the config names one.
 */
module io.llmrouter.core {
  requires transitive io.llmrouter.api;
  requires org.slf4j;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires org.yaml.snakeyaml;

  exports io.llmrouter.core;
  exports io.llmrouter.core.config;
  exports io.llmrouter.core.state;

  uses io.llmrouter.api.spi.ProviderClientFactory;
  uses io.llmrouter.core.state.SharedStateProvider;
}
