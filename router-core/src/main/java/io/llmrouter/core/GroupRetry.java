package io.llmrouter.core;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Serves one group with its retries ({@code num_retries}, {@code retry_policy}). After a failed call the
 * group retries at once on another deployment, or waits for the provider's hint (else a backoff) when it
 * fits the deadline. A group whose every deployment is at its limits (windows, quotas, cooldowns) waits
 * for its own capacity only when nothing later in the chain frees sooner ({@link Chain}): a fallback that
 * can serve now, or frees first, is where the request goes, and waits if it must (chain-aware waiting).
 * Waiting for a full window while the next group could answer now makes the caller wait for nothing;
 * moving on to groups that cannot serve either makes it fail for nothing.
 *
 * <p>The walk of one group is a state machine ({@link Walk}) that returns a {@link Wait} instead of
 * sleeping, so the same decisions serve a caller's thread (sleeper) and an asynchronous call (scheduler).
 */
final class GroupRetry {
  private static final long MAX_BACKOFF_MILLIS = 8_000;

  /**
   * How a step of one group ended: served ({@link AttemptRunner.Success}, no wrapper on the hot path),
   * {@link Failed}, or {@link Wait} (only from {@link Walk#next()}).
   */
  sealed interface GroupOutcome<T> permits AttemptRunner.Success, Failed, Wait {}

  /**
   * The group has to wait {@code millis} for capacity before it tries again; the request holds one of the
   * {@code maxWaiting} places until the driver calls {@link Walk#woke()}.
   */
  record Wait<T>(long millis) implements GroupOutcome<T> {}

  /**
   * The group could not serve.
   *
   * @param error why the group gave up (what a fallback is chosen by)
   * @param lastError the last error a call, a pre-call check or a mock produced in this group, or null
   * @param deadlineHit the request ran out of time: no fallback may follow
   */
  record Failed<T>(LlmRouterException error, LlmRouterException lastError, boolean deadlineHit) implements GroupOutcome<T> {}

  private final RouterConfig config;
  private final RouterSettings settings;
  private final Selector selector;
  private final AttemptRunner attempts;
  private final MockTesting mocks;
  private final DeploymentRegistry registry;
  private final Listeners listeners;
  private final Clock clock;
  private final Sleeper sleeper;
  private final long retryAfterFloor;
  private final java.util.concurrent.Semaphore waiting;
  private final int maxWaiting;

  GroupRetry(RouterConfig config, Selector selector, AttemptRunner attempts, MockTesting mocks,
      DeploymentRegistry registry, Listeners listeners, Clock clock, Sleeper sleeper) {
    this(config, selector, attempts, mocks, registry, listeners, clock, sleeper, LlmRouter.DEFAULT_MAX_WAITING);
  }

  /** @param maxWaiting how many requests may wait for capacity at once; beyond it a wait is refused at once */
  GroupRetry(RouterConfig config, Selector selector, AttemptRunner attempts, MockTesting mocks,
      DeploymentRegistry registry, Listeners listeners, Clock clock, Sleeper sleeper, int maxWaiting) {
    this.waiting = new java.util.concurrent.Semaphore(maxWaiting);
    this.maxWaiting = maxWaiting;
    this.config = config;
    this.settings = config.router();
    this.selector = selector;
    this.attempts = attempts;
    this.mocks = mocks;
    this.registry = registry;
    this.listeners = listeners;
    this.clock = clock;
    this.sleeper = sleeper;
    this.retryAfterFloor = settings.retryAfter() == null ? 0 : settings.retryAfter().toMillis();
  }

  /**
   * What the group knows of the rest of the chain: whether a fallback is left, and when the earliest group
   * after this one admits the request. {@link FallbackPlanner.Plan} is the real one.
   */
  interface Chain {
    /** No group after this one (the last group of the plan). */
    Chain NONE = new Chain() {
      @Override
      public boolean fallbackLeft() {
        return false;
      }

      @Override
      public long laterAvailableAt(LlmRouterException err, long now) {
        return Long.MAX_VALUE;
      }
    };

    /** True when a limit or a failure here would move the request on to another group. */
    boolean fallbackLeft();

