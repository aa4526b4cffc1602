package io.llmrouter.core;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task later without holding a thread meanwhile: how the router's asynchronous calls
 * ({@code Router.chatAsync}, callback streams) wait for capacity. Where {@link Sleeper} blocks the waiting
 * thread, a scheduler takes a task and returns at once; the router hands the task the rest of the request,
 * which it runs on its executor. A test passes a scheduler that runs tasks when it moves a virtual clock,
 * so no test sleeps.
 *
 * <p>Implementations must be thread-safe, must run every task they accept exactly once, no earlier than
 * its delay (on the router's clock), and should run it on a thread of their own or a caller's; the
 * router's tasks are quick (they only hand the request back to the router's executor).
 */
@FunctionalInterface
public interface Scheduler {

  /**
   * Runs {@code task} once {@code delay} has passed; returns at once.
   *
   * @param delay how long to wait, zero or more
   * @param task what to run then; it does not throw
   */
  void schedule(Duration delay, Runnable task);

  /**
   * The real scheduler: one daemon timer thread for the whole JVM ({@code llm-router-wait}), shared by
   * every router and never shut down, so a wait outlives neither a reload nor a close by more than its own
   * delay. Tasks run on the timer thread.
   */
  static Scheduler system() {
    return SystemScheduler.INSTANCE;
  }

  /**
   * A scheduler that waits through {@code sleeper} and then runs the task, on a thread of its own for each
   * wait (a JVM-wide pool of daemon threads, {@code llm-router-sleep}, whose idle threads end after a
   * minute): the wait holds that thread, as a synchronous call does, but never one of the router's
   * executor. It is what a router built with a {@link Sleeper} but without a scheduler uses, so a sleeper
   * that moves a virtual clock (a test's, a replay's) is honoured by the asynchronous calls too; the
   * router's {@code maxWaiting} bounds how many such threads wait at once.
   */
  static Scheduler sleeping(Sleeper sleeper) {
    Objects.requireNonNull(sleeper, "sleeper");
    return (delay, task) -> SystemScheduler.SLEEPERS.execute(() -> {
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      task.run();
    });
  }
}

/** The JVM-wide timer behind {@link Scheduler#system()}. */
final class SystemScheduler implements Scheduler {
  static final SystemScheduler INSTANCE = new SystemScheduler();
  /** The threads of {@link Scheduler#sleeping}: made on demand, ended after a minute idle. */
  static final java.util.concurrent.ExecutorService SLEEPERS = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE,
      60, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), RouterExecutors.daemon("llm-router-sleep"));

  private final ScheduledThreadPoolExecutor timer;

  private SystemScheduler() {
    timer = new ScheduledThreadPoolExecutor(1, RouterExecutors.daemon("llm-router-wait"));
    timer.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    timer.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
  }
}
