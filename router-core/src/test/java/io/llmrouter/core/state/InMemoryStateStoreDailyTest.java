package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testing.TestClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Daily counters keep only the newest days of each deployment: memory bounded by deployments, not uptime. */
class InMemoryStateStoreDailyTest {
  final TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  @Test
  void aThousandReplayedDaysKeepTodayAndYesterdayOnly() {
    InMemoryStateStore store = new InMemoryStateStore();
    List<InMemoryDeploymentState> states = new ArrayList<>();
    for (int i = 0; i < 20; i++) states.add(new InMemoryDeploymentState("d" + i, null, null, store));
    for (int day = 0; day < 1_000; day++) {
      for (int hour = 0; hour < 24; hour += 6) {
        for (InMemoryDeploymentState s : states) s.incrementDaily(today());
        clock.advance(Duration.ofHours(6));
      }
      // Bounded at every point of the replay, not only at the end.
      assertThat(store.dailyEntries()).isLessThanOrEqualTo(20 * InMemoryStateStore.DAYS_KEPT);
    }
    LocalDate last = today().minusDays(1);
    assertThat(store.daily("d7", last)).isEqualTo(4);
    assertThat(store.daily("d7", last.minusDays(1))).isEqualTo(4);
    assertThat(store.daily("d7", last.minusDays(2))).isZero();
    assertThat(store.dailyDeployments()).isEqualTo(20);
    assertThat(store.dailySnapshot()).hasSize(20 * InMemoryStateStore.DAYS_KEPT);
  }

  @Test
  void countsStayExactWithinADayAndOnTheDayBefore() {
    InMemoryStateStore store = new InMemoryStateStore();
    LocalDate day = LocalDate.of(2026, 3, 1);
    assertThat(store.incrementDaily("a", day, 1)).isEqualTo(1);
    assertThat(store.incrementDaily("a", day, 2)).isEqualTo(3);
    assertThat(store.incrementDaily("a", day.plusDays(1), 1)).isEqualTo(1);
    // An attempt that began before midnight still counts on its own day, which is kept.
    assertThat(store.incrementDaily("a", day, 1)).isEqualTo(4);
    assertThat(store.daily("a", day)).isEqualTo(4);
    // A day past the horizon is answered but not kept.
    assertThat(store.incrementDaily("a", day.minusDays(3), 5)).isEqualTo(5);
    assertThat(store.daily("a", day.minusDays(3))).isZero();
    store.incrementDaily("a", day.plusDays(2), 1);
    assertThat(store.daily("a", day)).isZero();
    assertThat(store.daily("a", day.plusDays(1))).isEqualTo(1);
    assertThat(store.dailyEntries()).isEqualTo(2);
  }

  @Test
  void aDeploymentNoLongerCalledIsDroppedWhenLaterDaysStart() {
    InMemoryStateStore store = new InMemoryStateStore();
    LocalDate day = LocalDate.of(2026, 3, 1);
    store.incrementDaily("gone", day, 3);
    store.incrementDaily("kept", day, 1);
    store.incrementDaily("kept", day.plusDays(1), 1);
    assertThat(store.daily("gone", day)).isEqualTo(3);
    assertThat(store.dailyDeployments()).isEqualTo(2);
    store.incrementDaily("kept", day.plusDays(2), 1);
    assertThat(store.dailyDeployments()).isEqualTo(1);
    assertThat(store.daily("gone", day)).isZero();
    // Called again, it starts over.
    assertThat(store.incrementDaily("gone", day.plusDays(2), 1)).isEqualTo(1);
  }

  @Test
  void concurrentIncrementsAcrossMidnightLoseNothingWithinTheKeptDays() throws Exception {
    InMemoryStateStore store = new InMemoryStateStore();
    LocalDate day = LocalDate.of(2026, 3, 1);
    int threads = 8;
    int each = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int n = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < each; i++) store.incrementDaily("d" + (i % 3), (i + n) % 2 == 0 ? day : day.plusDays(1), 1);
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) f.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    long total = 0;
    for (int i = 0; i < 3; i++) total += store.daily("d" + i, day) + store.daily("d" + i, day.plusDays(1));
    assertThat(total).isEqualTo((long) threads * each);
  }

  @Test
  void theStateFileKeepsOnlyTheNewestDays(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("state.json");
    try (JsonFileStateStore store = JsonFileStateStore.open(file, clock)) {
      for (int day = 0; day < 50; day++) {
        store.incrementDaily("a", today(), 1);
        clock.advance(Duration.ofDays(1));
      }
      store.flush();
    }
    String json = Files.readString(file);
    assertThat(json).contains("\"2026-04-19\"", "\"2026-04-18\"").doesNotContain("\"2026-04-17\"", "\"2026-03-01\"");
    try (JsonFileStateStore again = JsonFileStateStore.open(file, clock)) {
      assertThat(again.daily("a", LocalDate.parse("2026-04-19"))).isEqualTo(1);
      assertThat(again.dailyEntries()).isEqualTo(2);
    }
  }
}
