package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testing.TestClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, first come first served per deployment: a request parked for a deployment's rpm/tpm window
 * commits its request and tokens for its wake-up; later requests are admitted only past that commitment
 * until it is released or lapses, and the hard windows are never loosened by it.
 */
class WaiterReservationTest {
  final TestClock clock = new TestClock();
  final InMemoryStateStore store = new InMemoryStateStore();

  long now() {
    return clock.millis();
  }

  @Test
  void nobodyParkedHoldsNothingBackAndADeploymentWithoutWindowsKeepsNoQueue() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", 1, 100L, store);
    assertThat(s.heldBack(now(), 10, null)).isNull();
    assertThat(s.parked()).isZero();
    InMemoryDeploymentState free = new InMemoryDeploymentState("free", null, null, store);
    assertThat(free.hold(now(), now() + 1_000, now() + 60_000, 10, null)).isSameAs(Hold.NONE);
    assertThat(free.parked()).isZero();
  }

  @Test
  void theWaiterIsServedWhenItWakesAndANewcomerAtThatInstantWaitsBehindIt() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", 1, null, store);
    assertThat(s.reserve(clock, 10)).isInstanceOf(Reservation.Granted.class);
    Reservation.Refused full = (Reservation.Refused) s.reserve(clock, 10);
    Hold waiter = s.hold(now(), full.freeAt(), now() + 120_000, 10, null);
    assertThat(s.availableAt(now(), 10)).as("a newcomer's view: after the waiter's minute").isEqualTo(full.freeAt() + 60_000);

    clock.advance(Duration.ofSeconds(60));
    // the slot frees; a newcomer at the same instant finds it committed to the waiter
    Reservation.Refused held = s.heldBack(now(), 10, null);
    assertThat(held).isNotNull();
    assertThat(held.limit()).isEqualTo(Reservation.Limit.RPM);
    assertThat(held.freeAt()).isEqualTo(now() + 60_000);
    // the waiter itself: nobody parked before it
    assertThat(s.heldBack(now(), 10, waiter)).isNull();
    assertThat(s.reserve(clock, 10)).isInstanceOf(Reservation.Granted.class);
    waiter.release();
    assertThat(s.parked()).isZero();
    assertThat(s.heldBack(now(), 10, null)).isNull();
  }

  @Test
  void aNewcomerIsAdmittedOnceTheCommitmentIsReleasedOrHasLapsed() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, 1_000L, store);
    s.reserve(clock, 500);
    Hold waiter = s.hold(now(), now() + 60_000, now() + 90_000, 600, null);
    clock.advance(Duration.ofSeconds(10));
    // 450 fit the window now, but would still be in it at the waiter's wake-up and leave it 50 short
    assertThat(s.heldBack(now(), 450, null)).isNotNull();
    // the waiter went elsewhere (a fallback served it, it gave up, it failed): its place is free at once
    waiter.release();
    waiter.release(); // idempotent
    assertThat(s.heldBack(now(), 450, null)).isNull();

    Hold again = s.hold(now(), now() + 50_000, now() + 80_000, 600, null);
    assertThat(s.heldBack(now(), 450, null)).isNotNull();
    clock.advance(Duration.ofSeconds(80)); // the waiter's deadline: its place lapses without a release
    assertThat(s.heldBack(now(), 450, null)).isNull();
    assertThat(s.parked()).isZero();
    again.release(); // a late release of a lapsed place changes nothing
    assertThat(s.parked()).isZero();
  }

  @Test
  void theTpmCommitmentCountsTheNewcomersTokensStillInTheWindowAtTheWakeUp() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", null, 1_000L, store);
    assertThat(s.reserve(clock, 500)).isInstanceOf(Reservation.Granted.class);
    Reservation.Refused full = (Reservation.Refused) s.reserve(clock, 600);
    assertThat(full.freeAt()).isEqualTo(now() + 60_000);
    s.hold(now(), full.freeAt(), now() + 600_000, 600, null);
    clock.advance(Duration.ofSeconds(10));
    // 400 now is still in the window at the waiter's wake-up, beside its 600: exactly 1,000, it fits
    assertThat(s.heldBack(now(), 400, null)).isNull();
    // 450 would leave the waiter 50 short: held until the waiter's tokens have left the window too
    Reservation.Refused held = s.heldBack(now(), 450, null);
    assertThat(held.limit()).isEqualTo(Reservation.Limit.TPM);
    assertThat(held.freeAt()).isEqualTo(full.freeAt() + 60_000);
  }

  @Test
  void parkingAgainKeepsTheRequestsPlace() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", 1, null, store);
    s.reserve(clock, 1);
    Hold first = s.hold(now(), now() + 60_000, now() + 600_000, 1, null);
    Hold second = s.hold(now(), now() + 120_000, now() + 600_000, 1, null);
    // the first woke and found no room (say the slot was settled later than it was admitted): it parks again, later
    Hold firstAgain = s.hold(now(), now() + 70_000, now() + 600_000, 1, first);
    assertThat(firstAgain).isSameAs(first);
    assertThat(s.parked()).isEqualTo(2);
    clock.advance(Duration.ofSeconds(70));
    assertThat(s.heldBack(now(), 1, first)).as("still first in line").isNull();
    assertThat(s.heldBack(now(), 1, second)).as("the second waits for the first").isNotNull();
  }

  @Test
  void aPlaceNeverLoosensTheHardWindows() {
    InMemoryDeploymentState s = new InMemoryDeploymentState("d", 2, 1_000L, store);
    assertThat(s.reserve(clock, 900)).isInstanceOf(Reservation.Granted.class);
    Hold waiter = s.hold(now(), now() + 60_000, now() + 600_000, 500, null);
    // the waiter passes the queue (nobody before it), the window still refuses it until it frees
    assertThat(s.heldBack(now(), 500, waiter)).isNull();
    assertThat(s.reserve(clock, 500)).isInstanceOf(Reservation.Refused.class);
    assertThat(s.tokensInWindow(now())).isEqualTo(900);
    waiter.release();
    assertThat(s.reserve(clock, 100)).isInstanceOf(Reservation.Granted.class);
    assertThat(s.reserve(clock, 1)).as("rpm 2").isInstanceOf(Reservation.Refused.class);
  }
}
