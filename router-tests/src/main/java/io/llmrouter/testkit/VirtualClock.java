package io.llmrouter.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} whose time a test controls, shared by every simulated provider and by the code under
 * test, so that a whole provider day can be replayed in milliseconds of wall time.
 *
 * <p>Two modes:
 * <ul>
 *   <li><b>manual</b> (speed 0, the default of {@link #at(Instant)}): time stands still until
 *       {@link #advance(Duration)} or {@link #set(Instant)} moves it. Tests use this.</li>
 *   <li><b>running</b> ({@link #realTime()}, {@link #speed(double)}): virtual time flows at {@code speed}
 *       virtual seconds per real second (1 = wall-clock pace, 60 = a minute per second). The demo and
 *       HTTP-facade tests use this. {@link #advance(Duration)} still jumps ahead in this mode.</li>
 * </ul>
 *
 * <p>Thread-safety: every method is safe to call from any thread; readers always see a monotonic
 * value unless {@link #set(Instant)} moves time backwards on purpose.
 */
public final class VirtualClock extends Clock {

  /** The Monday this testkit's examples start on: 2025-06-02T00:00:00Z, a UTC midnight. */
  public static final Instant DEFAULT_START = Instant.parse("2025-06-02T00:00:00Z");

  private final ZoneId zone;
  private final VirtualClock root; // views made by withZone share the root's time
  // Guarded by root's monitor: virtual instant at the last re-anchoring, the nanoTime then, and the pace.
  private Instant anchor;
  private long anchorNanos;
  private double speed;

  private VirtualClock(Instant start, double speed) {
    this.zone = ZoneOffset.UTC;
    this.root = this;
    this.anchor = start;
    this.anchorNanos = System.nanoTime();
    this.speed = speed;
  }

  private VirtualClock(VirtualClock root, ZoneId zone) {
    this.zone = zone;
    this.root = root;
  }

  /**
   * A manual clock standing still at {@code start}.
   *
   * @throws NullPointerException if {@code start} is null
   */
  public static VirtualClock at(Instant start) {
    return new VirtualClock(Objects.requireNonNull(start, "start"), 0);
  }

  /** A manual clock standing still at {@link #DEFAULT_START}. */
  public static VirtualClock manual() {
    return at(DEFAULT_START);
  }

  /** A running clock that starts at the current wall time and runs at wall-clock pace (speed 1). */
  public static VirtualClock realTime() {
    return new VirtualClock(Instant.now(), 1);
  }

  /**
   * Sets the pace: {@code virtualSecondsPerRealSecond} virtual seconds pass per real second; 0 stops the
   * clock (manual mode). The current virtual instant is kept.
   *
   * @return this clock
   * @throws IllegalArgumentException if the speed is negative, NaN or infinite
   */
  public VirtualClock speed(double virtualSecondsPerRealSecond) {
    if (!(virtualSecondsPerRealSecond >= 0) || Double.isInfinite(virtualSecondsPerRealSecond)) {
      throw new IllegalArgumentException("speed must be a finite number >= 0, got " + virtualSecondsPerRealSecond);
    }
    synchronized (root) {
      root.reanchor();
      root.speed = virtualSecondsPerRealSecond;
    }
    return this;
  }

  /** The current pace in virtual seconds per real second; 0 when the clock is manual. */
  public double speed() {
    synchronized (root) {
      return root.speed;
    }
  }

  /** True when time moves only through {@link #advance(Duration)} and {@link #set(Instant)}. */
  public boolean isManual() {
    return speed() == 0;
  }

  /**
   * Moves virtual time forward by {@code amount} (in either mode).
   *
   * @return the new virtual instant
   * @throws IllegalArgumentException if {@code amount} is negative
   */
  public Instant advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration: " + amount);
    }
    synchronized (root) {
      root.reanchor();
      root.anchor = root.anchor.plus(amount);
      return root.anchor;
    }
  }

  /**
   * Jumps to {@code instant} (backwards too, on purpose: tests of clock skew use it).
   *
   * @throws NullPointerException if {@code instant} is null
   */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    synchronized (root) {
      root.anchor = instant;
      root.anchorNanos = System.nanoTime();
    }
  }

  /**
   * Converts a virtual duration into the real time it takes at the current pace (zero when manual).
   * The simulator uses it to decide how long a simulated latency really delays a response.
   */
  public Duration toReal(Duration virtual) {
    double s = speed();
    if (s == 0) {
      return Duration.ZERO;
    }
    return Duration.ofNanos((long) (virtual.toNanos() / s));
  }

  /**
   * Waits {@code amount} of virtual time: in manual mode it advances the clock and returns at once; in
   * running mode it really sleeps {@code amount / speed}. Handy as the injected sleeper of code under test
   * when one thread drives the scenario.
   *
   * @throws InterruptedException if interrupted while really sleeping
   */
  public void sleep(Duration amount) throws InterruptedException {
    if (amount.isNegative() || amount.isZero()) {
      return;
    }
    if (isManual()) {
      advance(amount);
    } else {
      Duration real = toReal(amount);
      Thread.sleep(real.toMillis(), real.toNanosPart() % 1_000_000);
    }
  }

  @Override
  public Instant instant() {
    synchronized (root) {
      if (root.speed == 0) {
        return root.anchor;
      }
      long elapsed = System.nanoTime() - root.anchorNanos;
      return root.anchor.plusNanos((long) (elapsed * root.speed));
    }
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** A view of this clock in another zone; it shares this clock's time (advancing one moves both). */
  @Override
  public Clock withZone(ZoneId newZone) {
    Objects.requireNonNull(newZone, "zone");
    return newZone.equals(zone) ? this : new VirtualClock(root, newZone);
  }

  // Folds the time elapsed at the current pace into the anchor so that a pace change applies from now on.
  private void reanchor() {
    long now = System.nanoTime();
    if (speed != 0) {
      anchor = anchor.plusNanos((long) ((now - anchorNanos) * speed));
    }
    anchorNanos = now;
  }

  @Override
  public String toString() {
    return "VirtualClock[" + instant() + (isManual() ? ", manual" : ", speed " + speed()) + "]";
  }
}
