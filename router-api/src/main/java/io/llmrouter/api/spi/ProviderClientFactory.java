package io.llmrouter.api.spi;

import java.time.Clock;

/**
 * Creates the provider client. Found with {@link java.util.ServiceLoader}, so the core needs no compile
 * dependency on the HTTP implementation; {@code router-providers} registers one.
 */
public interface ProviderClientFactory {
  /**
   * Creates a client.
   *
   * @param clock the clock that stamps rate signals (relative resets become absolute instants); tests pass
   *     a virtual clock
   */
  ProviderClient create(Clock clock);
}
