package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link AccessLog}: bounded and off the caller's thread, nothing lost on close, decisions carry the request id. */
class AccessLogTest {
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void closeWritesEveryQueuedEntryAndFlushes() {
    List<String> lines = new CopyOnWriteArrayList<>();
    int[] flushes = {0};
    AccessLog log = new AccessLog(LogFormat.TEXT, new AccessLog.Sink() {
      @Override
      public void write(String level, String line) {
        lines.add(line);
      }

      @Override
      public void flush() {
        flushes[0]++;
      }
    }, 10_000, CLOCK);
    for (int i = 0; i < 5000; i++) log.log("INFO", "access", "n", i);
    log.close();
    assertThat(lines).hasSize(5000);
    assertThat(lines.get(4999)).isEqualTo("2026-01-01T00:00:00Z INFO access n=4999");
    assertThat(flushes[0]).isPositive();
    assertThat(log.dropped()).isZero();
    // After close an entry is written at once rather than lost.
    log.log("INFO", "access", "late", true);
    assertThat(lines).last().isEqualTo("2026-01-01T00:00:00Z INFO access late=true");
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfBlockingTheCallerAndSaysSo() throws Exception {
    CountDownLatch stuck = new CountDownLatch(1);
    List<String> lines = new CopyOnWriteArrayList<>();
    AccessLog log = new AccessLog(LogFormat.JSON, (level, line) -> {
      try {
        stuck.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      lines.add(line);
    }, 4, CLOCK);
    // The writer holds one entry in its stuck write; four more fill the queue; the rest are dropped.
    for (int i = 0; i < 20; i++) log.log("INFO", "access", "n", i);
    assertThat(log.dropped()).isBetween(15L, 16L);
    stuck.countDown();
    log.close();
    assertThat(lines).hasSize((int) (20 - log.dropped()) + 1);
    assertThat(lines).last().asString().contains("\"level\":\"WARN\"").contains("\"dropped_total\":" + log.dropped());
  }

  @Test
  void decisionsCarryTheRequestIdAndAreEscaped() {
    List<String> lines = new CopyOnWriteArrayList<>();
    AccessLog log = new AccessLog(LogFormat.TEXT, (level, line) -> lines.add(level + "|" + line), 64, CLOCK);
    RouterListener l = log.decisionListener();
    RequestHandle h = new RequestHandle(7, "fast", 0, "req-9");
    l.onAttemptEnd(h, new Attempt("fast", "dep-1", "m", Attempt.Outcome.FAILED, 429, "429 rate limited\nsecond line", Instant.EPOCH,
        Duration.ofMillis(12)));
    l.onFallback(h, "fast", "smart", "fallbacks", null);
    l.onCooldownStart("dep-1", Instant.parse("2026-01-01T00:01:00Z"), "RateLimitedException: 429");
    log.close();
    assertThat(lines).containsExactly(
        "INFO|2026-01-01T00:00:00Z INFO decision event=attempt_failed request_id=req-9 group=fast deployment=dep-1 status=429 "
            + "latency_ms=12 error=\"429 rate limited\\nsecond line\"",
        "INFO|2026-01-01T00:00:00Z INFO decision event=fallback request_id=req-9 group=fast to_group=smart kind=fallbacks error=-",
        "WARN|2026-01-01T00:00:00Z WARN decision event=cooldown_start deployment=dep-1 until=2026-01-01T00:01:00Z "
            + "reason=\"RateLimitedException: 429\"");
  }

  @Test
  void timesAreWhatInstantWrites() {
    AccessLog log = new AccessLog(LogFormat.TEXT, (level, line) -> {}, 16, CLOCK);
    try {
      long base = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
      long[] samples = {base, base + 1, base + 9, base + 10, base + 99, base + 100, base + 999, base + 1000, base + 1001,
          base + 59_999, base + 86_400_000L, 0, 1, -1, -999, -1000, -1001, 253402300799999L, 253402300800000L};
      for (long ms : samples) assertThat(log.time(ms)).as("%d", ms).isEqualTo(Instant.ofEpochMilli(ms).toString());
      java.util.Random r = new java.util.Random(14);
      for (int i = 0; i < 2000; i++) {
        long ms = base + r.nextInt(10_000) * (r.nextBoolean() ? 1L : 997L);
        assertThat(log.time(ms)).isEqualTo(Instant.ofEpochMilli(ms).toString());
      }
    } finally {
      log.close();
    }
  }
}