    /**
     * Epoch ms the earliest group after this one (in the planner's order, within the fallback budget)
     * admits the request, {@code now} or earlier when one does now, {@link Long#MAX_VALUE} when none will.
     *
     * @param err why this group gives up (null: its limits), which decides the fallback list
     */
    long laterAvailableAt(LlmRouterException err, long now);
  }

  /**
   * Serves {@code g} to the end, waiting through the sleeper: the synchronous driver of {@link #walk}
   * (the engine drives the whole chain itself, see {@link ChainWalk}).
   */
  <T> GroupOutcome<T> serve(ModelGroup g, RequestState rs, AttemptRunner.Call<T> call, boolean firstChoice, Chain chain) {
    Walk<T> w = walk(g, rs, call, firstChoice, chain);
    while (true) {
      GroupOutcome<T> o = w.next();
      if (!(o instanceof Wait<T> wait)) return o;
      try {
        sleep(wait.millis());
      } finally {
        w.woke();
      }
    }
  }

  /** A resumable walk of group {@code g} for one request, positioned before its first selection. */
  <T> Walk<T> walk(ModelGroup g, RequestState rs, AttemptRunner.Call<T> call, boolean firstChoice, Chain chain) {
    return new Walk<>(g, rs, call, firstChoice, chain);
  }

  /**
   * One request's retries in one group, as a state machine: {@link #next()} runs until the group is served,
   * gives up, or has to wait for capacity; after a {@link Wait} the driver waits (a sleeper or a scheduler)
   * and calls {@link #woke()}, then {@link #next()} again. Used by one thread at a time (handed over with
   * the request).
   */
  final class Walk<T> {
    private final ModelGroup g;
    private final RequestState rs;
    private final AttemptRunner.Call<T> call;
    private final boolean firstChoice;
    private final Chain chain;
    private boolean started;
    private boolean mockRate;
    private int retries;
    private int waits;
    private boolean owed;
    private LlmRouterException groupErr;
    private LlmRouterException last;
    private Deployment lastFailed;
    private List<Deployment> excluded;
    private boolean holdsPermit;

    private Walk(ModelGroup g, RequestState rs, AttemptRunner.Call<T> call, boolean firstChoice, Chain chain) {
      this.g = g;
      this.rs = rs;
      this.call = call;
      this.firstChoice = firstChoice;
      this.chain = chain;
    }

    /** The group this walk serves. */
    ModelGroup group() {
      return g;
    }

    /** Ends a {@link Wait}: gives its place among the waiting requests back. Idempotent. */
    void woke() {
      if (holdsPermit) {
        holdsPermit = false;
        waiting.release();
      }
    }

