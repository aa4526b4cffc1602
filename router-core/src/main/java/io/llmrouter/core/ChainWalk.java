package io.llmrouter.core;

import io.llmrouter.api.LlmRouterException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One request's walk of its chain (Fallback -> Retry -> Selector + Admission -> AttemptRunner) as a
 * resumable state machine: {@link #step()} runs until a deployment served, the request failed (thrown), or
 * the chain has to wait for capacity ({@link GroupRetry.Wait}). The one implementation of the walk has two
 * drivers: {@link #run()} waits on the caller's thread through the sleeper, {@link #start} resumes
 * the walk from a {@link Scheduler} at the wake-up instant, so an asynchronous request holds no thread
 * while it waits. Used by one thread at a time: the drivers hand it over through the executor and the
 * scheduler.
 */
final class ChainWalk<T> {
  private final FallbackPlanner.Plan plan;
  private final GroupRetry retry;
  private final RequestState rs;
  private final AttemptRunner.Call<T> call;
  private final RouterErrors errors;
  private GroupRetry.Walk<T> group;
  private LlmRouterException last;

  ChainWalk(FallbackPlanner.Plan plan, GroupRetry retry, RequestState rs, AttemptRunner.Call<T> call, RouterErrors errors) {
    this.plan = plan;
    this.retry = retry;
    this.rs = rs;
    this.call = call;
    this.errors = errors;
  }

  /**
   * Walks on from where the last step stopped.
   *
   * @return the served attempt, or a {@link GroupRetry.Wait} (the driver waits, calls {@link #woke()} and steps again)
   * @throws LlmRouterException the request's final error (nothing in the chain served it)
   */
  GroupRetry.GroupOutcome<T> step() {
    try {
      return walk();
    } catch (RuntimeException e) {
      rs.releaseHold();
      throw e;
    }
  }

  private GroupRetry.GroupOutcome<T> walk() {
    if (group == null) group = retry.walk(plan.current(), rs, call, plan.firstChoice(), plan);
    while (true) {
      GroupRetry.GroupOutcome<T> outcome = group.next();
      if (!(outcome instanceof GroupRetry.Failed<T> failed)) return outcome;
      // The group gave up: a place the request held at one of its deployments is free for the next in line.
      rs.releaseHold();
      if (failed.lastError() != null) last = failed.lastError();
      if (failed.deadlineHit()) throw errors.exhausted(rs, last, true);
      ModelGroup g = plan.next(failed.error());
      if (g == null) throw errors.exhausted(rs, last, false);
      group = retry.walk(g, rs, call, false, plan);
    }
  }

  /** Ends the wait the last step asked for (gives the waiting place back). Idempotent. */
  void woke() {
    if (group != null) group.woke();
  }

  /** The synchronous driver: waits on this thread through the group retry's sleeper. */
  AttemptRunner.Success<T> run() {
    while (true) {
      GroupRetry.GroupOutcome<T> o = step();
      if (o instanceof AttemptRunner.Success<T> s) return s;
      try {
        retry.sleep(((GroupRetry.Wait<T>) o).millis());
      } finally {
        woke();
      }
    }
  }

  // The asynchronous driver's state: a step running on some thread, or not; an end that arrived from
  // elsewhere (the router closed, the caller cancelled) while a step ran is left for that step to run, so
  // the request's log is never read by one thread while another writes it.
  private static final int IDLE = 0;
  private static final int STEPPING = 1;
  private static final int END_PENDING = 2;
  private static final int ENDED = 3;
  private final AtomicInteger state = new AtomicInteger(IDLE);
  private volatile Runnable pendingEnd;

  /**
   * The asynchronous driver: runs the first step on this thread, each wait on {@code scheduler} (no thread
   * held), and each later step on {@code executor}. {@code out} completes with the served attempt or the
   * request's error; {@code failed} then ends the request (listeners), never while a step runs elsewhere.
   * When something else completed {@code out} first (the router closed, the caller cancelled), a walk that
   * still gets served hands its attempt to {@code discard}, and a walk that waits stops at its wake-up.
   */
  void start(Executor executor, Scheduler scheduler, CompletableFuture<AttemptRunner.Success<T>> out,
      Consumer<AttemptRunner.Success<T>> discard, Consumer<LlmRouterException> failed) {
    out.whenComplete((s, e) -> {
      if (e instanceof LlmRouterException le) endOnce(() -> failed.accept(le));
    });
    resume(executor, scheduler, out, discard);
  }

  /** Runs {@code end} now unless a step is running; then that step runs it when it returns. */
  private void endOnce(Runnable end) {
    pendingEnd = end;
    while (true) {
      int s = state.get();
      if (s == IDLE) {
        if (state.compareAndSet(IDLE, ENDED)) {
          rs.releaseHold();
          end.run();
          return;
        }
      } else if (s == STEPPING) {
        if (state.compareAndSet(STEPPING, END_PENDING)) return;
      } else {
        return;
      }
    }
  }

  private void resume(Executor executor, Scheduler scheduler, CompletableFuture<AttemptRunner.Success<T>> out,
      Consumer<AttemptRunner.Success<T>> discard) {
    if (out.isDone() || !state.compareAndSet(IDLE, STEPPING)) return;
    GroupRetry.GroupOutcome<T> o = null;
    RuntimeException error = null;
    try {
      o = step();
    } catch (RuntimeException e) {
      error = e;
    }
    if (!state.compareAndSet(STEPPING, IDLE)) {
      // Ended from elsewhere while this step ran: finish that end here, and drop what the step produced.
      state.set(ENDED);
      rs.releaseHold();
      if (o instanceof GroupRetry.Wait<T>) woke();
      if (o instanceof AttemptRunner.Success<T> s) discard.accept(s);
      Runnable end = pendingEnd;
      if (end != null) end.run();
      return;
    }
    if (error != null) {
      out.completeExceptionally(error);
      return;
    }
    if (o instanceof AttemptRunner.Success<T> s) {
      if (!out.complete(s)) discard.accept(s);
      return;
    }
    long millis = ((GroupRetry.Wait<T>) o).millis();
    Runnable wake = () -> {
      woke();
      if (out.isDone()) {
        rs.releaseHold();
        return;
      }
      try {
        executor.execute(() -> resume(executor, scheduler, out, discard));
      } catch (RejectedExecutionException e) {
        out.completeExceptionally(new LlmRouterException("router is closed or saturated: its executor refused the request after"
            + " its wait", true, e));
      }
    };
    try {
      scheduler.schedule(Duration.ofMillis(millis), wake);
    } catch (RuntimeException e) {
      woke();
      out.completeExceptionally(new LlmRouterException("the router's scheduler refused a wait: " + RouterErrors.firstLine(e), true, e));
    }
  }
}
