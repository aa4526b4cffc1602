package io.llmrouter.core;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Events in the last hour, in 60 one-minute buckets of the router's clock (the current minute and the 59
 * before it). Lock-free on the increment except when a bucket rolls over to a new minute; a reader racing
 * a rollover may miss the few events of that instant, which a status view tolerates.
 */
final class HourlyCounter {
  private static final int BUCKETS = 60;
  private static final long MINUTE = 60_000;

  private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
  // The minute (epoch ms / 60 000) each bucket counts; -1 before first use.
  private final AtomicLongArray minutes = new AtomicLongArray(BUCKETS);

  HourlyCounter() {
    for (int i = 0; i < BUCKETS; i++) minutes.set(i, -1);
  }

  void increment(long now) {
    long m = Math.floorDiv(now, MINUTE);
    int i = (int) Math.floorMod(m, BUCKETS);
    long seen = minutes.get(i);
    if (seen != m) {
      synchronized (this) {
        if (minutes.get(i) != m) {
          counts.set(i, 0);
          minutes.set(i, m);
        }
      }
    }
    counts.incrementAndGet(i);
  }

  long lastHour(long now) {
    long m = Math.floorDiv(now, MINUTE);
    long sum = 0;
    for (int i = 0; i < BUCKETS; i++) {
      long bm = minutes.get(i);
      if (bm > m - BUCKETS && bm <= m) sum += counts.get(i);
    }
    return sum;
  }
}
