package io.llmrouter.redis;

import static io.llmrouter.redis.RedisTesting.awaitConnected;
import static io.llmrouter.redis.RedisTesting.deployment;
import static io.llmrouter.redis.RedisTesting.shared;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.state.CooldownPass;
import io.llmrouter.core.state.DeploymentState;
import io.llmrouter.core.state.Gate;
import io.llmrouter.core.state.InMemoryStateStore;
import io.llmrouter.core.state.Reservation;
import io.llmrouter.testing.RedisServerProcess;
import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * One deployment's shared state, seen from two instances (two {@link RedisSharedState}s, two connections)
 * against a real redis-server, on a test clock: the clock passed into the scripts decides every window.
 */
class RedisDeploymentStateTest {
  static RedisServerProcess redis;
  // Far from Redis' own time on purpose: only the router's clock may decide.
  final TestClock clock = new TestClock(Instant.parse("2031-01-01T00:00:00Z"));
  RedisSharedState a;
  RedisSharedState b;
  String prefix;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
  }

  @AfterAll
  static void stopRedis() {
    redis.close();
  }

  @BeforeEach
  void connect(TestInfo info) {
    prefix = "t-" + info.getTestMethod().orElseThrow().getName();
    a = shared(redis.url(), 2, prefix);
    b = shared(redis.url(), 2, prefix);
    awaitConnected(a, true);
    awaitConnected(b, true);
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  DeploymentState stateOf(RedisSharedState s, DeploymentConfig d) {
    return s.deploymentStates(new InMemoryStateStore(), clock).create(d);
  }

  long now() {
    return clock.millis();
  }

  @Test
  void theRpmWindowIsOneAcrossInstancesAndMovesWithTheRoutersClock() {
    DeploymentConfig d = deployment("rpm3", 3, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    assertThat(x.admit(clock, 10).reservation()).isInstanceOf(Reservation.Granted.class);
    clock.advance(Duration.ofSeconds(10));
    assertThat(y.admit(clock, 10).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(x.admit(clock, 10).reservation()).isInstanceOf(Reservation.Granted.class);
    Gate refused = y.admit(clock, 10);
    assertThat(refused.reservation()).isEqualTo(new Reservation.Refused(Reservation.Limit.RPM, now() - 10_000 + 60_000));
    assertThat(x.availableAt(now(), 10)).isEqualTo(now() + 50_000);
    clock.advance(Duration.ofSeconds(49)).toEpochMilli();
    assertThat(x.admit(clock, 10).reservation()).isInstanceOf(Reservation.Refused.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(x.admit(clock, 10).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(y.admit(clock, 10).reservation()).isInstanceOf(Reservation.Refused.class);
  }

  @Test
  void tokenReservationsAreCorrectedFromActualUsageAcrossInstances() {
    DeploymentConfig d = deployment("tpm1000", null, 1000L);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    Reservation.Granted g = (Reservation.Granted) x.admit(clock, 600).reservation();
    Reservation r = y.admit(clock, 600).reservation();
    assertThat(r).isInstanceOf(Reservation.Refused.class);
    assertThat(((Reservation.Refused) r).limit()).isEqualTo(Reservation.Limit.TPM);
    assertThat(((Reservation.Refused) r).freeAt()).isEqualTo(now() + 60_000);
    x.correct(g, 100); // the call used 100 tokens, not 600 (sent without waiting)
    // Redis orders commands per connection, not across the two instances' connections: one round trip on
    // a's link after the correction is the point from which every instance sees it.
    a.dailyCount(d.id(), LocalDate.of(2026, 1, 1));
    assertThat(y.admit(clock, 600).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(y.tokensInWindow(now())).isEqualTo(700);
    Reservation never = x.admit(clock, 5000).reservation();
    assertThat(((Reservation.Refused) never).never()).isTrue();
    clock.advance(Duration.ofSeconds(60));
    assertThat(x.admit(clock, 1000).reservation()).isInstanceOf(Reservation.Granted.class);
  }

  @Test
  void aRemainingZeroSeenByOneInstanceBlocksTheOtherUntilTheReset() {
    DeploymentConfig d = deployment("quota", 100, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    Instant reset = clock.instant().plusSeconds(30);
    x.applySignal(new RateSignal(new RateSignal.Window(1000L, 0L, reset, RateScope.DAY), null, null, clock.instant()));
    Gate g = y.admit(clock, 1);
    assertThat(g.quotaUntil()).isEqualTo(reset.toEpochMilli());
    assertThat(y.quotaUntil(now())).isEqualTo(reset.toEpochMilli());
    // an earlier reset never shortens it
    y.applySignal(new RateSignal(new RateSignal.Window(1000L, 0L, clock.instant().plusSeconds(5), RateScope.DAY), null, null, clock.instant()));
    assertThat(x.admit(clock, 1).quotaUntil()).isEqualTo(reset.toEpochMilli());
    clock.advance(Duration.ofSeconds(30));
    assertThat(y.admit(clock, 1).reservation()).isInstanceOf(Reservation.Granted.class);
  }

  @Test
  void aCooldownIsHonouredEverywhereNeverShortenedAndEndsInExactlyOneProbe() throws Exception {
    DeploymentConfig d = deployment("cool", 1000, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    long until = now() + 30_000;
    assertThat(x.open(until, false)).isEqualTo(until);
    assertThat(y.open(now() + 5_000, false)).isEqualTo(until); // a shorter one never shortens it
    assertThat(y.admit(clock, 1).pass()).isEqualTo(CooldownPass.cooling(until));
    assertThat(y.coolingUntil(now())).isEqualTo(until);
    clock.advance(Duration.ofSeconds(30));
    // Both instances race for the half-open probe from 16 threads: exactly one wins.
    ExecutorService pool = Executors.newFixedThreadPool(16);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Gate>> gates = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      DeploymentState s = i % 2 == 0 ? x : y;
      gates.add(pool.submit(() -> {
        go.await();
        return s.admit(clock, 1);
      }));
    }
    go.countDown();
    int probes = 0;
    int busy = 0;
    DeploymentState prober = null;
    for (int i = 0; i < gates.size(); i++) {
      Gate g = gates.get(i).get();
      if (g.pass().status() == CooldownPass.Status.PROBE) {
        probes++;
        prober = i % 2 == 0 ? x : y;
      }
      if (g.pass().status() == CooldownPass.Status.PROBE_BUSY) busy++;
    }
    pool.shutdown();
    assertThat(probes).isEqualTo(1);
    assertThat(busy).isEqualTo(15);
    // the probe's success closes the breaker for everyone
    assertThat(prober.onSuccess(true)).isTrue();
    assertThat(x.admit(clock, 1).pass()).isEqualTo(CooldownPass.PASS);
    assertThat(y.admit(clock, 1).pass()).isEqualTo(CooldownPass.PASS);
  }

  @Test
  void failuresCountAcrossInstancesAndAFailedProbeReopens() {
    DeploymentConfig d = deployment("fails", 1000, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    // allowed_fails 2: the third failure within a minute, wherever it happens, opens the breaker
    assertThat(x.recordFailure(now(), "RateLimitErrorAllowedFails", 2, null, 10_000, false)).isZero();
    assertThat(y.recordFailure(now(), "RateLimitErrorAllowedFails", 2, null, 10_000, false)).isZero();
    long opened = x.recordFailure(now(), "RateLimitErrorAllowedFails", 2, null, 10_000, false);
    assertThat(opened).isEqualTo(now() + 10_000);
    assertThat(y.admit(clock, 1).pass()).isEqualTo(CooldownPass.cooling(opened));
    clock.advance(Duration.ofSeconds(10));
    Gate probe = y.admit(clock, 1);
    assertThat(probe.pass()).isEqualTo(CooldownPass.PROBE);
    assertThat(x.admit(clock, 1).pass()).isEqualTo(CooldownPass.PROBE_BUSY);
    long again = y.recordFailure(now(), "RateLimitErrorAllowedFails", 2, null, 10_000, true);
    assertThat(again).isEqualTo(now() + 10_000);
    assertThat(x.admit(clock, 1).pass().status()).isEqualTo(CooldownPass.Status.COOLING);
    // an operator's clear ends it everywhere
    assertThat(x.clearCooldown(now())).isTrue();
    assertThat(y.admit(clock, 1).pass()).isEqualTo(CooldownPass.PASS);
  }

  @Test
  void aProbeAdmittedButNotSentIsGivenBack() {
    DeploymentConfig d = deployment("abort", 1000, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    x.open(now() + 1000, false);
    clock.advance(Duration.ofSeconds(1));
    assertThat(x.tryPass(now())).isEqualTo(CooldownPass.PROBE);
    assertThat(y.tryPass(now())).isEqualTo(CooldownPass.PROBE_BUSY);
    x.abortProbe();
    awaitProbeFree(y);
  }

  // abortProbe is sent without waiting; the next admission on the other connection sees it shortly after.
  private void awaitProbeFree(DeploymentState y) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    CooldownPass p;
    while ((p = y.tryPass(now())) == CooldownPass.PROBE_BUSY && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(p).isEqualTo(CooldownPass.PROBE);
  }

  @Test
  void dailyCountersAreShared() {
    DeploymentConfig d = deployment("daily", null, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    LocalDate day = LocalDate.of(2031, 1, 1);
    for (int i = 0; i < 3; i++) x.incrementDaily(day);
    for (int i = 0; i < 2; i++) y.incrementDaily(day);
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (a.dailyCount("daily", day) < 5 && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(a.dailyCount("daily", day)).isEqualTo(5);
    assertThat(redis.command("PTTL", prefix + ":{daily}:d:2031-01-01")).startsWith(":").isNotEqualTo(":-1");
  }

  @Test
  void everyKeyIsNamespacedAndExpires() {
    DeploymentConfig d = deployment("keys", 10, 1000L);
    DeploymentState x = stateOf(a, d);
    x.admit(clock, 10);
    x.applySignal(new RateSignal(new RateSignal.Window(1000L, 0L, clock.instant().plusSeconds(5), RateScope.DAY), null, null, clock.instant()));
    x.open(now() + 1000, false);
    for (String k : List.of("w", "tk", "c")) assertExpires(prefix + ":{keys}:" + k);
  }

  private void assertExpires(String key) {
    String ttl = redis.command("PTTL", key);
    assertThat(ttl).as(key).startsWith(":");
    assertThat(Long.parseLong(ttl.substring(1))).as(key).isPositive();
  }

  @Test
  void aQuotaBlockInTheBreakerHashKeepsItAliveUntilTheResetWhateverTheBreakerDoes() {
    // The quota block is field q of the breaker hash: a shorter cooldown, a failure or a probe written
    // after it must not let the hash expire before the block ends (5 h here, plus the 1 h margin).
    DeploymentConfig d = deployment("qttl", 100, null);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    Instant reset = clock.instant().plus(Duration.ofHours(5));
    x.applySignal(new RateSignal(new RateSignal.Window(1000L, 0L, reset, RateScope.DAY), null, null, clock.instant()));
    String key = prefix + ":{qttl}:c";
    long fiveHours = Duration.ofHours(5).toMillis();
    assertThat(Long.parseLong(redis.command("PTTL", key).substring(1))).isGreaterThan(fiveHours);
    y.open(now() + 1000, false);
    y.recordFailure(now(), "RateLimitErrorAllowedFails", 5, null, 10_000, false);
    assertThat(Long.parseLong(redis.command("PTTL", key).substring(1))).isGreaterThan(fiveHours);
    // an earlier reset neither shortens the block nor the key's life
    y.applySignal(new RateSignal(new RateSignal.Window(1000L, 0L, clock.instant().plusSeconds(5), RateScope.DAY), null, null, clock.instant()));
    assertThat(y.admit(clock, 1).quotaUntil()).isEqualTo(reset.toEpochMilli());
    assertThat(Long.parseLong(redis.command("PTTL", key).substring(1))).isGreaterThan(fiveHours);
    assertThat(x.clearCooldown(now())).isTrue();
    assertThat(redis.command("EXISTS", key)).isEqualTo(":0");
  }

  @Test
  void aWindowKeyRecreatedAfterAFullEvictionExpiresToo() {
    // The TTL is refreshed about once a minute of real time; a key the script (re)creates gets it at once.
    DeploymentConfig d = deployment("recreated", 10, 1000L);
    DeploymentState x = stateOf(a, d);
    assertThat(x.admit(clock, 10).reservation()).isInstanceOf(Reservation.Granted.class);
    clock.advance(Duration.ofSeconds(61)); // the only grant leaves the window: Redis deletes the empty zset
    assertThat(x.admit(clock, 20).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(redis.command("ZCARD", prefix + ":{recreated}:w")).isEqualTo(":1");
    assertExpires(prefix + ":{recreated}:w");
    assertExpires(prefix + ":{recreated}:tk");
    // the same on a deployment with only a token window
    DeploymentState t = stateOf(a, deployment("tpmonly", null, 1000L));
    assertThat(t.admit(clock, 10).reservation()).isInstanceOf(Reservation.Granted.class);
    clock.advance(Duration.ofSeconds(61));
    assertThat(t.admit(clock, 20).reservation()).isInstanceOf(Reservation.Granted.class);
    assertExpires(prefix + ":{tpmonly}:w");
    assertExpires(prefix + ":{tpmonly}:tk");
    assertThat(t.tokensInWindow(now())).isEqualTo(20);
  }

  @Test
  void aCorrectionEqualToTheEstimateSendsNothingAndTheWindowStaysExact() {
    DeploymentConfig d = deployment("same", null, 1000L);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    Reservation.Granted g = (Reservation.Granted) x.admit(clock, 600).reservation();
    x.correct(g, 600); // used exactly the estimate: nothing to send
    a.dailyCount(d.id(), LocalDate.of(2026, 1, 1)); // one round trip on a's link (as after a real correction)
    assertThat(y.admit(clock, 400).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(y.tokensInWindow(now())).isEqualTo(1000);
    assertThat(y.admit(clock, 1).reservation()).isInstanceOf(Reservation.Refused.class);
    // a later, different correction of the same grant is still sent and counted once
    x.correct(g, 100);
    a.dailyCount(d.id(), LocalDate.of(2026, 1, 1));
    assertThat(redis.command("HGET", prefix + ":{same}:tk", "_sum")).isEqualTo("500");
    assertThat(y.admit(clock, 500).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(y.admit(clock, 1).reservation()).isInstanceOf(Reservation.Refused.class);
    // and repeating it sends nothing more: the sum stays exact
    x.correct(g, 100);
    a.dailyCount(d.id(), LocalDate.of(2026, 1, 1));
    assertThat(redis.command("HGET", prefix + ":{same}:tk", "_sum")).isEqualTo("1000");
  }

  @Test
  void evictingThousandsOfGrantsAtOnceKeepsBothWindowsExact() {
    // The script evicts in batches of 1,000 (one HMGET and one HDEL each): a jump of the router's clock past
    // 2,500 grants must leave the count and the token sum exact.
    DeploymentConfig d = deployment("many", 3000, 1_000_000L);
    DeploymentState x = stateOf(a, d);
    DeploymentState y = stateOf(b, d);
    for (int i = 0; i < 2500; i++) {
      assertThat((i % 2 == 0 ? x : y).admit(clock, 3).reservation()).isInstanceOf(Reservation.Granted.class);
    }
    assertThat(x.tokensInWindow(now()) + y.tokensInWindow(now())).isGreaterThanOrEqualTo(7500 - 3);
    clock.advance(Duration.ofSeconds(30));
    assertThat(x.admit(clock, 7).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(x.admit(clock, 1).reservation()).isInstanceOf(Reservation.Granted.class);
    // rpm 3000: 2,502 in the window, 498 more fit, the 499th does not
    for (int i = 0; i < 498; i++) assertThat(y.admit(clock, 1).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(y.admit(clock, 1).reservation()).isEqualTo(new Reservation.Refused(Reservation.Limit.RPM, now() - 30_000 + 60_000));
    assertThat(y.tokensInWindow(now())).isEqualTo(7500 + 7 + 1 + 498);
    clock.advance(Duration.ofSeconds(31)); // the first 2,500 leave at once
    assertThat(x.admit(clock, 5).reservation()).isInstanceOf(Reservation.Granted.class);
    assertThat(x.tokensInWindow(now())).isEqualTo(7 + 1 + 498 + 5);
    assertThat(redis.command("ZCARD", prefix + ":{many}:w")).isEqualTo(":501");
    assertThat(redis.command("HLEN", prefix + ":{many}:tk")).isEqualTo(":502"); // 501 grants and _sum
    assertThat(x.availableAt(now(), 1)).isEqualTo(now());
  }
}
