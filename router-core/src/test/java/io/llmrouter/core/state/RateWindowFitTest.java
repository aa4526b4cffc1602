package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The first-come search of {@link RateWindow#queued}: exact where affordable, and past its budget (a large
 * window with many waiters) a conservative answer that never lets a newcomer in earlier than the exact one
 * would, so the waiters keep their room.
 */
class RateWindowFitTest {
  private static final long W = RateWindow.WINDOW_MILLIS;

  @Test
  void theConservativeFitIsNeverEarlierThanTheExactOneAndLeavesEveryWaiterItsRoom() {
    Random random = new Random(15);
    for (int round = 0; round < 2_000; round++) {
      long now = 1_000_000;
      int entries = random.nextInt(12);
      int waiters = random.nextInt(5);
      long limit = 1 + random.nextInt(40);
      long[] t = new long[entries];
      long[] a = new long[entries];
      for (int i = 0; i < entries; i++) {
        t[i] = now - random.nextInt((int) W);
        a[i] = 1 + random.nextInt(8);
      }
      long[] wake = new long[waiters];
      long[] amt = new long[waiters];
      for (int k = 0; k < waiters; k++) {
        wake[k] = now + random.nextInt(90_000);
        amt[k] = 1 + random.nextInt(8);
      }
      long x = 1 + random.nextInt(8);
      long exact = RateWindow.earliestFit(now, t, a, limit, x, wake, amt);
      long conservative = RateWindow.conservativeFit(now, t, a, limit, x, wake, amt);
      assertThat(conservative).as("round %d", round).isGreaterThanOrEqualTo(exact);
      if (conservative != Long.MAX_VALUE) {
        assertThat(RateWindow.fitsAt(conservative, t, a, limit, x, wake, amt)).as("round %d", round).isTrue();
      }
    }
  }

  @Test
  void aSmallWindowIsSearchedExactlyAndALargeOneWithManyWaitersConservatively() {
    long now = 1_000_000;
    // 30 rpm, 4 waiters: the free tiers' case, well within the budget.
    long[] t = new long[30];
    long[] a = new long[30];
    for (int i = 0; i < t.length; i++) {
      t[i] = now - 59_000 + i * 1_000;
      a[i] = 1;
    }
    long[] wake = {now + 1_000, now + 2_000, now + 3_000, now + 4_000};
    long[] one = {1, 1, 1, 1};
    assertThat(RateWindow.fit(now, t, a, 30, 1, wake, one)).isEqualTo(RateWindow.earliestFit(now, t, a, 30, 1, wake, one));

    // A full 20,000-rpm window with 128 waiters: about 10^12 visits for the exact search.
    int rpm = 20_000;
    long[] big = new long[rpm];
    long[] ones = new long[rpm];
    for (int i = 0; i < rpm; i++) {
      big[i] = now - W + 1 + i * (W - 1) / rpm;
      ones[i] = 1;
    }
    long[] wakes = new long[128];
    long[] each = new long[128];
    for (int k = 0; k < wakes.length; k++) {
      wakes[k] = big[k] + W;
      each[k] = 1;
    }
    long at = RateWindow.fit(now, big, ones, rpm, 1, wakes, each);
    assertThat(at).isEqualTo(RateWindow.conservativeFit(now, big, ones, rpm, 1, wakes, each));
    // After the 129 oldest slots have left: one for each waiter and one for the newcomer.
    assertThat(at).isEqualTo(big[128] + W);
  }

  @Test
  void aFullLargeWindowWithWaitersStillNeverAdmitsOverItsRpm() {
    TestClock clock = new TestClock();
    int rpm = 5_000;
    RateWindow window = new RateWindow(rpm, null);
    for (int i = 0; i < rpm; i++) {
      assertThat(window.tryReserve(clock, 0)).isInstanceOf(Reservation.Granted.class);
      clock.advance(Duration.ofMillis(10));
    }
    assertThat(window.tryReserve(clock, 0)).isInstanceOf(Reservation.Refused.class);
    List<WaiterQueue.Commit> ahead = new ArrayList<>();
    for (int k = 0; k < 100; k++) ahead.add(new WaiterQueue.Commit(clock.millis() + 1_000 + k, 0));
    Reservation.Refused held = window.queued(clock.millis(), 0, ahead);
    assertThat(held).isNotNull();
    assertThat(held.limit()).isEqualTo(Reservation.Limit.RPM);
    assertThat(held.freeAt()).isGreaterThan(clock.millis());
  }
}
