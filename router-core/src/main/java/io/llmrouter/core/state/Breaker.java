package io.llmrouter.core.state;

import java.util.HashMap;
import java.util.Map;

/**
 * One deployment's cooldown state: a circuit breaker with absolute deadlines.
 *
 * <p>Closed: traffic flows and failures are counted per minute (overall and per error kind). Open
 * (cooling): nothing passes until the deadline; a new deadline only ever extends a live one. When the
 * deadline passes the breaker is half-open: exactly one probe request passes; its success closes the
 * breaker, a cooldown-worthy failure opens it again. The hot path of a closed breaker reads two
 * volatile fields and takes no lock.
 */
final class Breaker {
  private static final long FAIL_WINDOW_MILLIS = 60_000;

  private volatile long openUntil;
  private volatile boolean halfOpen;
  private volatile boolean counting;
  private boolean probeInFlight;
  private long failWindowStart;
  private int fails;
  // Failures per error kind (LiteLLM's allowed_fails_policy names); touched only on the failure path.
  private final Map<String, Integer> kindFails = new HashMap<>(4);

  /** Lets a request through (as the half-open probe when the deadline has passed) or says why not. */
  CooldownPass tryPass(long now) {
    if (openUntil == 0 && !halfOpen) return CooldownPass.PASS;
    synchronized (this) {
      if (openUntil != 0 && now < openUntil) return CooldownPass.cooling(openUntil);
      if (openUntil != 0) {
        openUntil = 0;
        halfOpen = true;
      }
      if (!halfOpen) return CooldownPass.PASS;
      if (probeInFlight) return CooldownPass.PROBE_BUSY;
      probeInFlight = true;
      return CooldownPass.PROBE;
    }
  }

  /** The probe was admitted but not sent (a later admission check refused it). */
  synchronized void abortProbe() {
    probeInFlight = false;
  }

  /** A call succeeded. @return true when this closed a half-open breaker (the cooldown ended) */
  boolean onSuccess(boolean probe) {
    if (!probe && !counting && !halfOpen) return false;
    synchronized (this) {
      fails = 0;
      kindFails.clear();
      counting = false;
      if (probe || halfOpen) {
        boolean wasHalfOpen = halfOpen;
        probeInFlight = false;
        halfOpen = false;
        return wasHalfOpen;
      }
      return false;
    }
  }

  /** A call failed without being the deployment's fault (bad request): a probe still proves it answers. */
  boolean onNeutral(boolean probe) {
    return probe && onSuccess(true);
  }

  /**
   * Opens the breaker until {@code until} unless a later deadline is live.
   *
   * @return the deadline now in force
   */
  synchronized long open(long until, boolean probe) {
    if (until > openUntil) openUntil = until;
    halfOpen = false;
    if (probe) probeInFlight = false;
    return openUntil;
  }

  /**
   * Counts a failure; opens the breaker when the failures within a minute exceed {@code allowed}
   * (overall, or of this kind when {@code kindAllowed} is given). A failed probe opens it at once.
   *
   * @return the new deadline when the breaker opened, else 0
   */
  synchronized long recordFailure(long now, String kind, int allowed, Integer kindAllowed, long cooldownMillis, boolean probe) {
    if (now - failWindowStart >= FAIL_WINDOW_MILLIS) {
      failWindowStart = now;
      fails = 0;
      kindFails.clear();
    }
    fails++;
    int ofKind = kindFails.merge(kind, 1, Integer::sum);
    counting = true;
    boolean trip = probe || (kindAllowed != null ? ofKind > kindAllowed : fails > allowed);
    if (!trip || cooldownMillis <= 0) {
      if (probe) {
        probeInFlight = false;
        halfOpen = true;
      }
      return 0;
    }
    fails = 0;
    kindFails.clear();
    return open(now + cooldownMillis, probe);
  }

  /** Closes the breaker now (an operator cleared it). @return true when it was open or half-open at {@code now} */
  synchronized boolean clear(long now) {
    boolean was = openUntil != 0 || halfOpen;
    openUntil = 0;
    halfOpen = false;
    probeInFlight = false;
    counting = false;
    fails = 0;
    kindFails.clear();
    return was;
  }

  /** Restores a deadline read from the state store; an expired one leaves the breaker half-open. */
  synchronized void restore(long until) {
    if (until > openUntil) openUntil = until;
  }

  /** Epoch ms the cooldown ends, or 0 when not cooling at {@code now}. */
  long coolingUntil(long now) {
    long u = openUntil;
    return u > now ? u : 0;
  }

  boolean halfOpen() {
    return halfOpen;
  }
}
