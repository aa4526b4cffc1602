package io.llmrouter.core.config;

import java.time.Duration;

/**
 * LiteLLM's {@code general_settings}.
 *
 * @param masterKey the facade's master key, or null
 * @param backgroundHealthChecks run health checks on an interval
 * @param healthCheckInterval the interval (LiteLLM default 300 s)
 * @param enableHealthCheckRouting skip deployments whose last health check failed (all unhealthy: try anyway)
 */
public record GeneralSettings(
    SecretRef masterKey, boolean backgroundHealthChecks, Duration healthCheckInterval, boolean enableHealthCheckRouting) {

  /** No master key, no background checks, 300 s interval. */
  public static GeneralSettings defaults() {
    return new GeneralSettings(null, false, Duration.ofSeconds(300), false);
  }
}
