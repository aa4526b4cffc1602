package io.llmrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class VirtualClockTest {

  @Test
  void manualClockStandsStillUntilAdvancedOrSet() {
    VirtualClock clock = VirtualClock.at(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(clock.isManual()).isTrue();
    assertThat(clock.instant()).isEqualTo(Instant.parse("2025-01-01T00:00:00Z"));
    assertThat(clock.advance(Duration.ofHours(25))).isEqualTo(Instant.parse("2025-01-02T01:00:00Z"));
    assertThat(clock.millis()).isEqualTo(Instant.parse("2025-01-02T01:00:00Z").toEpochMilli());
    clock.set(Instant.parse("2024-12-31T23:59:59Z"));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2024-12-31T23:59:59Z"));
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sleepAdvancesAManualClockAndRealDurationIsZero() throws InterruptedException {
    VirtualClock clock = VirtualClock.manual();
    clock.sleep(Duration.ofMinutes(5));
    assertThat(clock.instant()).isEqualTo(VirtualClock.DEFAULT_START.plus(Duration.ofMinutes(5)));
    assertThat(clock.toReal(Duration.ofMinutes(5))).isZero();
  }

  @Test
  void runningClockScalesVirtualTimeAndKeepsAdvances() {
    VirtualClock clock = VirtualClock.manual().speed(60);
    assertThat(clock.isManual()).isFalse();
    assertThat(clock.toReal(Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(1));
    Instant a = clock.instant();
    Instant b = clock.instant();
    assertThat(b).isAfterOrEqualTo(a);
    clock.advance(Duration.ofDays(1));
    assertThat(clock.instant()).isAfterOrEqualTo(a.plus(Duration.ofDays(1)));
    clock.speed(0);
    Instant frozen = clock.instant();
    assertThat(clock.instant()).isEqualTo(frozen);
    assertThatThrownBy(() -> clock.speed(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void zoneViewSharesTime() {
    VirtualClock clock = VirtualClock.manual();
    var paris = clock.withZone(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofHours(1));
    assertThat(paris.instant()).isEqualTo(clock.instant());
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
  }

  @Test
  void realTimeStartsNearWallClock() {
    VirtualClock clock = VirtualClock.realTime();
    assertThat(clock.speed()).isEqualTo(1.0);
    assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(Duration.ofMinutes(1));
  }
}
