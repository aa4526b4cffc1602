package io.llmrouter.providers;

import java.util.Comparator;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import okhttp3.Call;

/**
 * The whole-call deadline of JSON calls, kept by one timer thread that cancels a call whose deadline passed,
 * instead of OkHttp's {@code callTimeout} (an okio {@code AsyncTimeout}: every call enters and leaves one
 * global synchronized queue, and wakes okio's watchdog thread whenever it becomes the queue's head, which
 * at concurrency 1 is every call).
 *
 * <p>Deadlines live in a lock-free sorted set. The timer sleeps until the earliest deadline it knew when it
 * went to sleep; a call registered with a later deadline (the common case: calls share a few timeouts and
 * are registered in time order) does not wake it, and a call that ends only leaves the set. So the timer
 * wakes about once per timeout period, or when a call with an earlier deadline arrives, not once per call.
 *
 * <p>Thread-safe. The timer is a daemon thread, started on the first registration and ended by
 * {@link #close()} (a registration after that starts a new one).
 */
final class CallDeadlines implements AutoCloseable {
  private static final long NONE = Long.MAX_VALUE;
  private static final Comparator<Entry> ORDER = Comparator.<Entry>comparingLong(e -> e.deadline).thenComparingLong(e -> e.seq);

  private final ConcurrentSkipListSet<Entry> entries = new ConcurrentSkipListSet<>(ORDER);
  private final AtomicLong seq = new AtomicLong();
  // Deadlines are nanoTime offsets from this origin, so they compare as plain longs.
  private final long origin = System.nanoTime();
  private final String threadName;
  // When the timer will next look at the set (NONE: only when woken); a registration before it wakes it.
  private volatile long wakeAt = NONE;
  private volatile Thread timer;
  private volatile boolean closed;

  CallDeadlines(String threadName) {
    this.threadName = threadName;
  }

  /** One registered call: cancelled when its deadline passes before {@link #done} removes it. */
  static final class Entry {
    private final Call call;
    private final long deadline;
    private final long seq;
    private volatile boolean fired;

    private Entry(Call call, long deadline, long seq) {
      this.call = call;
      this.deadline = deadline;
      this.seq = seq;
    }

    /** True when the deadline passed and the call was cancelled for it. */
    boolean fired() {
      return fired;
    }
  }

  /** Cancels {@code call} once {@code timeoutNanos} have passed, unless {@link #done} comes first. */
  Entry register(Call call, long timeoutNanos) {
    long now = System.nanoTime() - origin;
    long deadline = timeoutNanos >= NONE - 1 - now ? NONE - 1 : now + Math.max(0, timeoutNanos);
    Entry e = new Entry(call, deadline, seq.incrementAndGet());
    entries.add(e);
    Thread t = timer;
    if (t == null || closed) {
      t = startTimer();
      LockSupport.unpark(t);
    } else if (deadline < wakeAt) {
      LockSupport.unpark(t);
    }
    return e;
  }

  /** The call ended (value or failure): it is no longer cancelled. Never wakes the timer. */
  void done(Entry e) {
    entries.remove(e);
  }

  /** Calls registered and not yet done or fired (for tests). */
  int pending() {
    return entries.size();
  }

  private synchronized Thread startTimer() {
    Thread t = timer;
    if (t != null && t.isAlive() && !closed) return t;
    closed = false;
    t = new Thread(this::runTimer, threadName);
    t.setDaemon(true);
    timer = t;
    t.start();
    return t;
  }

  private void runTimer() {
    Thread self = Thread.currentThread();
    while (!closed && timer == self) {
      long now = System.nanoTime() - origin;
      Entry first;
      while ((first = first()) != null && first.deadline <= now) {
        if (entries.remove(first)) {
          first.fired = true;
          first.call.cancel();
        }
      }
      long next = first == null ? NONE : first.deadline;
      wakeAt = next;
      // Published before the re-check: a registration either sees this wakeAt (and wakes the timer when it
      // is earlier) or is seen here.
      Entry again = first();
      if (again != null && again.deadline < next) continue;
      if (next == NONE) LockSupport.park(this);
      else LockSupport.parkNanos(this, next - now);
    }
  }

  private Entry first() {
    java.util.Iterator<Entry> it = entries.iterator();
    return it.hasNext() ? it.next() : null;
  }

  /** Ends the timer thread; calls still registered are no longer cancelled by it. */
  @Override
  public synchronized void close() {
    closed = true;
    Thread t = timer;
    timer = null;
    if (t != null) LockSupport.unpark(t);
  }
}
