package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmrouter.testing.TestClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: the write-behind of daily counters. Threads that see the flush interval passed at the same
 * moment write the file once between them, not once each; no increment is lost.
 */
class JsonFileStateStoreFlushTest {
  private static final LocalDate DAY = LocalDate.parse("2026-03-01");

  @TempDir Path dir;
  private final TestClock clock = new TestClock();

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void threadsThatFindTheFlushDueTogetherWriteTheFileOnce() throws Exception {
    JsonFileStateStore store = JsonFileStateStore.open(dir.resolve("state.json"), clock, Duration.ofSeconds(1));
    long before = store.writes();
    clock.advance(Duration.ofSeconds(2));
    int threads = 16;
    int each = 200;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread t = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int j = 0; j < each; j++) store.incrementDaily("d", DAY, 1);
      });
      t.start();
      workers.add(t);
    }
    start.countDown();
    for (Thread t : workers) t.join();

    // The clock did not move after the first write: every later check finds the flush no longer due.
    assertThat(store.writes() - before).isEqualTo(1);
    store.close();
    JsonNode saved = new ObjectMapper().readTree(dir.resolve("state.json").toFile());
    assertThat(saved.path("daily").path("d").path(DAY.toString()).asLong()).isEqualTo((long) threads * each);
  }

  @Test
  void anIncrementAfterTheIntervalIsWrittenBehindAndOneWithinItWaitsForClose() throws Exception {
    JsonFileStateStore store = JsonFileStateStore.open(dir.resolve("state.json"), clock, Duration.ofSeconds(1));
    long before = store.writes();
    store.incrementDaily("d", DAY, 1);
    assertThat(store.writes()).isEqualTo(before);
    clock.advance(Duration.ofMillis(1000));
    store.incrementDaily("d", DAY, 1);
    assertThat(store.writes()).isEqualTo(before + 1);
    store.incrementDaily("d", DAY, 1);
    assertThat(store.writes()).isEqualTo(before + 1);
    store.close();
    assertThat(store.writes()).isEqualTo(before + 2);
    JsonNode saved = new ObjectMapper().readTree(dir.resolve("state.json").toFile());
    assertThat(saved.path("daily").path("d").path(DAY.toString()).asLong()).isEqualTo(3);
  }
}
