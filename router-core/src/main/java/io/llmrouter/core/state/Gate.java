package io.llmrouter.core.state;

/**
 * What one admission step answered ({@link DeploymentState#admit}): refused by the provider's announced
 * quota, by the cooldown breaker, or let through to the windows, whose {@link Reservation} says the rest.
 *
 * @param quotaUntil epoch ms the provider's quota is exhausted until, or 0 when not blocked
 * @param pass the cooldown breaker's answer; null when {@code quotaUntil} refused first
 * @param reservation the windows' answer; null when the quota or breaker refused
 */
public record Gate(long quotaUntil, CooldownPass pass, Reservation reservation) {

  /** Blocked by an exhausted provider quota until {@code until}. */
  public static Gate quota(long until) {
    return new Gate(until, null, null);
  }

  /** Refused by the breaker. */
  public static Gate refused(CooldownPass pass) {
    return new Gate(0, pass, null);
  }
}
