package io.llmrouter.core;

import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A {@link Scheduler} on a {@link TestClock}: it only records tasks; {@link #runNext()} moves the clock to
 * the earliest task's instant and runs it. Nothing sleeps. Thread-safe.
 */
final class VirtualScheduler implements Scheduler {
  record Task(long dueMillis, long seq, Duration delay, Runnable task) {}

  private final TestClock clock;
  private final List<Task> tasks = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private long seq;

  VirtualScheduler(TestClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized void schedule(Duration delay, Runnable task) {
    tasks.add(new Task(clock.millis() + delay.toMillis(), seq++, delay, task));
    delays.add(delay);
  }

  /** Tasks scheduled and not yet run. */
  synchronized int pending() {
    return tasks.size();
  }

  /** Every delay asked for so far, in order. */
  synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }

  /** Moves the clock to the earliest task (never back) and runs it; false when none is pending. */
  boolean runNext() {
    Task next;
    synchronized (this) {
      next = tasks.stream().min(Comparator.comparingLong(Task::dueMillis).thenComparingLong(Task::seq)).orElse(null);
      if (next == null) return false;
      tasks.remove(next);
    }
    long now = clock.millis();
    if (next.dueMillis() > now) clock.advance(Duration.ofMillis(next.dueMillis() - now));
    next.task().run();
    return true;
  }
}
