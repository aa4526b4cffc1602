package io.llmrouter.providers;

import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderClientFactory;
import java.time.Clock;

/**
 * The {@link java.util.ServiceLoader} entry point of this module: creates an {@link OpenAiCompatibleClient}
 * (which reads no environment: the router resolves each endpoint). Stateless and thread-safe.
 */
public final class OkHttpProviderClientFactory implements ProviderClientFactory {
  /** Required by {@link java.util.ServiceLoader}. */
  public OkHttpProviderClientFactory() {}

  @Override
  public ProviderClient create(Clock clock) {
    return OpenAiCompatibleClient.create(clock);
  }
}
