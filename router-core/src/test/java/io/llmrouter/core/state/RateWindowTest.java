package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The rpm ring and the tpm reservation queue on their own. */
class RateWindowTest {
  final TestClock clock = new TestClock();

  long now() {
    return clock.millis();
  }

  static Reservation.Refused refused(Reservation r) {
    assertThat(r).isInstanceOf(Reservation.Refused.class);
    return (Reservation.Refused) r;
  }

  @Test
  void noLimitsMeansUnlimitedAndEveryReservationIsTheTokenlessGrant() {
    RateWindow w = new RateWindow(null, null);
    assertThat(w.unlimited()).isTrue();
    for (int i = 0; i < 1_000; i++) assertThat(w.tryReserve(clock, 1_000_000)).isSameAs(Reservation.Granted.NO_TOKENS);
    assertThat(w.tokensInWindow(now())).isZero();
    assertThat(w.availableAt(now(), Long.MAX_VALUE / 2)).isEqualTo(now());
    assertThat(new RateWindow(0, 0L).unlimited()).isTrue();
    assertThat(new RateWindow(1, null).unlimited()).isFalse();
    assertThat(new RateWindow(null, 1L).unlimited()).isFalse();
  }

  @Test
  void rpmAdmitsExactlyNInAWindowAndFreesAtTheOldestPlusSixtySeconds() {
    RateWindow w = new RateWindow(3, null);
    long t0 = now();
    // An rpm-only grant is the call's slot (settled when the call ends), not the shared tokenless grant.
    assertThat(w.tryReserve(clock, 10)).isInstanceOf(RateWindow.Slot.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(w.tryReserve(clock, 10)).isInstanceOf(Reservation.Granted.class);
    clock.advance(Duration.ofSeconds(1));
    assertThat(w.tryReserve(clock, 10)).isInstanceOf(Reservation.Granted.class);
    clock.advance(Duration.ofSeconds(1));
    Reservation.Refused no = refused(w.tryReserve(clock, 10));
    assertThat(no.limit()).isEqualTo(Reservation.Limit.RPM);
    assertThat(no.freeAt()).isEqualTo(t0 + 60_000);
    assertThat(no.never()).isFalse();
    // one millisecond before: still refused, same instant
    clock.set(java.time.Instant.ofEpochMilli(t0 + 59_999));
    assertThat(refused(w.tryReserve(clock, 10)).freeAt()).isEqualTo(t0 + 60_000);
    // at exactly that instant the oldest leaves the window
    clock.set(java.time.Instant.ofEpochMilli(t0 + 60_000));
    assertThat(w.tryReserve(clock, 10)).isInstanceOf(Reservation.Granted.class);
    // now the oldest is the one from t0 + 1 s
    Reservation.Refused next = refused(w.tryReserve(clock, 10));
    assertThat(next.freeAt()).isEqualTo(t0 + 61_000);
  }

  @Test
  void aSettledSlotCountsFromItsSettleTimeAndTheOldestOtherSlotFreesFirst() {
    RateWindow w = new RateWindow(2, null);
    long t0 = now();
    Reservation.Granted a = (Reservation.Granted) w.tryReserve(clock, 1);
    clock.advance(Duration.ofSeconds(1));
    assertThat(w.tryReserve(clock, 1)).isInstanceOf(Reservation.Granted.class); // b at t0 + 1 s
    w.settle(a, t0 + 5_000); // a's call reached the provider late: it counts from t0 + 5 s
    assertThat(refused(w.tryReserve(clock, 1)).freeAt()).isEqualTo(t0 + 61_000); // b is now the oldest
    clock.set(java.time.Instant.ofEpochMilli(t0 + 61_000));
    assertThat(w.requestsInWindow(now())).isEqualTo(1);
    assertThat(w.tryReserve(clock, 1)).isInstanceOf(Reservation.Granted.class);
    assertThat(refused(w.tryReserve(clock, 1)).freeAt()).isEqualTo(t0 + 65_000); // then a, from its settle time
    w.settle(a, t0 + 1_000); // never earlier than it counts from
    assertThat(refused(w.tryReserve(clock, 1)).freeAt()).isEqualTo(t0 + 65_000);
  }

  @Test
  void memoryFollowsTheSlotsInUseNotTheDeclaredRpm() {
    // rpm 10,000,000 used to preallocate a long[10,000,000] (76 MiB) per deployment; now slots grow with use.
    RateWindow w = new RateWindow(10_000_000, null);
    for (int i = 0; i < 1_000; i++) assertThat(w.tryReserve(clock, 1)).isInstanceOf(Reservation.Granted.class);
    assertThat(w.requestsInWindow(now())).isEqualTo(1_000);
    clock.advance(Duration.ofSeconds(60));
    assertThat(w.requestsInWindow(now())).isZero();
  }

  @Test
  void rpmNeverAdmitsMoreThanNInAnySixtySecondSpan() {
    int rpm = 7;
    RateWindow w = new RateWindow(rpm, null);
    java.util.List<Long> granted = new java.util.ArrayList<>();
    for (int i = 0; i < 600; i++) { // ten minutes in 1 s steps, several tries per second
      for (int k = 0; k < 3; k++) if (w.tryReserve(clock, 1) instanceof Reservation.Granted) granted.add(now());
      clock.advance(Duration.ofSeconds(1));
    }
    for (int i = rpm; i < granted.size(); i++) assertThat(granted.get(i) - granted.get(i - rpm)).isGreaterThanOrEqualTo(60_000);
    // and it is exact: the window is used to the full (7 per minute over ten minutes)
    assertThat(granted).hasSize(rpm * 10);
  }

  @Test
  void tpmRefusesUntilEnoughOldReservationsLeave() {
    RateWindow w = new RateWindow(null, 1_000L);
    long t0 = now();
    assertThat(w.tryReserve(clock, 400)).isInstanceOf(RateWindow.TokenEntry.class);
    clock.advance(Duration.ofSeconds(10));
    assertThat(w.tryReserve(clock, 400)).isInstanceOf(RateWindow.TokenEntry.class);
    clock.advance(Duration.ofSeconds(10));
    assertThat(w.tokensInWindow(now())).isEqualTo(800);
    // 300 fits once the first 400 leaves
    Reservation.Refused small = refused(w.tryReserve(clock, 300));
    assertThat(small.limit()).isEqualTo(Reservation.Limit.TPM);
    assertThat(small.freeAt()).isEqualTo(t0 + 60_000);
    // 700 needs both to leave
    assertThat(refused(w.tryReserve(clock, 700)).freeAt()).isEqualTo(t0 + 10_000 + 60_000);
    // 200 fits now
    assertThat(w.tryReserve(clock, 200)).isInstanceOf(Reservation.Granted.class);
    assertThat(w.tokensInWindow(now())).isEqualTo(1_000);
    clock.set(java.time.Instant.ofEpochMilli(t0 + 60_000));
    assertThat(w.tokensInWindow(now())).isEqualTo(600);
    assertThat(w.tryReserve(clock, 300)).isInstanceOf(Reservation.Granted.class);
  }

  @Test
  void aRequestBiggerThanTheWholeTpmIsRefusedForever() {
    RateWindow w = new RateWindow(null, 1_000L);
    Reservation.Refused no = refused(w.tryReserve(clock, 1_001));
    assertThat(no.limit()).isEqualTo(Reservation.Limit.TPM);
    assertThat(no.never()).isTrue();
    assertThat(no.freeAt()).isEqualTo(Long.MAX_VALUE);
    assertThat(w.availableAt(now(), 1_001)).isEqualTo(Long.MAX_VALUE);
    // exactly the whole tpm fits an empty window
    assertThat(w.tryReserve(clock, 1_000)).isInstanceOf(Reservation.Granted.class);
    assertThat(refused(w.tryReserve(clock, 1)).never()).isFalse();
  }

  @Test
  void aTpmRefusalDoesNotUseAnRpmSlot() {
    RateWindow w = new RateWindow(1, 100L);
    assertThat(refused(w.tryReserve(clock, 200)).limit()).isEqualTo(Reservation.Limit.TPM);
    assertThat(w.tryReserve(clock, 50)).isInstanceOf(Reservation.Granted.class);
    assertThat(refused(w.tryReserve(clock, 1)).limit()).isEqualTo(Reservation.Limit.RPM);
  }

  @Test
  void correctingDownFreesRoomAndCorrectingUpTakesIt() {
    RateWindow w = new RateWindow(null, 1_000L);
    Reservation.Granted g = (Reservation.Granted) w.tryReserve(clock, 800);
    assertThat(refused(w.tryReserve(clock, 300)).limit()).isEqualTo(Reservation.Limit.TPM);
    w.correct(g, 100);
    assertThat(w.tokensInWindow(now())).isEqualTo(100);
    Reservation.Granted g2 = (Reservation.Granted) w.tryReserve(clock, 300);
    assertThat(w.tokensInWindow(now())).isEqualTo(400);
    w.correct(g2, 900);
    assertThat(w.tokensInWindow(now())).isEqualTo(1_000);
    assertThat(refused(w.tryReserve(clock, 1)).limit()).isEqualTo(Reservation.Limit.TPM);
    // a negative amount and a tokenless grant are ignored
    w.correct(g2, -5);
    w.correct(Reservation.Granted.NO_TOKENS, 0);
    assertThat(w.tokensInWindow(now())).isEqualTo(1_000);
    // when the corrected entry leaves, its corrected amount leaves with it
    clock.advance(Duration.ofSeconds(60));
    assertThat(w.tokensInWindow(now())).isZero();
  }

  @Test
  void correctingAnEvictedReservationIsIgnored() {
    RateWindow w = new RateWindow(null, 1_000L);
    Reservation.Granted old = (Reservation.Granted) w.tryReserve(clock, 500);
    clock.advance(Duration.ofSeconds(30));
    w.tryReserve(clock, 200);
    clock.advance(Duration.ofSeconds(30));
    assertThat(w.tokensInWindow(now())).isEqualTo(200);
    w.correct(old, 0);
    assertThat(w.tokensInWindow(now())).isEqualTo(200);
    w.correct(old, 900);
    assertThat(w.tokensInWindow(now())).isEqualTo(200);
    // the window is not corrupted: exactly 800 more fit
    assertThat(w.tryReserve(clock, 800)).isInstanceOf(Reservation.Granted.class);
    assertThat(refused(w.tryReserve(clock, 1)).limit()).isEqualTo(Reservation.Limit.TPM);
  }

  @Test
  void correctingWhenTheWholeWindowWasEvictedIsIgnored() {
    RateWindow w = new RateWindow(null, 1_000L);
    Reservation.Granted old = (Reservation.Granted) w.tryReserve(clock, 500);
    clock.advance(Duration.ofSeconds(61));
    assertThat(w.tokensInWindow(now())).isZero();
    w.correct(old, 0);
    assertThat(w.tokensInWindow(now())).isZero();
    assertThat(w.tryReserve(clock, 1_000)).isInstanceOf(Reservation.Granted.class);
  }

  @Test
  void availableAtAgreesWithReserve() {
    RateWindow w = new RateWindow(2, 1_000L);
    long t0 = now();
    assertThat(w.availableAt(now(), 600)).isEqualTo(now());
    w.tryReserve(clock, 600);
    clock.advance(Duration.ofSeconds(5));
    // tpm: 600 + 500 > 1000 until the first leaves
    assertThat(w.availableAt(now(), 500)).isEqualTo(t0 + 60_000);
    assertThat(refused(w.tryReserve(clock, 500)).freeAt()).isEqualTo(w.availableAt(now(), 500));
    assertThat(w.availableAt(now(), 400)).isEqualTo(now());
    assertThat(w.tryReserve(clock, 400)).isInstanceOf(Reservation.Granted.class);
    // rpm full now (2): even a zero-token request waits for the oldest
    assertThat(w.availableAt(now(), 0)).isEqualTo(t0 + 60_000);
    Reservation.Refused rpm = refused(w.tryReserve(clock, 0));
    assertThat(rpm.limit()).isEqualTo(Reservation.Limit.RPM);
    assertThat(rpm.freeAt()).isEqualTo(w.availableAt(now(), 0));
    // at the instant availableAt named, the reservation is granted
    clock.set(java.time.Instant.ofEpochMilli(t0 + 60_000));
    assertThat(w.availableAt(now(), 500)).isEqualTo(now());
    assertThat(w.tryReserve(clock, 500)).isInstanceOf(Reservation.Granted.class);
    assertThat(w.tokensInWindow(now())).isEqualTo(900);
    assertThat(w.tpmLimit()).isEqualTo(1_000);
  }

  // Issue 16: the window must hold at the provider. A call admitted at 0 s that reached the provider late
  // (settled at 1.4 s) keeps its slot until 61.4 s, so a call admitted at 60.0 s cannot make 31 in 58.6 s.
  @Test
  void aSlotCountsFromWhenItsCallSettledNotFromAdmission() {
    RateWindow w = new RateWindow(30, null);
    long t0 = now();
    Reservation first = w.tryReserve(clock, 1);
    clock.advance(Duration.ofMillis(1_400));
    for (int i = 1; i < 30; i++) {
      clock.advance(Duration.ofMillis(100));
      Reservation r = w.tryReserve(clock, 1);
      w.settle((Reservation.Granted) r, now());
    }
    w.settle((Reservation.Granted) first, t0 + 1_400);
    clock.advance(Duration.ofMillis(60_000 - 4_300));
    assertThat(now()).isEqualTo(t0 + 60_000);
    assertThat(w.tryReserve(clock, 1)).isEqualTo(new Reservation.Refused(Reservation.Limit.RPM, t0 + 61_400));
    assertThat(w.availableAt(now(), 1)).isEqualTo(t0 + 61_400);
    clock.advance(Duration.ofMillis(1_400));
    assertThat(w.tryReserve(clock, 1)).isInstanceOf(Reservation.Granted.class);
    // A late settle of a grant whose slot was reused changes nothing.
    w.settle((Reservation.Granted) first, now() + 5_000);
    assertThat(w.availableAt(now(), 1)).isEqualTo(t0 + 1_500 + 60_000);
  }
}
