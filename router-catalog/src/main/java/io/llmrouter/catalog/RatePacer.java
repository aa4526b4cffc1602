package io.llmrouter.catalog;

import io.llmrouter.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Spaces the start of probes to one provider so that at most {@code rpm} start per minute, and lets a
 * 429's retry hint push every later start back (one provider, one budget: when one probe is told to wait,
 * all of them wait). Thread-safe: slots are reserved under a lock, the wait happens outside it.
 */
final class RatePacer {
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration interval;
  private Instant next = Instant.EPOCH;

  RatePacer(Clock clock, Sleeper sleeper, int rpm) {
    this.clock = clock;
    this.sleeper = sleeper;
    this.interval = rpm <= 0 ? Duration.ZERO : Duration.ofMillis(Math.max(1, 60_000L / rpm));
  }

  /** Waits for the next free slot and takes it. */
  void acquire() throws InterruptedException {
    Instant slot;
    synchronized (this) {
      Instant now = clock.instant();
      slot = next.isAfter(now) ? next : now;
      next = slot.plus(interval);
    }
    Duration wait = Duration.between(clock.instant(), slot);
    if (!wait.isNegative() && !wait.isZero()) sleeper.sleep(wait);
  }

  /** No slot starts before {@code until}. */
  synchronized void holdUntil(Instant until) {
    if (until.isAfter(next)) next = until;
  }

  /** The pause between two starts (zero when unpaced). */
  Duration interval() {
    return interval;
  }
}
