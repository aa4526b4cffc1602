package io.llmrouter.catalog;

import io.llmrouter.core.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/** A clock tests move by hand, and a sleeper that advances it instead of sleeping (recording each wait). */
final class TestClock extends Clock {
  private final AtomicReference<Instant> now;
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  TestClock(Instant start) {
    now = new AtomicReference<>(start);
  }

  Sleeper sleeper() {
    return d -> {
      sleeps.add(d);
      now.accumulateAndGet(null, (cur, x) -> cur.plus(d));
    };
  }

  void advance(Duration d) {
    now.accumulateAndGet(null, (cur, x) -> cur.plus(d));
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now.get();
  }
}