    /**
     * Runs the group until it is served ({@link AttemptRunner.Success}), gives up ({@link Failed}) or has
     * to wait ({@link Wait}: the waiting permit is held until {@link #woke()}).
     *
     * @throws RateLimitedException when the request would wait and the waiting bound is reached
     */
    GroupOutcome<T> next() {
      if (!started) {
        started = true;
        if (firstChoice) {
          LlmRouterException mock = mocks.failure(g, rs);
          if (mock != null) return new Failed<>(mock, mock, false);
          LlmRouterException timedOut = mocks.timeout(g, rs);
          if (timedOut != null) return new Failed<>(timedOut, timedOut, true);
        }
        mockRate = firstChoice && rs.mockRateLimit;
      }
      boolean canFallBack = chain.fallbackLeft();
      while (true) {
        long now = clock.millis();
        if (now >= rs.deadline) {
          // Out of time after waiting for the group's own limits: nothing timed out, the group had no capacity
          // in time; say so (with when it frees), not a timeout.
          if (groupErr == null && waits > 0) return new Failed<>(RouterErrors.noneAdmissible(g), last, true);
          return new Failed<>(groupErr != null ? groupErr : RouterErrors.deadline(rs), last, true);
        }
        if (mockRate) {
          mockRate = false;
          LlmRouterException e = mocks.rateLimit(g, rs);
          groupErr = e;
          last = e;
          if (retries >= allowedRetries(e, g, rs)) return new Failed<>(e, last, false);
          retries++;
          owed = true;
          continue;
        }
        Selector.Selection pick = selector.select(g, rs, excluded);
        if (pick instanceof Selector.NoneAdmitted none) {
          long target;
          long hint = 0;
          if (!owed) {
            if (none.allTooSmall()) {
              LlmRouterException e = RouterErrors.contextTooLarge(g, rs);
              return new Failed<>(e, e, false);
            }
            // Waiting for the group's own limits is not a retry of a failure: it is bounded by the deadline (and
            // the waiting bound), not by num_retries, which counts calls that failed; num_retries 0 opts out.
            if (groupErr != null || numRetries(rs) == 0) return failed(g, groupErr, last);
            target = none.earliest();
          } else {
            if (!groupErr.retriable() && !settings.retryPolicy().containsKey(ErrorKind.of(groupErr).retriesKey)) return failed(g, groupErr, last);
            hint = CooldownPolicy.providerHint(groupErr, now);
            // The failure opened the deployment's breaker (a dead server, not a provider's wait hint): a retry
            // could only come after the cooldown, and the fallback can answer now.
            if (canFallBack && hint == 0 && lastFailed != null && lastFailed.state.coolingUntil(now) > 0) return failed(g, groupErr, last);
            // A day-scope limit with no hint (a daily cap) does not clear within a retry: a backoff would only
            // spend the request's deadline and leave nothing for the fallbacks. One with a hint (Groq's TPD is a
            // bucket that refills by the second: "try again in 1.5s") is waited for like any other, where the
            // chain frees first and only when it frees before the deadline (below).
            if (canFallBack && hint == 0 && groupErr instanceof RateLimitedException rl && rl.scope().isLong()) return failed(g, groupErr, last);
            long base = hint > 0 ? hint : now + backoff(retries);
            if (lastFailed != null) base = Math.max(base, lastFailed.state.availableAt(now, rs.promptTokens, rs.completionCap(), rs.tools));
            target = Math.min(base, none.earliest());
          }
          if (target == Long.MAX_VALUE) return failed(g, groupErr, last);
          // Chain-aware waiting: capacity (a limit, a rate-limit hint) is waited for where it frees first. A
          // fallback that can serve now beats waiting here ("route around the wall"), and so does one that
          // frees sooner; the request then moves on and waits there. Retries of failures (5xx, retry_policy)
          // keep LiteLLM's same-model-first order.
          if (canFallBack && (groupErr == null || groupErr instanceof RateLimitedException)
              && chain.laterAvailableAt(groupErr, now) < Math.max(target, now + 1)) {
            return failed(g, groupErr, last);
          }
          // retry_after is LiteLLM's floor for a retry's backoff (its min_timeout): a provider's hint and the
          // instant a limit frees are waited for as they are (LiteLLM sleeps a retry-after of up to 60 s as
          // given), so a 1 s refill is not stretched to 5 s.
          long wait = owed && hint == 0 ? Math.max(target - now, retryAfterFloor) : target - now;
          // Nothing frees within the deadline here, nor earlier in the rest of the chain: give up at once (the
          // rest of the chain is only looked at, no call and no sleep), with the nearest reset in the error.
          // A wait must leave the call time to run (an attempt's timeout is what is left of the deadline):
          // waking with milliseconds to spare only turns "no capacity in time" into a timeout. How much time
          // is what the deployment waited for took to answer lately (a second until it has answered once).
          Deployment waitedFor = target == none.earliest() && none.earliestAt() != null ? none.earliestAt() : lastFailed;
          long room = Deployment.roomToRun(waitedFor, rs.deadline - now);
          if (now + wait + room > rs.deadline) return failed(g, groupErr, last);
          // Beyond the bound, refuse at once with the wait as the retry hint rather than let waiters pile up
          // (a synchronous waiter holds its caller's thread: a server's health probes included).
          if (!waiting.tryAcquire()) throw tooManyWaiting(g, wait);
          holdsPermit = true;
          int attempt = owed ? retries : ++waits;
          try {
            listeners.onRetry(rs.handle, g.name, attempt, wait, groupErr != null ? groupErr : RouterErrors.noneAdmissible(g));
          } catch (RuntimeException e) {
            woke();
            throw e;
          }
          owed = false;
          excluded = null;
          lastFailed = null;
          // Waiting for a deployment's limit: park there, so the room its windows free is this request's when
          // it wakes, not a later arrival's (first come, first served).
          if (target == none.earliest() && none.earliestAt() != null) rs.park(none.earliestAt(), now, now + wait);
          return new Wait<>(wait);
        }
        Ticket t = (Ticket) pick;
        rs.releaseHold();
        if (owed) {
          listeners.onRetry(rs.handle, g.name, retries, 0, groupErr);
          owed = false;
        }
        int tried = excluded == null ? 0 : excluded.size();
        boolean moreAfter = canFallBack || g.all.length > tried + 1;
        AttemptRunner.Result<T> result = attempts.run(g, t, rs, call, moreAfter);
        if (result instanceof AttemptRunner.Success<T> s) return s;
        ProviderException failure = ((AttemptRunner.Failure<T>) result).error();
        groupErr = failure;
        last = failure;
        lastFailed = t.deployment;
        if (excluded == null) excluded = new ArrayList<>(2);
        excluded.add(t.deployment);
        // Too large for this deployment's budget: another deployment may take it; not a retry.
        if (failure instanceof RequestTooLargeException) continue;
        // An attempt that timed out took its share of the deadline: with every deployment of the group tried,
        // the fallback gets what is left rather than a retry of the deployment that stalled.
        if (failure instanceof RequestTimeoutException && canFallBack && excluded.size() >= g.all.length) return failed(g, failure, last);
        if (failure instanceof ContextWindowExceededException && !settings.retryPolicy().containsKey(ErrorKind.BAD_REQUEST.retriesKey)) return failed(g, failure, last);
        if (failure instanceof ContentPolicyException && !settings.retryPolicy().containsKey(ErrorKind.CONTENT_POLICY.retriesKey)) return failed(g, failure, last);
        if (retries >= allowedRetries(failure, g, rs)) return failed(g, failure, last);
        retries++;
        owed = true;
      }
    }
  }

