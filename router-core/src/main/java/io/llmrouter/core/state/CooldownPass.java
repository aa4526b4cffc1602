package io.llmrouter.core.state;

/**
 * What a deployment's cooldown breaker answered to one admission.
 *
 * @param status pass, pass as the half-open probe, refused because another probe is in flight, or cooling
 * @param until epoch ms the cooldown ends when {@code COOLING}, else 0
 */
public record CooldownPass(Status status, long until) {
  /** The answers. */
  public enum Status { PASS, PROBE, PROBE_BUSY, COOLING }

  /** Closed: pass. */
  public static final CooldownPass PASS = new CooldownPass(Status.PASS, 0);
  /** The deadline passed: this request is the one half-open probe. */
  public static final CooldownPass PROBE = new CooldownPass(Status.PROBE, 0);
  /** Half-open, and the probe is already in flight. */
  public static final CooldownPass PROBE_BUSY = new CooldownPass(Status.PROBE_BUSY, 0);

  /** Cooling until {@code until}. */
  public static CooldownPass cooling(long until) {
    return new CooldownPass(Status.COOLING, until);
  }

  /** True when the request may go (as a normal request or as the probe). */
  public boolean passes() {
    return status == Status.PASS || status == Status.PROBE;
  }
}
