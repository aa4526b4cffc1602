package io.llmrouter.api;

import java.time.Instant;
import java.util.List;

/**
 * The result of health checks, in LiteLLM's shape: healthy and unhealthy endpoints.
 *
 * @param healthy endpoints whose last check passed
 * @param unhealthy endpoints whose last check failed, each with the error's first line
 * @param checkedAt when the newest check finished, or null when none ran yet
 */
public record HealthReport(List<Endpoint> healthy, List<Endpoint> unhealthy, Instant checkedAt) {
  public HealthReport {
    healthy = List.copyOf(healthy);
    unhealthy = List.copyOf(unhealthy);
  }

  /** An empty report, before any check ran. */
  public static HealthReport empty() {
    return new HealthReport(List.of(), List.of(), null);
  }

  /**
   * One checked deployment.
   *
   * @param modelGroup the {@code model_name}
   * @param deploymentId the deployment id
   * @param model the full provider model string ({@code groq/llama-3.1-8b-instant})
   * @param apiBase the base URL checked
   * @param error null when healthy, else the error's first line (never a key)
   * @param checkedAt when this deployment was checked
   */
  public record Endpoint(String modelGroup, String deploymentId, String model, String apiBase, String error, Instant checkedAt) {}
}
