package io.llmrouter.core.state;

import io.llmrouter.api.HealthReport;
import io.llmrouter.api.RateSignal;
import java.time.Clock;
import java.time.LocalDate;

/**
 * The per-deployment state admission consults and the engine updates: the rpm/tpm sliding windows with
 * hard admission, the quotas the provider's headers announced ({@code remaining: 0 until T}), the
 * cooldown deadline with its half-open probe, and the daily request counter. The engine talks to a
 * deployment's limits only through this interface, so an implementation shared by several router
 * instances (one budget for all) can replace {@link InMemoryDeploymentState} without changing the engine.
 *
 * <p>All times are epoch milliseconds of the router's clock, never the implementation's own. Deadlines
 * are absolute and never shortened by a later, shorter one. Implementations are thread-safe and sit on
 * the request path: {@link #reserve} and {@link #tryPass} must be fast when nothing limits.
 */
public interface DeploymentState {

  /** The deployment this state belongs to. */
  String deploymentId();

  // ------------------------------------------------------------------ rpm / tpm windows

  /** True when the deployment declares neither rpm nor tpm (nothing to reserve). */
  boolean windowsUnlimited();

  /**
   * Reserves one request and {@code estTokens} tokens now, atomically, or refuses.
   *
   * @param clock read once, inside the reservation, so concurrent reservations stay ordered
   */
  Reservation reserve(Clock clock, long estTokens);

  /**
   * The call of {@code grant} has ended (or at least reached the provider) by {@code atMillis}: its request
   * slot counts in the rpm window from then, not from admission, so the window holds as the provider counts
   * it even when calls leave late. Called once per grant; the default does nothing (a window counted at
   * admission only).
   */
  default void settle(Reservation.Granted grant, long atMillis) {}

  /** Replaces a granted reservation's estimate by the actual token count (0: the call consumed nothing). */
  void correct(Reservation.Granted grant, long actualTokens);

  /** Tokens reserved or used in the current 60-second window. */
  long tokensInWindow(long now);

  /**
   * Requests admitted in the current 60-second window, for status views; only counted when an rpm is
   * declared (0 otherwise). The default, for implementations that cannot tell, is -1 (unknown).
   */
  default long requestsInWindow(long now) {
    return -1;
  }

  // ------------------------------------------------------------------ provider-announced quotas

  /** Applies what a response said about limits: an exhausted window with a reset blocks until then. */
  void applySignal(RateSignal signal);

  /** Epoch ms until which the provider's own quota is exhausted, or 0. */
  long quotaUntil(long now);

  /**
   * What the provider last said about this deployment's limits, for health reports: the newest request
   * window and token window any applied signal carried (each kept until a later signal reports that
   * window again), and the exhausted-quota block still in force at {@code now}.
   *
   * @return the quota state, or null when no signal ever carried a window and nothing is blocked
   */
  HealthReport.Quota quota(long now);

  /**
   * A provider's token window (per minute or per day) refused a request that asked for more than the
   * window had left, and said what was left ({@code remaining} of {@code limit} per {@code windowMillis},
   * at {@code now}) and when the refused request would fit ({@code untilMillis}). Until then a request is
   * held back until what is left, refilled continuously at {@code limit} per window (Groq's token buckets),
   * less what was admitted since ({@link #spendTokens}), covers it; a request that fits now passes, instead
   * of the whole deployment cooling: Groq's "Used 499983, Requested 149, try again in 22.656s" must not
   * refuse a 12-token request that fits now.
   *
   * @param scale how many of the provider's tokens one estimated token of a request counts for (the refused
   *     request's count by the provider against the router's estimate of it)
   * @return true when this state tracks it; false (the default) leaves the caller to cool the deployment
   */
  default boolean limitTokens(long limit, long remaining, long windowMillis, long now, long untilMillis, double scale) {
    return false;
  }

  /**
   * Epoch ms until which a request of {@code estTokens} is held back by the provider's quotas, or 0:
   * {@link #quotaUntil(long)}, and a refused token window this state {@link #limitTokens tracks} when the
   * request is larger than what the window has left.
   */
  default long quotaUntil(long now, long estTokens) {
    return quotaUntil(now);
  }

  /**
   * {@link #quotaUntil(long, long)} for a request the router estimated at {@code promptTokens} of prompt and
   * at most {@code completionCap} of completion. A state that tracks a refused token window may weigh the
   * two parts by what this deployment's calls really counted ({@link #counted}); the default adds them.
   */
  default long quotaUntil(long now, long promptTokens, long completionCap) {
    return quotaUntil(now, promptTokens + completionCap);
  }

  /**
   * {@link #quotaUntil(long, long, long)} for a request that offers tools ({@code tools}) or not: a state that
   * calibrates on its calls may weigh the two kinds apart (a tool call's answer is short). The default ignores it.
   */
  default long quotaUntil(long now, long promptTokens, long completionCap, boolean tools) {
    return quotaUntil(now, promptTokens, completionCap);
  }

  /** A request of {@code estTokens} was admitted at {@code now}: it spends what a tracked refused token window has left. */
  default void spendTokens(long now, long estTokens) {}

  /**
   * A call admitted at {@code admittedAt} and estimated at {@code estTokens} ended having used
   * {@code actualTokens} (0 for a call the provider refused, which consumed nothing; the router's estimate
   * from the content when the provider sent no usage): a tracked refused token window it was charged to
   * ({@link #spendTokens}) is charged that instead of the estimate.
   */
  default void charged(long admittedAt, long estTokens, long actualTokens) {}

