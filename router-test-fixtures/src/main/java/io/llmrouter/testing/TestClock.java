package io.llmrouter.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Clock} that only moves when a test moves it, and the sleeper that goes with it.
 *
 * <p>Time is held as nanoseconds since the epoch in one {@link AtomicLong}, in UTC. It moves only through
 * {@link #advance(Duration)}, {@link #set(Instant)} and {@link #sleep(Duration)}; nothing here ever really
 * sleeps. {@code sleep} advances the clock by the requested amount and records it, so a test passes
 * {@code clock::sleep} wherever the router wants its {@code io.llmrouter.core.Sleeper} and then asserts on
 * {@link #sleeps()}:
 *
 * <pre>{@code
 * TestClock clock = new TestClock();
 * Router router = LlmRouter.builder(config).clock(clock).sleeper(clock::sleep).build();
 * ...
 * assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(2));
 * }</pre>
 *
 * <p>Thread-safety: every method may be called from any thread. Reads are a single volatile load, so the
 * clock is cheap enough for a benchmark's hot path.
 */
public final class TestClock extends Clock {

  /** Where {@link #TestClock()} starts: 2026-03-01T10:00:00Z. */
  public static final Instant DEFAULT_START = Instant.parse("2026-03-01T10:00:00Z");

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long NANOS_PER_MILLI = 1_000_000L;

  private final AtomicLong nanos;
  private final ConcurrentLinkedQueue<Duration> sleeps = new ConcurrentLinkedQueue<>();

  /** A clock standing still at {@link #DEFAULT_START}. */
  public TestClock() {
    this(DEFAULT_START);
  }

  /**
   * A clock standing still at {@code start}.
   *
   * @throws NullPointerException if {@code start} is null
   * @throws ArithmeticException if {@code start} is outside the years 1678 to 2261 (nanoseconds in a long)
   */
  public TestClock(Instant start) {
    this.nanos = new AtomicLong(toNanos(Objects.requireNonNull(start, "start")));
  }

  /**
   * Moves time forward by {@code amount}.
   *
   * @return the new instant
   * @throws IllegalArgumentException if {@code amount} is negative (use {@link #set(Instant)} to go back)
   */
  public Instant advance(Duration amount) {
    if (amount.isNegative()) {
      throw new IllegalArgumentException("cannot advance by a negative duration: " + amount + " (use set to go back)");
    }
    return toInstant(nanos.addAndGet(amount.toNanos()));
  }

  // For ScriptedProvider's call path: advance without building the Instant that advance(Duration) returns.
  void advanceQuietly(Duration amount) {
    nanos.addAndGet(amount.toNanos());
  }

  /**
   * Jumps to {@code instant}, backwards too (tests of clock skew use that).
   *
   * @throws NullPointerException if {@code instant} is null
   */
  public void set(Instant instant) {
    nanos.set(toNanos(Objects.requireNonNull(instant, "instant")));
  }

  /**
   * Instead of sleeping: records {@code duration} in {@link #sleeps()} and advances the clock by it (by
   * nothing when it is zero or negative; the request is still recorded). Returns at once. Its shape matches
   * {@code io.llmrouter.core.Sleeper}, so {@code clock::sleep} is a sleeper.
   *
   * @throws NullPointerException if {@code duration} is null
   */
  public void sleep(Duration duration) {
    sleeps.add(Objects.requireNonNull(duration, "duration"));
    if (!duration.isNegative()) nanos.addAndGet(duration.toNanos());
  }

  /** Every duration passed to {@link #sleep(Duration)} so far, in call order; an immutable snapshot. */
  public List<Duration> sleeps() {
    return List.copyOf(sleeps);
  }

  /** Forgets the recorded sleeps (time stays where it is). */
  public void clearSleeps() {
    sleeps.clear();
  }

  /** The current instant, to the nanosecond. */
  @Override
  public Instant instant() {
    return toInstant(nanos.get());
  }

  /** The current epoch milliseconds (rounded down), without building an {@link Instant}. */
  @Override
  public long millis() {
    return Math.floorDiv(nanos.get(), NANOS_PER_MILLI);
  }

  /** Always UTC. */
  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** This clock for UTC, else a view in {@code zone} that shares this clock's time (advancing one moves both). */
  @Override
  public Clock withZone(ZoneId zone) {
    Objects.requireNonNull(zone, "zone");
    return zone.equals(ZoneOffset.UTC) ? this : new Zoned(this, zone);
  }

  @Override
  public String toString() {
    return "TestClock[" + instant() + "]";
  }

  private static long toNanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), NANOS_PER_SECOND), i.getNano());
  }

  private static Instant toInstant(long n) {
    return Instant.ofEpochSecond(Math.floorDiv(n, NANOS_PER_SECOND), Math.floorMod(n, NANOS_PER_SECOND));
  }

  private static final class Zoned extends Clock {
    private final TestClock time;
    private final ZoneId zone;

    Zoned(TestClock time, ZoneId zone) {
      this.time = time;
      this.zone = zone;
    }

    @Override
    public ZoneId getZone() {
      return zone;
    }

    @Override
    public Clock withZone(ZoneId z) {
      return time.withZone(z);
    }

    @Override
    public Instant instant() {
      return time.instant();
    }

    @Override
    public long millis() {
      return time.millis();
    }
  }
}
