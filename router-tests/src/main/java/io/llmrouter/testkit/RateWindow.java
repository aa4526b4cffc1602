package io.llmrouter.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One quota window of one simulated model. Three algorithms, because the providers differ and their
 * headers only make sense with the right one:
 * <ul>
 *   <li>{@link Bucket}: a continuously refilling token bucket (Groq, Cerebras). Groq's documented sample
 *       {@code reset-requests: 1m26.4s} after one request on a 1000-RPD model is exactly 86400 s / 1000,
 *       i.e. the time to refill what was used.</li>
 *   <li>{@link Sliding}: a rolling log (NVIDIA NIM, Gemini per-minute): a request frees its share exactly one
 *       window after it was admitted.</li>
 *   <li>{@link Calendar}: fixed windows on calendar boundaries (OpenRouter: minute boundaries and UTC
 *       midnight; Gemini's daily quota at midnight Pacific).</li>
 * </ul>
 * Not thread-safe: the simulator guards every window with its own lock.
 */
abstract class RateWindow {
  /** A wait long enough to mean "never by waiting": the request alone exceeds the window. */
  static final Duration NEVER = Duration.ofDays(3650);

  final Limit limit;
  final long capacity;

  RateWindow(Limit limit, long capacity) {
    this.limit = limit;
    this.capacity = capacity;
  }

  /** How much of the window is used at {@code now}. */
  abstract long used(Instant now);

  /** How much is left at {@code now}. */
  final long remaining(Instant now) {
    return Math.max(0, capacity - used(now));
  }

  /** The header meaning of "reset": when the window is back to full (bucket, sliding) or rolls over (calendar). */
  abstract Duration resetIn(Instant now);

  /** Zero when {@code amount} fits now, else how long until it fits ({@link #NEVER} if it never can). */
  abstract Duration waitFor(long amount, Instant now);

  /** Takes {@code amount} out of the window; callers check {@link #waitFor} first. */
  abstract void consume(long amount, Instant now);

  static Duration between(Instant from, Instant to) {
    return to.isAfter(from) ? Duration.between(from, to) : Duration.ZERO;
  }

  /** Continuously refilling token bucket of {@code capacity} per window. */
  static final class Bucket extends RateWindow {
    private final double perNano;
    private double level;
    private Instant last;

    Bucket(Limit limit, long capacity, Instant start) {
      super(limit, capacity);
      this.perNano = capacity / (double) limit.window().toNanos();
      this.level = capacity;
      this.last = start;
    }

    private void refill(Instant now) {
      if (now.isAfter(last)) {
        level = Math.min(capacity, level + Duration.between(last, now).toNanos() * perNano);
      }
      last = now; // a clock set backwards simply restarts refilling from the new "now"
    }

    @Override
    long used(Instant now) {
      refill(now);
      return (long) Math.ceil(capacity - level - 1e-9);
    }

    @Override
    Duration resetIn(Instant now) {
      refill(now);
      return Duration.ofNanos((long) Math.ceil((capacity - level) / perNano));
    }

    @Override
    Duration waitFor(long amount, Instant now) {
      if (amount > capacity) {
        return NEVER;
      }
      refill(now);
      if (amount <= level + 1e-9) {
        return Duration.ZERO;
      }
      return Duration.ofNanos((long) Math.ceil((amount - level) / perNano));
    }

    @Override
    void consume(long amount, Instant now) {
      refill(now);
      level -= amount;
    }
  }

  /** Rolling log: what was admitted in the last window counts. */
  static final class Sliding extends RateWindow {
    private final Duration window;
    private final ArrayDeque<long[]> entries = new ArrayDeque<>(); // {epochSecond, nano, amount}
    private long sum;

    Sliding(Limit limit, long capacity) {
      super(limit, capacity);
      this.window = limit.window();
    }

    private static Instant at(long[] e) {
      return Instant.ofEpochSecond(e[0], e[1]);
    }

    private void prune(Instant now) {
      Instant horizon = now.minus(window);
      while (!entries.isEmpty() && !at(entries.peekFirst()).isAfter(horizon)) {
        sum -= entries.pollFirst()[2];
      }
    }

    @Override
    long used(Instant now) {
      prune(now);
      return sum;
    }

    @Override
    Duration resetIn(Instant now) {
      prune(now);
      return entries.isEmpty() ? Duration.ZERO : between(now, at(entries.peekLast()).plus(window));
    }

    @Override
    Duration waitFor(long amount, Instant now) {
      if (amount > capacity) {
        return NEVER;
      }
      prune(now);
      long excess = sum + amount - capacity;
      if (excess <= 0) {
        return Duration.ZERO;
      }
      long freed = 0;
      for (Iterator<long[]> it = entries.iterator(); it.hasNext(); ) {
        long[] e = it.next();
        freed += e[2];
        if (freed >= excess) {
          return between(now, at(e).plus(window));
        }
      }
      return between(now, at(entries.peekLast()).plus(window));
    }

    @Override
    void consume(long amount, Instant now) {
      prune(now);
      entries.addLast(new long[] {now.getEpochSecond(), now.getNano(), amount});
      sum += amount;
    }
  }

  /** Fixed window aligned to the calendar (minute boundary, or midnight in {@code zone}). */
  static final class Calendar extends RateWindow {
    private final ZoneId zone;
    private Instant periodEnd; // null until the first use
    private long count;

    Calendar(Limit limit, long capacity, ZoneId zone) {
      super(limit, capacity);
      this.zone = zone;
    }

    private void roll(Instant now) {
      if (periodEnd == null || !now.isBefore(periodEnd) || now.isBefore(periodEnd.minus(limit.window()))) {
        ChronoUnit unit = limit.daily() ? ChronoUnit.DAYS : ChronoUnit.MINUTES;
        ZonedDateTime start = now.atZone(zone).truncatedTo(unit);
        periodEnd = start.plus(1, unit).toInstant();
        count = 0;
      }
    }

    /** The absolute instant the current period ends (OpenRouter's {@code X-RateLimit-Reset}). */
    Instant resetAt(Instant now) {
      roll(now);
      return periodEnd;
    }

    @Override
    long used(Instant now) {
      roll(now);
      return count;
    }

    @Override
    Duration resetIn(Instant now) {
      roll(now);
      return between(now, periodEnd);
    }

    @Override
    Duration waitFor(long amount, Instant now) {
      if (amount > capacity) {
        return NEVER;
      }
      roll(now);
      return count + amount <= capacity ? Duration.ZERO : between(now, periodEnd);
    }

    @Override
    void consume(long amount, Instant now) {
      roll(now);
      count += amount;
    }
  }
}
