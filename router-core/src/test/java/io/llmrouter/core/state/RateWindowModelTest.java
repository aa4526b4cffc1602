package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link RateWindow} against a plain model of the same rules (a list of slots with the time each counts from,
 * a list of token reservations with their amounts), over long random runs of reservations, settles,
 * corrections and clock steps: every decision, refusal time, window count and token sum agrees. The runs grow
 * the heap and the token ring past their first sizes and correct grants that have already left the window.
 */
class RateWindowModelTest {
  private static final long WINDOW = RateWindow.WINDOW_MILLIS;

  /** The model: what the window must answer, computed the slow and obvious way. */
  private static final class Model {
    final int rpm;
    final long tpm;
    final List<long[]> slots = new ArrayList<>(); // {id, countsFrom}
    final List<long[]> tokens = new ArrayList<>(); // {id, at, amount}

    Model(int rpm, long tpm) {
      this.rpm = rpm;
      this.tpm = tpm;
    }

    void evict(long now) {
      slots.removeIf(s -> now - s[1] >= WINDOW);
      tokens.removeIf(t -> now - t[1] >= WINDOW);
    }

    long tokenSum() {
      long sum = 0;
      for (long[] t : tokens) sum += t[2];
      return sum;
    }

    /** {@code -1} granted, else the refusal's free-at time; {@code Long.MIN_VALUE} for "refused by tpm, never". */
    long reserve(long id, long now, long est) {
      evict(now);
      if (rpm > 0 && slots.size() >= rpm) {
        return slots.stream().mapToLong(s -> s[1]).min().orElseThrow() + WINDOW;
      }
      if (tpm > 0 && tokenSum() + est > tpm) {
        if (est > tpm) return Long.MAX_VALUE;
        long sum = tokenSum();
        for (long[] t : tokens) {
          sum -= t[2];
          if (sum + est <= tpm) return t[1] + WINDOW;
        }
        return now;
      }
      if (rpm > 0) slots.add(new long[] {id, now});
      if (tpm > 0) tokens.add(new long[] {id, now, est});
      return -1;
    }

    void settle(long id, long at) {
      for (long[] s : slots) if (s[0] == id && at > s[1]) s[1] = at;
    }

    void correct(long id, long actual) {
      for (long[] t : tokens) if (t[0] == id) t[2] = actual;
    }
  }

  @Test
  void rpmAndTpmTogetherAgreeWithTheModel() {
    run(40, 20_000, 1);
  }

  @Test
  void rpmAloneAgreesWithTheModel() {
    run(60, 0, 2);
  }

  @Test
  void tpmAloneAgreesWithTheModel() {
    run(0, 50_000, 3);
  }

  private static void run(int rpm, long tpm, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    TestClock clock = new TestClock();
    RateWindow w = new RateWindow(rpm == 0 ? null : rpm, tpm == 0 ? null : tpm);
    Model m = new Model(rpm, tpm);
    List<Reservation.Granted> grants = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    long nextId = 0;
    int granted = 0;
    int refused = 0;
    for (int step = 0; step < 60_000; step++) {
      long now = clock.millis();
      int op = random.nextInt(10);
      if (op < 5) {
        long est = 1 + random.nextInt(2_000);
        long id = nextId++;
        Reservation r = w.tryReserve(clock, est);
        long expected = m.reserve(id, now, est);
        if (expected == -1) {
          assertThat(r).as("step %d", step).isInstanceOf(Reservation.Granted.class);
          grants.add((Reservation.Granted) r);
          ids.add(id);
          granted++;
        } else {
          refused++;
          assertThat(r).as("step %d", step).isInstanceOf(Reservation.Refused.class);
          assertThat(((Reservation.Refused) r).freeAt()).as("step %d", step).isEqualTo(expected);
        }
      } else if (op < 7 && !grants.isEmpty()) {
        int k = random.nextInt(grants.size());
        long at = now - random.nextInt(5_000) + random.nextInt(5_000);
        w.settle(grants.get(k), at);
        m.settle(ids.get(k), at);
      } else if (op < 8 && !grants.isEmpty()) {
        int k = random.nextInt(grants.size());
        long actual = random.nextInt(3_000);
        w.correct(grants.get(k), actual);
        m.evict(now); // a correction of a grant that left the window changes nothing
        m.correct(ids.get(k), actual);
      } else {
        clock.advance(Duration.ofMillis(random.nextInt(random.nextInt(10) == 0 ? 30_000 : 1_500)));
      }
      if (grants.size() > 5_000) {
        grants.subList(0, 2_500).clear();
        ids.subList(0, 2_500).clear();
      }
      now = clock.millis();
      m.evict(now);
      assertThat(w.requestsInWindow(now)).as("requests at step %d", step).isEqualTo(rpm == 0 ? 0 : m.slots.size());
      assertThat(w.tokensInWindow(now)).as("tokens at step %d", step).isEqualTo(tpm == 0 ? 0 : m.tokenSum());
    }
    // Both outcomes were exercised many times, not just one of them.
    assertThat(granted).isGreaterThan(1_000);
    assertThat(refused).isGreaterThan(1_000);
  }
}
