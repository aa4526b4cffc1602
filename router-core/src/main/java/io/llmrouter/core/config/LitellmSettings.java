package io.llmrouter.core.config;

import java.time.Duration;

/**
 * LiteLLM's {@code litellm_settings}.
 *
 * @param dropParams remove parameters a provider rejects instead of sending them
 * @param requestTimeout default per-attempt timeout (LiteLLM default 6000 s)
 * @param numRetries overrides {@code router_settings.num_retries} when set, else null
 * @param setVerbose log routing decisions at debug
 */
public record LitellmSettings(boolean dropParams, Duration requestTimeout, Integer numRetries, boolean setVerbose) {

  /** LiteLLM's defaults. */
  public static LitellmSettings defaults() {
    return new LitellmSettings(false, Duration.ofSeconds(6000), null, false);
  }
}
