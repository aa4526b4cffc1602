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
 * @param maxResponseBytes the largest upstream response body read, in bytes (LiteLLM's
 *     {@code max_response_size_mb}, in MiB there), or null for the provider client's default (16 MiB);
 *     at most {@link #MAX_RESPONSE_BYTES_LIMIT}
 */
public record GeneralSettings(SecretRef masterKey, boolean backgroundHealthChecks, Duration healthCheckInterval,
    boolean enableHealthCheckRouting, HealthCheckMode healthCheckMode, Long maxResponseBytes) {

  /** The largest {@link #maxResponseBytes} allowed: 1 GiB (a response body is held in memory). */
  public static final long MAX_RESPONSE_BYTES_LIMIT = 1024L * 1024 * 1024;

  /**
   * How long a health report stays recent enough for {@code Router.health()} to return it without a new
   * check when no background report is fresh: 5 seconds. Repeated {@code /health} calls within it cost
   * the providers nothing.
   */
  public static final Duration ON_DEMAND_HEALTH_CACHE = Duration.ofSeconds(5);

  public GeneralSettings {
    Objects.requireNonNull(healthCheckMode, "healthCheckMode");
  }

  /** The settings with the client's default response cap. */
  public GeneralSettings(SecretRef masterKey, boolean backgroundHealthChecks, Duration healthCheckInterval,
      boolean enableHealthCheckRouting, HealthCheckMode healthCheckMode) {
    this(masterKey, backgroundHealthChecks, healthCheckInterval, enableHealthCheckRouting, healthCheckMode, null);
  }

  /** These settings with background health checks switched {@code on} or off. */
  public GeneralSettings withBackgroundHealthChecks(boolean on) {
    return new GeneralSettings(masterKey, on, healthCheckInterval, enableHealthCheckRouting, healthCheckMode, maxResponseBytes);
  }

  /** The settings with the default {@link HealthCheckMode#LIST} mode. */
  public GeneralSettings(SecretRef masterKey, boolean backgroundHealthChecks, Duration healthCheckInterval, boolean enableHealthCheckRouting) {
    this(masterKey, backgroundHealthChecks, healthCheckInterval, enableHealthCheckRouting, HealthCheckMode.LIST);
  }

  /** No master key, no background checks, 300 s interval, list-mode checks, the client's default response cap. */
  public static GeneralSettings defaults() {
    return new GeneralSettings(null, false, Duration.ofSeconds(300), false, HealthCheckMode.LIST, null);
  }
}