  /** Requests waiting for capacity now (tests, diagnostics). */
  int waiting() {
    return maxWaiting - waiting.availablePermits();
  }

  private RateLimitedException tooManyWaiting(ModelGroup g, long waitMillis) {
    Duration retryAfter = Duration.ofMillis(Math.max(1_000, waitMillis));
    return new RateLimitedException("model group '" + g.name + "' has no capacity now and " + maxWaiting
        + " requests are already waiting for it; retry after " + (retryAfter.toMillis() + 999) / 1000 + " s",
        new io.llmrouter.api.ErrorContext(429, "llm-router", null, java.util.Map.of(), null,
            io.llmrouter.api.RateSignal.none(clock.instant())),
        io.llmrouter.api.RateScope.UNKNOWN, retryAfter, null);
  }

  private static <T> Failed<T> failed(ModelGroup g, LlmRouterException groupErr, LlmRouterException last) {
    return new Failed<>(groupErr != null ? groupErr : RouterErrors.noneAdmissible(g), last, false);
  }

  private int numRetries(RequestState rs) {
    return rs.requestNumRetries != null ? rs.requestNumRetries : config.effectiveNumRetries();
  }

  private int allowedRetries(LlmRouterException e, ModelGroup g, RequestState rs) {
    Integer p = settings.retryPolicy().get(ErrorKind.of(e).retriesKey);
    if (p != null) return p;
    if (e.retriable()) return numRetries(rs);
    // A bad key or a missing model is one deployment's problem: another deployment of the group may work.
    if ((e instanceof AuthenticationException || e instanceof ModelNotFoundException) && g.all.length > 1) return numRetries(rs);
    return 0;
  }

  private static long backoff(int retries) {
    long b = 500L << Math.min(10, Math.max(0, retries - 1));
    return Math.min(b, MAX_BACKOFF_MILLIS);
  }

  void sleep(long millis) {
    if (millis <= 0) return;
    try {
      sleeper.sleep(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmRouterException("interrupted while waiting to retry", false, e);
    }
  }
}
