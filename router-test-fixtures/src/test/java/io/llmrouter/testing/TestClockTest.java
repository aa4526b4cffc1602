package io.llmrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TestClockTest {
  static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");

  @Test
  void standsStillUntilMovedAndIsUtc() {
    TestClock clock = new TestClock(T0);
    assertThat(clock.instant()).isEqualTo(T0);
    assertThat(clock.millis()).isEqualTo(T0.toEpochMilli());
    assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);
    assertThat(new TestClock().instant()).isEqualTo(TestClock.DEFAULT_START);
  }

  @Test
  void advanceAndSetMoveTimeWithNanosecondPrecision() {
    TestClock clock = new TestClock(T0);
    assertThat(clock.advance(Duration.ofSeconds(30))).isEqualTo(T0.plusSeconds(30));
    clock.advance(Duration.ofNanos(1_500_000));
    assertThat(clock.instant()).isEqualTo(T0.plusSeconds(30).plusNanos(1_500_000));
    assertThat(clock.millis()).isEqualTo(T0.toEpochMilli() + 30_001);
    clock.set(T0.minusSeconds(5));
    assertThat(clock.instant()).isEqualTo(T0.minusSeconds(5));
    assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void instantsBeforeTheEpochRoundDown() {
    TestClock clock = new TestClock(Instant.EPOCH);
    clock.set(Instant.EPOCH.minusNanos(1));
    assertThat(clock.instant()).isEqualTo(Instant.EPOCH.minusNanos(1));
    assertThat(clock.millis()).isEqualTo(-1);
  }

  @Test
  void sleepAdvancesInsteadOfSleepingAndRecordsEveryRequest() {
    TestClock clock = new TestClock(T0);
    long before = System.nanoTime();
    clock.sleep(Duration.ofHours(3));
    clock.sleep(Duration.ZERO);
    clock.sleep(Duration.ofMillis(-5));
    assertThat(System.nanoTime() - before).isLessThan(TimeUnit.SECONDS.toNanos(5));
    assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(3)));
    assertThat(clock.sleeps()).containsExactly(Duration.ofHours(3), Duration.ZERO, Duration.ofMillis(-5));
    clock.clearSleeps();
    assertThat(clock.sleeps()).isEmpty();
    assertThat(clock.instant()).isEqualTo(T0.plus(Duration.ofHours(3)));
  }

  @Test
  void sleepsIsASnapshot() {
    TestClock clock = new TestClock(T0);
    List<Duration> seen = clock.sleeps();
    clock.sleep(Duration.ofSeconds(1));
    assertThat(seen).isEmpty();
    assertThatThrownBy(() -> clock.sleeps().add(Duration.ZERO)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aZonedViewSharesTime() {
    TestClock clock = new TestClock(T0);
    assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(paris.instant()).isEqualTo(T0.plusSeconds(60));
    assertThat(paris.withZone(ZoneOffset.UTC)).isSameAs(clock);
  }

  @Test
  void concurrentAdvancesAndSleepsAreNeverLost() throws Exception {
    TestClock clock = new TestClock(T0);
    int threads = 4;
    int each = 10_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean sleeper = t % 2 == 0;
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) {
          if (sleeper) clock.sleep(Duration.ofMillis(1));
          else clock.advance(Duration.ofMillis(1));
        }
      });
      th.start();
      all.add(th);
    }
    start.countDown();
    for (Thread th : all) th.join();
    assertThat(clock.instant()).isEqualTo(T0.plusMillis((long) threads * each));
    assertThat(clock.sleeps()).hasSize(threads / 2 * each);
  }
}
