package io.llmrouter.testkit.scenario;

import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Replays timed work on a manual {@link VirtualClock} with a few concurrent client threads, as a
 * discrete-event simulation: virtual time stands still while requests run, and moves only when every
 * running request has finished or is waiting in {@link #sleep(Duration)}, straight to the next event
 * (an arrival, a scheduled action such as an outage, or the earliest wake-up of a waiting request).
 * So the instants at which time moves do not depend on thread timing, and a day of tens of thousands of
 * requests replays as fast as the simulator answers.
 *
 * <p>Use {@link #sleep(Duration)} as the injected sleeper of the code under test: a request that waits
 * for a rate window blocks until the driver has moved time past its wake-up, while other requests keep
 * arriving at their own instants.
 *
 * <p>Two modes. {@link #ordered(VirtualClock)} is deterministic: one request runs at a time, and the run
 * token goes, at each instant, to the ready request that arrived first (arrivals of the instant and
 * requests woken from a sleep at it alike), so the same jobs on the same code give the same calls in the
 * same order every run. {@link #VirtualTimeDriver(VirtualClock, int)} races: within one instant at most
 * {@code concurrency} requests run at once and their relative order is up to the thread scheduler (for
 * tests of concurrent callers, such as a shared budget).
 *
 * <p>Thread-safety: {@link #sleep(Duration)} and {@link #waitedMillis()} may be called from any thread;
 * {@link #schedule} before {@link #run}; {@link #run} from one thread, once.
 */
public final class VirtualTimeDriver implements AutoCloseable {

  /** Where the replay stands, reported after each step. */
  public record Progress(int done, int total, Instant now) {}

  private final VirtualClock clock;
  private final int concurrency;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final PriorityQueue<Waiter> waiters = new PriorityQueue<>((a, b) -> a.wake != b.wake ? Long.compare(a.wake, b.wake)
      : Long.compare(a.slot == null ? -1 : a.slot.order, b.slot == null ? -1 : b.slot.order));
  private final List<Action> actions = new ArrayList<>();
  private final ThreadLocal<long[]> waited = ThreadLocal.withInitial(() -> new long[1]);
  private final ExecutorService pool;
  private final AtomicInteger threadNo = new AtomicInteger();
  private final boolean ordered;
  private final ThreadLocal<Slot> slot = new ThreadLocal<>();
  private double speed;
  // guarded by lock
  private int active;
  private int sleeping;
  private RuntimeException failure;
  // ordered mode, guarded by lock: the requests ready to run at this instant, by arrival; the one running
  private final PriorityQueue<Slot> ready = new PriorityQueue<>((a, b) -> Long.compare(a.order, b.order));
  private Slot holder;

  private static final class Waiter {
    final long wake;
    final Slot slot; // ordered mode: the request that sleeps (null for a thread that is not a replayed job)
    boolean released;

    Waiter(long wake, Slot slot) {
      this.wake = wake;
      this.slot = slot;
    }
  }

  /** One replayed job in ordered mode: its place in the arrival order and whether it holds the run token. */
  private static final class Slot {
    final long order;
    final Condition turn;
    Runnable body;
    boolean started;
    boolean granted;

    Slot(long order, Condition turn) {
      this.order = order;
      this.turn = turn;
    }
  }

  private record Action(Instant at, Runnable run) {}

  /**
   * A driver on {@code clock} running at most {@code concurrency} requests at once per instant.
   *
   * @throws IllegalArgumentException if the clock is not manual or {@code concurrency < 1}
   */
  public VirtualTimeDriver(VirtualClock clock, int concurrency) {
    this(clock, concurrency, false);
  }

  /**
   * A deterministic driver on {@code clock}: one request at a time, in arrival order at each instant.
   *
   * @throws IllegalArgumentException if the clock is not manual
   */
  public static VirtualTimeDriver ordered(VirtualClock clock) {
    return new VirtualTimeDriver(clock, 1, true);
  }

  private VirtualTimeDriver(VirtualClock clock, int concurrency, boolean ordered) {
    this.clock = Objects.requireNonNull(clock, "clock");
    if (!clock.isManual()) throw new IllegalArgumentException("the driver needs a manual VirtualClock");
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + concurrency);
    this.concurrency = concurrency;
    this.ordered = ordered;
    // Waiting requests hold their thread, so the pool grows with them; runnable ones are capped by concurrency.
    this.pool = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "day-replay-" + threadNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Paces the replay for a human watching it: before moving virtual time forward by d, the driver really
   * waits {@code d / speed} (0, the default, does not wait). Only the demo uses it.
   *
   * @throws IllegalArgumentException if speed is negative
   */
  public VirtualTimeDriver pace(double virtualSecondsPerRealSecond) {
    if (!(virtualSecondsPerRealSecond >= 0)) throw new IllegalArgumentException("speed must be >= 0");
    this.speed = virtualSecondsPerRealSecond;
    return this;
  }

  /** Runs {@code action} (for example an outage) at virtual time {@code at}, while no request is running. */
  public void schedule(Instant at, Runnable action) {
    actions.add(new Action(Objects.requireNonNull(at, "at"), Objects.requireNonNull(action, "action")));
  }

  /**
   * Waits {@code amount} of virtual time: blocks until the driver has moved the clock past the wake-up.
   * The sleeper to give the router under test.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  public void sleep(Duration amount) throws InterruptedException {
    if (amount.isZero() || amount.isNegative()) return;
    waited.get()[0] += amount.toMillis();
    Slot mine = ordered ? slot.get() : null;
    lock.lock();
    try {
      Waiter w = new Waiter(clock.millis() + Math.max(1, amount.toMillis()), mine);
      waiters.add(w);
      if (mine != null) {
        // Give the run token back; the driver hands it on and, once time reached the wake-up, returns it.
        mine.granted = false;
        passToken();
        while (!mine.granted) mine.turn.await();
        return;
      }
      if (!ordered) sleeping++;
      changed.signalAll();
      while (!w.released) changed.await();
    } finally {
      lock.unlock();
    }
  }

  /** Virtual milliseconds the current request has waited in {@link #sleep(Duration)} so far. */
  public long waitedMillis() {
    return waited.get()[0];
  }

  /**
   * Runs every job at its instant and returns when all have finished.
   *
   * @param jobs the jobs, sorted by {@code at}
   * @param at the virtual instant each job starts
   * @param work what to do for a job, on a client thread; it must not throw
   * @param progress told where the replay stands after each step (on the calling thread), or null
   * @throws IllegalStateException if a job threw
   */
  public <T> void run(List<T> jobs, java.util.function.Function<T, Instant> at, Consumer<T> work, Consumer<Progress> progress)
      throws InterruptedException {
    actions.sort((a, b) -> a.at.compareTo(b.at));
    if (ordered) {
      runOrdered(jobs, at, work, progress);
      return;
    }
    int next = 0;
    int nextAction = 0;
    AtomicInteger done = new AtomicInteger();
    while (true) {
      long target;
      lock.lock();
      try {
        while (active > sleeping) changed.await();
        if (failure != null) throw new IllegalStateException("a replayed request threw", failure);
        if (next == jobs.size() && active == 0 && nextAction == actions.size()) break;
        target = Long.MAX_VALUE;
        if (next < jobs.size()) target = at.apply(jobs.get(next)).toEpochMilli();
        if (nextAction < actions.size()) target = Math.min(target, actions.get(nextAction).at.toEpochMilli());
        if (!waiters.isEmpty()) target = Math.min(target, waiters.peek().wake);
      } finally {
        lock.unlock();
      }
      long now = clock.millis();
      if (target > now) {
        if (speed > 0) Thread.sleep(Math.min(1_000, (long) ((target - now) / speed)));
        clock.advance(Duration.ofMillis(target - now));
        now = target;
      }
      while (nextAction < actions.size() && actions.get(nextAction).at.toEpochMilli() <= now) actions.get(nextAction++).run.run();
      lock.lock();
      try {
        while (!waiters.isEmpty() && waiters.peek().wake <= now) {
          waiters.poll().released = true;
          sleeping--;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      // Arrivals of this instant start in groups of `concurrency`, each group once the previous is quiet.
      int started = 0;
      while (next < jobs.size() && at.apply(jobs.get(next)).toEpochMilli() <= now && started < concurrency) {
        T job = jobs.get(next++);
        started++;
        lock.lock();
        try {
          active++;
        } finally {
          lock.unlock();
        }
        pool.execute(() -> {
          waited.get()[0] = 0;
          try {
            work.accept(job);
          } catch (RuntimeException e) {
            lock.lock();
            try {
              if (failure == null) failure = e;
            } finally {
              lock.unlock();
            }
          } finally {
            done.incrementAndGet();
            lock.lock();
            try {
              active--;
              changed.signalAll();
            } finally {
              lock.unlock();
            }
          }
        });
      }
      if (progress != null) progress.accept(new Progress(done.get(), jobs.size(), clock.instant()));
    }
    if (progress != null) progress.accept(new Progress(done.get(), jobs.size(), clock.instant()));
  }

  private <T> void runOrdered(List<T> jobs, java.util.function.Function<T, Instant> at, Consumer<T> work,
      Consumer<Progress> progress) throws InterruptedException {
    int next = 0;
    int nextAction = 0;
    AtomicInteger done = new AtomicInteger();
    while (true) {
      long target;
      lock.lock();
      try {
        // The run token goes to each ready request in turn (each holder passes it on when it sleeps or ends);
        // it comes back here once none is ready at this instant.
        if (holder == null) passToken();
        while (holder != null) changed.await();
        if (failure != null) throw new IllegalStateException("a replayed request threw", failure);
        if (next == jobs.size() && active == 0 && nextAction == actions.size()) break;
        target = Long.MAX_VALUE;
        if (next < jobs.size()) target = at.apply(jobs.get(next)).toEpochMilli();
        if (nextAction < actions.size()) target = Math.min(target, actions.get(nextAction).at.toEpochMilli());
        if (!waiters.isEmpty()) target = Math.min(target, waiters.peek().wake);
      } finally {
        lock.unlock();
      }
      long now = clock.millis();
      if (target > now) {
        if (speed > 0) Thread.sleep(Math.min(1_000, (long) ((target - now) / speed)));
        clock.advance(Duration.ofMillis(target - now));
        now = target;
      }
      while (nextAction < actions.size() && actions.get(nextAction).at.toEpochMilli() <= now) actions.get(nextAction++).run.run();
      lock.lock();
      try {
        while (!waiters.isEmpty() && waiters.peek().wake <= now) {
          Waiter w = waiters.poll();
          if (w.slot != null) ready.add(w.slot);
          else w.released = true;
        }
        changed.signalAll();
        while (next < jobs.size() && at.apply(jobs.get(next)).toEpochMilli() <= now) {
          T job = jobs.get(next);
          Slot self = new Slot(next, lock.newCondition());
          self.body = () -> {
            slot.set(self);
            waited.get()[0] = 0;
            try {
              work.accept(job);
            } catch (RuntimeException e) {
              lock.lock();
              try {
                if (failure == null) failure = e;
              } finally {
                lock.unlock();
              }
            } finally {
              slot.remove();
              done.incrementAndGet();
              lock.lock();
              try {
                active--;
                passToken();
              } finally {
                lock.unlock();
              }
            }
          };
          next++;
          active++;
          ready.add(self);
        }
      } finally {
        lock.unlock();
      }
      if (progress != null) progress.accept(new Progress(done.get(), jobs.size(), clock.instant()));
    }
    if (progress != null) progress.accept(new Progress(done.get(), jobs.size(), clock.instant()));
  }

  // Ordered mode, lock held, the token free: gives it to the first ready request, or back to the driver.
  private void passToken() {
    Slot s = ready.poll();
    if (s == null) {
      holder = null;
      changed.signalAll();
      return;
    }
    holder = s;
    s.granted = true;
    if (!s.started) {
      s.started = true;
      pool.execute(s.body);
    } else {
      s.turn.signal();
    }
  }

  /** Stops the client threads. */
  @Override
  public void close() {
    pool.shutdownNow();
  }
}
