package io.llmrouter.core;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every wait and advances the test clock by it instead of sleeping. */
final class RecordingSleeper implements Sleeper {
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final TestClock clock;

  RecordingSleeper(TestClock clock) {
    this.clock = clock;
  }

  @Override
  public void sleep(Duration d) {
    sleeps.add(d);
    clock.advance(d);
  }
}