  /**
   * The provider's usage of a call the router estimated at {@code promptEstimate} prompt tokens:
   * {@code promptTokens} and {@code completionTokens} as it counted them. They calibrate how
   * {@link #quotaUntil(long, long, long)} weighs later requests.
   */
  default void counted(long promptEstimate, long promptTokens, long completionTokens) {}

  /** {@link #counted(long, long, long)} for a call that offered tools ({@code tools}) or not; the default ignores it. */
  default void counted(long promptEstimate, long promptTokens, long completionTokens, boolean tools) {
    counted(promptEstimate, promptTokens, completionTokens);
  }

  // ------------------------------------------------------------------ cooldown breaker

  /** Lets a request through, as the one half-open probe when a deadline has passed, or says why not. */
  CooldownPass tryPass(long now);

  /** The probe was admitted but not sent (a later admission check refused it). */
  void abortProbe();

  /** A call succeeded. @return true when this closed a half-open breaker (the cooldown ended) */
  boolean onSuccess(boolean probe);

  /** A call failed without being the deployment's fault; a probe still proves it answers. @return true when the cooldown ended */
  boolean onNeutral(boolean probe);

  /** Cools the deployment until {@code until} unless a later deadline is live. @return the deadline now in force */
  long open(long until, boolean probe);

  /**
   * Counts a failure of error kind {@code kind} (LiteLLM's {@code allowed_fails_policy} name); opens the
   * breaker for {@code cooldownMillis} when the failures within a minute exceed {@code allowed} (or
   * {@code kindAllowed} of this kind when given). A failed probe opens it at once.
   *
   * @return the new deadline when it opened, else 0
   */
  long recordFailure(long now, String kind, int allowed, Integer kindAllowed, long cooldownMillis, boolean probe);

  /**
   * Ends a cooldown and any provider-announced quota block now, as an operator's clear does: the breaker
   * closes (no probe needed) and its failure counts restart. The store is not touched; the caller clears it.
   *
   * @return true when the deployment was cooling, half-open or quota-blocked at {@code now}
   */
  boolean clearCooldown(long now);

  /** Epoch ms the cooldown ends, or 0 when not cooling at {@code now}. */
  long coolingUntil(long now);

  /**
   * Epoch ms at which a request of {@code estTokens} would pass the cooldown, the provider's quotas and
   * the windows: {@code now} when it would now.
   */
  long availableAt(long now, long estTokens);

  /** {@link #availableAt(long, long)} for a request split as {@link #quotaUntil(long, long, long)} weighs it. */
  default long availableAt(long now, long promptTokens, long completionCap) {
    return availableAt(now, promptTokens + completionCap);
  }

  /** {@link #availableAt(long, long, long)} for a request that offers tools or not, weighed as {@link #quotaUntil(long, long, long, boolean)}. */
  default long availableAt(long now, long promptTokens, long completionCap, boolean tools) {
    return availableAt(now, promptTokens, completionCap);
  }

  // ------------------------------------------------------------------ parked requests (first come, first served)

  /**
   * A request the rpm/tpm windows refused parks until {@code wakeAt}, waiting for this deployment: it commits
   * one request and {@code estTokens} for that instant, so requests that come after it are admitted only past
   * what it committed ({@link #heldBack}) and the room it waits for is still there when it wakes. Without
   * this, a waiter woke to find its window taken by requests that arrived after it, and waited again until
   * its deadline. The place lapses at {@code expiresAt} (the request's deadline) and is given up at once by
   * {@link Hold#release()}. The default keeps no waiters ({@link Hold#NONE}).
   *
   * @param previous the place the request already has here (parking again keeps it), or null
   */
  default Hold hold(long now, long wakeAt, long expiresAt, long estTokens, Hold previous) {
    return Hold.NONE;
  }

  /**
   * Whether a request of {@code estTokens} that the windows would admit now must leave the room to requests
   * parked here before it: null when it may take it, else the window their commitment is in and when the
   * request fits after them. Soft: the hard admission stays {@link #reserve}'s. Must cost one volatile read
   * when nobody is parked; the default keeps no waiters.
   *
   * @param own the request's own place here (only requests parked before it count), or null
   */
  default Reservation.Refused heldBack(long now, long estTokens, Hold own) {
    return null;
  }

  // ------------------------------------------------------------------ one-step admission

  /**
   * True when {@link #admit} decides quota, cooldown and windows in one atomic step (one round trip for a
   * shared implementation), so the engine should call it instead of the three checks. Default false.
   */
  default boolean admitsInOneStep() {
    return false;
  }

  /**
   * The provider quota, the cooldown breaker (claiming the half-open probe when due) and, when both pass,
   * the rpm/tpm reservation, in that order, as one step. A refused reservation gives a claimed probe back.
   * The default makes the three calls; a shared implementation does all of it atomically.
   *
   * @param clock read once, for every check of this admission
   */
  default Gate admit(Clock clock, long estTokens) {
    long now = clock.millis();
    long q = quotaUntil(now, estTokens);
    if (q != 0) return Gate.quota(q);
    CooldownPass pass = tryPass(now);
    if (!pass.passes()) return Gate.refused(pass);
    if (windowsUnlimited()) {
      spendTokens(now, estTokens);
      return new Gate(0, pass, Reservation.Granted.NO_TOKENS);
    }
    Reservation r = reserve(clock, estTokens);
    if (r instanceof Reservation.Refused && pass.status() == CooldownPass.Status.PROBE) abortProbe();
    if (r instanceof Reservation.Granted) spendTokens(now, estTokens);
    return new Gate(0, pass, r);
  }

  // ------------------------------------------------------------------ daily counter

  /** Counts one request for the UTC {@code day}. @return the day's count */
  long incrementDaily(LocalDate day);
}
