package io.llmrouter.testkit;

import java.time.Duration;
import java.util.Objects;

/**
 * A fault the simulator injects into a response instead of (or on top of) the normal behaviour. Attach it
 * with {@link ProviderSimulator#failNext} or {@link ProviderSimulator#failWithProbability}.
 *
 * <p>Faults other than {@link Kind#STALL} and {@link Kind#MID_STREAM_ERROR} are decided before quota is
 * counted, as a real provider's 5xx or dropped connection does not spend the caller's quota; a stall and a
 * mid-stream error happen to an admitted request, so they do.
 *
 * <p>Thread-safety: immutable.
 */
public final class Fault {

  /** The kinds of fault. */
  public enum Kind {
    /** An HTTP 5xx in the provider's error wording. */
    SERVER_ERROR,
    /** The connection is closed after the request is read, with no response at all. */
    CONNECTION_RESET,
    /** A real (wall-clock) delay before the first byte, then the normal response. */
    STALL,
    /** The stream breaks after some content with an in-band error event (non-streaming: the body is cut). */
    MID_STREAM_ERROR,
    /** OpenRouter only: 429 "Provider returned error" with the upstream's {@code metadata.raw}. */
    UPSTREAM_RATE_LIMIT,
    /** OpenRouter only: 401 "User not found." for a key that is in fact valid (seen when upstream is overloaded). */
    USER_NOT_FOUND,
    /** A 200 JSON body that is not the endpoint's shape (a completion without choices, embeddings without data). */
    MALFORMED_BODY
  }

  private final Kind kind;
  private final int status;
  private final Duration stall;

  private Fault(Kind kind, int status, Duration stall) {
    this.kind = kind;
    this.status = status;
    this.stall = stall;
  }

  /**
   * An HTTP 5xx error.
   *
   * @throws IllegalArgumentException if {@code status} is not in 500..599
   */
  public static Fault serverError(int status) {
    if (status < 500 || status > 599) {
      throw new IllegalArgumentException("a server error status is 500..599, got " + status);
    }
    return new Fault(Kind.SERVER_ERROR, status, Duration.ZERO);
  }

  /** The connection closes after the request, without a response. */
  public static Fault connectionReset() {
    return new Fault(Kind.CONNECTION_RESET, 0, Duration.ZERO);
  }

  /**
   * A wall-clock delay before the response headers; use it to test client timeouts.
   *
   * @throws IllegalArgumentException if {@code realDelay} is negative or zero
   */
  public static Fault stall(Duration realDelay) {
    Objects.requireNonNull(realDelay, "realDelay");
    if (realDelay.isNegative() || realDelay.isZero()) {
      throw new IllegalArgumentException("stall must be positive, got " + realDelay);
    }
    return new Fault(Kind.STALL, 200, realDelay);
  }

  /** The stream breaks after half its content with an in-band error event. */
  public static Fault midStreamError() {
    return new Fault(Kind.MID_STREAM_ERROR, 200, Duration.ZERO);
  }

  /** OpenRouter's upstream-provider 429 ("Provider returned error", {@code metadata.provider_name}, {@code raw}). */
  public static Fault upstreamRateLimit() {
    return new Fault(Kind.UPSTREAM_RATE_LIMIT, 429, Duration.ZERO);
  }

  /** OpenRouter's misleading 401 "User not found." */
  public static Fault userNotFound() {
    return new Fault(Kind.USER_NOT_FOUND, 401, Duration.ZERO);
  }

  /** A 200 whose JSON body lacks what the endpoint promises ({@code choices}, {@code data}). */
  public static Fault malformedBody() {
    return new Fault(Kind.MALFORMED_BODY, 200, Duration.ZERO);
  }

  /** The kind of fault. */
  public Kind kind() {
    return kind;
  }

  /** The HTTP status it produces (0 for a connection reset). */
  public int status() {
    return status;
  }

  /** The real delay of a {@link Kind#STALL}; zero otherwise. */
  public Duration stallDuration() {
    return stall;
  }

  @Override
  public String toString() {
    return kind == Kind.SERVER_ERROR ? "SERVER_ERROR(" + status + ")" : kind == Kind.STALL ? "STALL(" + stall + ")" : kind.name();
  }
}
