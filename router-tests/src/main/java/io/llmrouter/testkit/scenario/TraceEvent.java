package io.llmrouter.testkit.scenario;

import java.time.Instant;

/**
 * One thing a routing policy did for one request of a replayed day, as its listener events told it: the
 * material the {@link Oracle} derives a failure's cause from, and the example traces of a report.
 *
 * @param at the virtual time it happened
 * @param type what happened
 * @param group the model group concerned (for a fallback: the group left)
 * @param deploymentId the deployment concerned, or null (for a fallback: the group entered)
 * @param detail {@link Type#ATTEMPT}: the HTTP status (0: no response) and the error's type; {@link Type#SKIP}: the
 *     skip kind ({@code COOLING}, {@code OVER_RPM}, ...); {@link Type#WAIT}: the delay in ms; {@link Type#COOLDOWN}:
 *     the reason; {@link Type#FALLBACK}: the fallback kind
 * @param until {@link Type#SKIP}: when the policy expected the deployment back; {@link Type#COOLDOWN}: its end; else null
 */
public record TraceEvent(Instant at, Type type, String group, String deploymentId, String detail, Instant until) {

  /** The kinds of event recorded. */
  public enum Type {
    /** A call to a deployment ended (success or failure). */
    ATTEMPT,
    /** A deployment was passed over without a call (a limit, a cooldown, ...). */
    SKIP,
    /** The policy slept before retrying its group. */
    WAIT,
    /** The policy moved on to a fallback group. */
    FALLBACK,
    /** A deployment was put in cooldown during this request. */
    COOLDOWN
  }

  @Override
  public String toString() {
    return at + " " + type + " " + group + (deploymentId == null ? "" : " " + deploymentId) + (detail == null ? "" : " " + detail)
        + (until == null ? "" : " until " + until);
  }
}
