package io.llmrouter.api;

import java.time.Instant;
import java.util.List;

/**
 * A read-only snapshot of every model group and deployment as the router sees them at one instant, for
 * dashboards, metrics gauges and status pages (see {@link Router#status()}). Immutable; taking one never
 * changes the router's state (no probe is started, no window entry is spent).
 *
 * @param at the router-clock instant the snapshot was taken
 * @param groups the model groups in configuration order
 */
public record RouterStatus(Instant at, List<Group> groups) {
  /** Compact constructor: copies the groups. */
  public RouterStatus {
    groups = List.copyOf(groups);
  }

  /**
   * One model group.
   *
   * @param name the {@code model_name}
   * @param availableNow true when at least one deployment would be admitted now
   * @param availableAt when not available now, the earliest time one will be; null when available or unknown
   * @param requestsLastHour requests that asked for this group in the last hour (one-minute granularity)
   * @param fallbacksLastHour requests that left this group for a fallback group in the last hour
   * @param deployments the group's deployments in configuration order
   */
  public record Group(String name, boolean availableNow, Instant availableAt, long requestsLastHour, long fallbacksLastHour,
      List<Deployment> deployments) {
    /** Compact constructor: copies the deployments. */
    public Group {
      deployments = List.copyOf(deployments);
    }
  }

  /**
   * One deployment as it stands now.
   *
   * @param modelGroup the {@code model_name} it serves
   * @param deploymentId its id
   * @param provider the provider prefix ({@code groq}, {@code openrouter}, ...)
   * @param model the provider's model id
   * @param availableNow true when a one-token request would pass its cooldown, quotas and windows now
   * @param availableAt when not available now, when it will be; null when available or never (a request
   *     larger than its tpm)
   * @param coolingUntil when the router's cooldown ends (then one probe decides), or null when not cooling
   * @param coolingReason why it cools (an error's type and first line; never a key), or null
   * @param quota what the provider's headers last said (remaining and reset per window, and a block in
   *     force), or null when they never said anything
   * @param rpmLimit the declared requests per minute, or null when none is declared
   * @param rpmUsed requests admitted in the last 60 seconds, or -1 when the state implementation does not
   *     expose it (only counted when an rpm is declared, else 0)
   * @param tpmLimit the declared tokens per minute, or null when none is declared
   * @param tpmUsed tokens reserved or used in the last 60 seconds (0 when no tpm is declared)
   * @param healthy false when the last health check failed
   * @param healthError the failed check's first line (never a key), or null when healthy
   * @param inFlight calls to it in progress in this process
   * @param requestsLastHour calls made to it in the last hour (one-minute granularity; skips not counted)
   */
  public record Deployment(String modelGroup, String deploymentId, String provider, String model, boolean availableNow,
      Instant availableAt, Instant coolingUntil, String coolingReason, HealthReport.Quota quota, Integer rpmLimit, long rpmUsed,
      Long tpmLimit, long tpmUsed, boolean healthy, String healthError, int inFlight, long requestsLastHour) {}
}
