package io.llmrouter.core.config;

import io.llmrouter.api.HealthCheckMode;
import java.time.Duration;
import java.util.Objects;

/**
 * LiteLLM's {@code general_settings}.
 *
 * @param masterKey the facade's master key, or null
 * @param backgroundHealthChecks run health checks on an interval
 * @param healthCheckInterval the interval (LiteLLM default 300 s)
 * @param enableHealthCheckRouting skip deployments whose last health check failed (all unhealthy: try anyway)
 * @param healthCheckMode how health checks probe a deployment ({@code health_check_mode}: {@code list}, the
 *     default, or {@code chat}); background, on-demand and explicit checks all use it
 */
public record GeneralSettings(SecretRef masterKey, boolean backgroundHealthChecks, Duration healthCheckInterval,
    boolean enableHealthCheckRouting, HealthCheckMode healthCheckMode) {

  /**
   * How long a health report stays recent enough for {@code Router.health()} to return it without a new
   * check when no background report is fresh: 5 seconds. Repeated {@code /health} calls within it cost
   * the providers nothing.
   */
  public static final Duration ON_DEMAND_HEALTH_CACHE = Duration.ofSeconds(5);

  public GeneralSettings {
    Objects.requireNonNull(healthCheckMode, "healthCheckMode");
  }

  /** The settings with the default {@link HealthCheckMode#LIST} mode. */
  public GeneralSettings(SecretRef masterKey, boolean backgroundHealthChecks, Duration healthCheckInterval, boolean enableHealthCheckRouting) {
    this(masterKey, backgroundHealthChecks, healthCheckInterval, enableHealthCheckRouting, HealthCheckMode.LIST);
  }

  /** No master key, no background checks, 300 s interval, list-mode checks. */
  public static GeneralSettings defaults() {
    return new GeneralSettings(null, false, Duration.ofSeconds(300), false, HealthCheckMode.LIST);
  }
}
