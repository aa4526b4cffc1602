package io.llmrouter.redis;

import static io.llmrouter.redis.RedisTesting.awaitConnected;
import static io.llmrouter.redis.RedisTesting.awaitJoined;
import static io.llmrouter.redis.RedisTesting.deployment;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.state.CooldownPass;
import io.llmrouter.core.state.DeploymentState;
import io.llmrouter.core.state.InMemoryStateStore;
import io.llmrouter.core.state.Reservation;
import io.llmrouter.testing.RedisServerProcess;
import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Redis down at start, dropped, slow and restarted empty, against a real redis-server: no call fails,
 * admission falls back to the local share (declared limit / expected instances), and the re-join writes back
 * what the instance learned and admitted while apart.
 */
class RedisFailureTest {
  final TestClock clock = new TestClock(Instant.parse("2031-06-01T00:00:00Z"));

  static RedisSharedState shared(String url, Duration timeout) {
    return RedisSharedState.builder(url).expectedInstances(3).keyPrefix("fail").commandTimeout(timeout)
        .retryInterval(Duration.ofMillis(50)).build();
  }

  DeploymentState stateOf(RedisSharedState s, DeploymentConfig d) {
    return s.deploymentStates(new InMemoryStateStore(), clock).create(d);
  }

  static int granted(DeploymentState s, TestClock clock, int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) if (s.admit(clock, 1).reservation() instanceof Reservation.Granted) n++;
    return n;
  }

  @Test
  void downAtStartAdmitsTheLocalShareThenJoinsAndWritesBack() {
    try (RedisServerProcess redis = RedisServerProcess.start()) {
      redis.kill();
      try (RedisSharedState s = shared(redis.url(), Duration.ofMillis(50))) {
        assertThat(s.connected()).isFalse();
        assertThat(s.status().connected()).isFalse();
        assertThat(s.status().detail()).contains("unreachable");
        DeploymentState x = stateOf(s, deployment("down", 30, null));
        // rpm 30 over 3 expected instances: 10 here while apart, and no exception
        assertThat(granted(x, clock, 15)).isEqualTo(10);
        long until = clock.millis() + 90_000;
        x.open(until, false);
        assertThat(s.localFallbacks()).isPositive();
        assertThat(s.outages()).isEqualTo(1); // one warning at start, none per request

        redis.restart();
        awaitConnected(s, true);
        // what this instance did while apart is now in Redis: its 10 grants and its cooldown
        assertThat(redis.command("ZCARD", "fail:{down}:w")).isEqualTo(":10");
        assertThat(redis.command("HGET", "fail:{down}:c", "until")).isEqualTo(Long.toString(until));
        try (RedisSharedState other = shared(redis.url(), Duration.ofSeconds(1))) {
          awaitConnected(other, true);
          assertThat(stateOf(other, deployment("down", 30, null)).admit(clock, 1).pass()).isEqualTo(CooldownPass.cooling(until));
        }
      }
    }
  }

  @Test
  void restartedEmptyGetsTheWindowsBackFromEveryInstance() {
    try (RedisServerProcess redis = RedisServerProcess.start();
        RedisSharedState a = shared(redis.url(), Duration.ofSeconds(1));
        RedisSharedState b = shared(redis.url(), Duration.ofSeconds(1))) {
      awaitConnected(a, true);
      awaitConnected(b, true);
      DeploymentConfig d = deployment("empty", 6, null);
      DeploymentState x = stateOf(a, d);
      DeploymentState y = stateOf(b, d);
      assertThat(granted(x, clock, 2) + granted(y, clock, 2)).isEqualTo(4);
      long joinsA = a.joins();
      long joinsB = b.joins();
      redis.restart(); // empty: no persistence
      // Each instance re-joins, whether it saw the server gone or its client reconnected first (new run_id).
      awaitJoined(a, joinsA + 1);
      awaitJoined(b, joinsB + 1);
      awaitConnected(a, true);
      awaitConnected(b, true);
      // both wrote their grants back: 2 of 6 remain in this window, not 6
      assertThat(granted(x, clock, 5)).isEqualTo(2);
      clock.advance(Duration.ofSeconds(60));
      assertThat(granted(y, clock, 10)).isEqualTo(6);
    }
  }

  @Test
  void aSlowRedisIsLeftAfterTheCommandTimeoutWithOneOutageAndRejoinedAfterwards() throws Exception {
    try (RedisServerProcess redis = RedisServerProcess.start();
        RedisSharedState s = shared(redis.url(), Duration.ofMillis(50))) {
      awaitConnected(s, true);
      DeploymentState x = stateOf(s, deployment("slow", 300, null));
      assertThat(granted(x, clock, 3)).isEqualTo(3);
      // Every client's commands wait 1.5 s: slower than the 50 ms command timeout.
      assertThat(redis.command("CLIENT", "PAUSE", "1500", "ALL")).isEqualTo("+OK");
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Long>> waits = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        waits.add(pool.submit(() -> {
          long t = System.nanoTime();
          x.admit(clock, 1);
          return (System.nanoTime() - t) / 1_000_000;
        }));
      }
      long worst = 0;
      for (Future<Long> w : waits) worst = Math.max(worst, w.get());
      pool.shutdown();
      // No admission waited for the pause: at most the command timeout plus scheduling noise on a busy machine.
      assertThat(worst).isLessThan(1000);
      assertThat(s.outages()).isEqualTo(1); // one warning for the whole outage, not one per request
      assertThat(s.localFallbacks()).isPositive();
      awaitConnected(s, true);
      assertThat(s.outages()).isEqualTo(1);
    }
  }

  @Test
  void aPasswordIsUsedAndNeverShown() {
    try (RedisServerProcess redis = RedisServerProcess.start("s3cret-pw")) {
      try (RedisSharedState s = shared(redis.url(), Duration.ofSeconds(1))) {
        awaitConnected(s, true);
        assertThat(s.status().toString()).doesNotContain("s3cret-pw");
        assertThat(granted(stateOf(s, deployment("pw", 3, null)), clock, 5)).isEqualTo(3);
      }
      String wrong = redis.url().replace("s3cret-pw", "wrong-pw");
      try (RedisSharedState s = shared(wrong, Duration.ofSeconds(1))) {
        assertThat(s.connected()).isFalse();
        assertThat(s.status().toString()).doesNotContain("wrong-pw").doesNotContain("s3cret-pw");
        // refused by Redis: the local share answers (ceil(3 / 3) = 1), no exception
        assertThat(granted(stateOf(s, deployment("pw2", 3, null)), clock, 5)).isEqualTo(1);
      }
    }
  }
}
