package io.llmrouter.core.state;

import io.llmrouter.api.HealthReport;
import io.llmrouter.api.RateSignal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One process's state of one deployment: an exact rpm ring and a tpm reservation queue
 * ({@link RateWindow}), a breaker with absolute deadlines ({@link Breaker}), the header-fed quotas, and
 * the daily counter kept in a {@link StateStore}. A cooldown deadline persisted in the store is restored
 * at creation (an expired one leaves the breaker half-open: the first request is the probe). Each
 * deployment has its own small locks, so requests to different deployments never contend.
 */
public final class InMemoryDeploymentState implements DeploymentState {
  private final String id;
  private final RateWindow window;
  private final Breaker breaker = new Breaker();
  private final StateStore store;
  // Header-fed quotas: epoch ms until which the provider said nothing is left (0: no block).
  private volatile long requestQuotaUntil;
  private volatile long tokenQuotaUntil;
  // A token window that refused a larger request, modelled until it is full again: non-zero while tracked
  // (the refused request's hint, as set).
  private volatile long refusedTokensUntil;
  // guarded by itself: left at the refusal, its instant, the window's limit, its length in ms, admitted since
  private final long[] refusedTokens = new long[5];
  // guarded by refusedTokens: the provider's tokens per estimated token, from the refused request
  private volatile double refusedScale = 1.0;
  // What this deployment's calls really counted, against the router's estimates.
  private final UsageCalibration calibration = new UsageCalibration();
  // Requests parked here, first come first served (their commitments hold newcomers back).
  private final WaiterQueue waiters = new WaiterQueue();
  // The newest windows reported, for health reports (one immutable snapshot, replaced whole).
  private volatile HealthReport.Quota reported;

  /**
   * @param id the deployment id
   * @param rpm requests per minute, null or 0 for none
   * @param tpm tokens per minute, null or 0 for none
   * @param store where daily counters live and cooldown deadlines were persisted
   */
  public InMemoryDeploymentState(String id, Integer rpm, Long tpm, StateStore store) {
    this.id = Objects.requireNonNull(id, "id");
    this.window = new RateWindow(rpm, tpm);
    this.store = Objects.requireNonNull(store, "store");
    Instant until = store.cooldowns().get(id);
    if (until != null) breaker.restore(until.toEpochMilli());
  }

  @Override
  public String deploymentId() {
    return id;
  }

  @Override
  public boolean windowsUnlimited() {
    return window.unlimited();
  }

  @Override
  public Reservation reserve(Clock clock, long estTokens) {
    return window.tryReserve(clock, estTokens);
  }

  @Override
  public void settle(Reservation.Granted grant, long atMillis) {
    window.settle(grant, atMillis);
  }

  @Override
  public void correct(Reservation.Granted grant, long actualTokens) {
    window.correct(grant, actualTokens);
  }

  @Override
  public long tokensInWindow(long now) {
    return window.tokensInWindow(now);
  }

  @Override
  public long requestsInWindow(long now) {
    return window.requestsInWindow(now);
  }

  @Override
  public void applySignal(RateSignal s) {
    if (s == null) return;
    RateSignal.Window r = s.requests();
    if (r != null && r.exhausted() && r.resetAt() != null) requestQuotaUntil = Math.max(requestQuotaUntil, r.resetAt().toEpochMilli());
    RateSignal.Window t = s.tokens();
    if (t != null && t.exhausted() && t.resetAt() != null) tokenQuotaUntil = Math.max(tokenQuotaUntil, t.resetAt().toEpochMilli());
    if (r != null || t != null) {
      synchronized (this) {
        HealthReport.Quota q = reported;
        reported = new HealthReport.Quota(r != null ? r : q == null ? null : q.requests(), t != null ? t : q == null ? null : q.tokens(),
            null, s.observedAt());
      }
    }
  }

  @Override
  public HealthReport.Quota quota(long now) {
    HealthReport.Quota q = reported;
    long until = quotaUntil(now);
    if (q == null && until == 0) return null;
    Instant blocked = until == 0 ? null : Instant.ofEpochMilli(until);
    return q == null ? new HealthReport.Quota(null, null, blocked, null) : new HealthReport.Quota(q.requests(), q.tokens(), blocked, q.observedAt());
  }

  @Override
  public long quotaUntil(long now) {
    long u = Math.max(requestQuotaUntil, tokenQuotaUntil);
    return u > now ? u : 0;
  }

  @Override
  public boolean limitTokens(long limit, long remaining, long windowMillis, long now, long untilMillis, double scale) {
    // The newest refusal wins: it reports the window as the provider counts it now.
    synchronized (refusedTokens) {
      refusedScale = scale > 0 && Double.isFinite(scale) ? scale : 1.0;
      refusedTokens[0] = Math.max(0, Math.min(limit, remaining));
      refusedTokens[1] = now;
      refusedTokens[2] = Math.max(1, limit);
      refusedTokens[3] = Math.max(1, windowMillis);
      refusedTokens[4] = 0;
      refusedTokensUntil = untilMillis;
    }
    return true;
  }

  @Override
  public long quotaUntil(long now, long estTokens) {
    long q = quotaUntil(now);
    if (q != 0) return q;
    return refusedTokensUntil == 0 ? 0 : refusedWindowFits(now, (long) Math.ceil(estTokens * refusedScale));
  }

  @Override
  public long quotaUntil(long now, long promptTokens, long completionCap) {
    return quotaUntil(now, promptTokens, completionCap, false);
  }

