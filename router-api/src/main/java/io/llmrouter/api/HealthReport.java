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
   * @param quota what the provider last said about this deployment's limits, or null when it never said
   *     anything (in either health-check mode: the state comes from real traffic and chat probes alike)
   */
  public record Endpoint(String modelGroup, String deploymentId, String model, String apiBase, String error, Instant checkedAt,
      Quota quota) {

    /** An endpoint with no known quota state. */
    public Endpoint(String modelGroup, String deploymentId, String model, String apiBase, String error, Instant checkedAt) {
      this(modelGroup, deploymentId, model, apiBase, error, checkedAt, null);
    }
  }

  /**
   * A deployment's quota state as the provider's rate-limit headers last reported it.
   *
   * @param requests the last request window reported (limit, remaining, reset, scope), or null
   * @param tokens the last token window reported, or null
   * @param blockedUntil until when the provider said a window is exhausted (the router holds the
   *     deployment back until then), or null when nothing is exhausted now
   * @param observedAt when the response carrying the newest of these windows was received
   */
  public record Quota(RateSignal.Window requests, RateSignal.Window tokens, Instant blockedUntil, Instant observedAt) {}
}