  @Override
  public long quotaUntil(long now, long promptTokens, long completionCap, boolean tools) {
    long q = quotaUntil(now);
    if (q != 0) return q;
    return refusedTokensUntil == 0 ? 0 : refusedWindowFits(now, calibration.need(promptTokens, completionCap, refusedScale, tools));
  }

  // When a request the provider counts as {@code needed} fits the tracked refused window: 0 for now.
  private long refusedWindowFits(long now, long needed) {
    synchronized (refusedTokens) {
      if (refusedTokensUntil == 0) return 0;
      // The refused window modelled as the provider's bucket: what was left at the refusal, refilled at
      // limit per window continuously, less what was admitted since (charged what it used once it ended).
      // Tracked until the model says the window is full again, not only until the refused request's hint:
      // a bucket that had room for the refused request at the hint has no more than that, and what later
      // requests spend from it has to refill too (forgetting it at the hint let the next large requests find
      // the window empty again: a 429 each time).
      long left = refusedTokens[0], at = refusedTokens[1], limit = refusedTokens[2], window = refusedTokens[3], spent = refusedTokens[4];
      double perMilli = (double) limit / window;
      double level = left + Math.max(0, now - at) * perMilli - spent;
      if (level >= limit) {
        refusedTokensUntil = 0; // full again: nothing left to hold back
        return 0;
      }
      double need = needed - level;
      if (need <= 0) return 0;
      long fits = now + (long) Math.ceil(need / perMilli);
      return fits <= now ? 0 : fits;
    }
  }

  @Override
  public void spendTokens(long now, long estTokens) {
    if (refusedTokensUntil == 0) return;
    synchronized (refusedTokens) {
      if (refusedTokensUntil != 0) refusedTokens[4] += estTokens;
    }
  }

  @Override
  public void charged(long admittedAt, long estTokens, long actualTokens) {
    if (refusedTokensUntil == 0 || actualTokens < 0) return;
    synchronized (refusedTokens) {
      // Only a call admitted since the refusal was charged to the model (spendTokens).
      if (refusedTokensUntil != 0 && admittedAt >= refusedTokens[1]) {
        refusedTokens[4] = Math.max(0, refusedTokens[4] + actualTokens - estTokens);
      }
    }
  }

  @Override
  public void counted(long promptEstimate, long promptTokens, long completionTokens) {
    counted(promptEstimate, promptTokens, completionTokens, false);
  }

  @Override
  public void counted(long promptEstimate, long promptTokens, long completionTokens, boolean tools) {
    calibration.add(promptEstimate, promptTokens, completionTokens, tools);
  }

  @Override
  public Hold hold(long now, long wakeAt, long expiresAt, long estTokens, Hold previous) {
    return window.unlimited() ? Hold.NONE : waiters.park(wakeAt, expiresAt, estTokens, previous);
  }

  @Override
  public Reservation.Refused heldBack(long now, long estTokens, Hold own) {
    if (waiters.isEmpty()) return null;
    java.util.List<WaiterQueue.Commit> ahead = waiters.ahead(now, own);
    return ahead.isEmpty() ? null : window.queued(now, estTokens, ahead);
  }

  /** Requests parked here now (tests, diagnostics). */
  int parked() {
    return waiters.size();
  }

  @Override
  public CooldownPass tryPass(long now) {
    return breaker.tryPass(now);
  }

  @Override
  public void abortProbe() {
    breaker.abortProbe();
  }

  @Override
  public boolean onSuccess(boolean probe) {
    return breaker.onSuccess(probe);
  }

  @Override
  public boolean onNeutral(boolean probe) {
    return breaker.onNeutral(probe);
  }

  @Override
  public long open(long until, boolean probe) {
    return breaker.open(until, probe);
  }

  @Override
  public long recordFailure(long now, String kind, int allowed, Integer kindAllowed, long cooldownMillis, boolean probe) {
    return breaker.recordFailure(now, kind, allowed, kindAllowed, cooldownMillis, probe);
  }

  @Override
  public boolean clearCooldown(long now) {
    boolean blocked = quotaUntil(now, 1) > 0; // a header-fed block, or a tracked window without one token
    requestQuotaUntil = 0;
    tokenQuotaUntil = 0;
    refusedTokensUntil = 0;
    return breaker.clear(now) || blocked;
  }

  @Override
  public long coolingUntil(long now) {
    return breaker.coolingUntil(now);
  }

  @Override
  public long availableAt(long now, long estTokens) {
    long at = Math.max(now, Math.max(breaker.coolingUntil(now), quotaUntil(now, estTokens)));
    return behindWaiters(now, estTokens, Math.max(at, window.availableAt(now, estTokens)));
  }

  @Override
  public long availableAt(long now, long promptTokens, long completionCap) {
    return availableAt(now, promptTokens, completionCap, false);
  }

  @Override
  public long availableAt(long now, long promptTokens, long completionCap, boolean tools) {
    long at = Math.max(now, Math.max(breaker.coolingUntil(now), quotaUntil(now, promptTokens, completionCap, tools)));
    return behindWaiters(now, promptTokens + completionCap, Math.max(at, window.availableAt(now, promptTokens + completionCap)));
  }

  // A newcomer's view: after the requests parked here, when they hold its room.
  private long behindWaiters(long now, long estTokens, long at) {
    if (waiters.isEmpty()) return at;
    Reservation.Refused q = heldBack(now, estTokens, null);
    return q == null ? at : Math.max(at, q.freeAt());
  }

  @Override
  public long incrementDaily(LocalDate day) {
    return store.incrementDaily(id, day, 1);
  }
}
