package io.llmrouter.core.state;

import java.time.Clock;
import java.util.ArrayDeque;

/**
 * One deployment's sliding 60-second request and token windows, with hard admission: a reservation is
 * taken before the call and refused when the window is full, so a deployment never receives more than
 * its declared rpm in any 60-second window.
 *
 * <p>The request window is an exact log of the last {@code rpm} admission times in a ring buffer (O(1)
 * per admission); the token window a queue of reservations whose amounts are corrected from actual
 * usage. One small lock per deployment: contention stays per deployment, never global.
 */
final class RateWindow {
  static final long WINDOW_MILLIS = 60_000;

  /** A token reservation; corrected once the real usage is known. */
  static final class TokenEntry extends Reservation.Granted {
    final long at;
    long tokens;

    TokenEntry(long at, long tokens) {
      this.at = at;
      this.tokens = tokens;
    }
  }

  private final int rpm;
  private final long tpm;
  private final long[] ring;
  private int head;
  private int count;
  private final ArrayDeque<TokenEntry> tokens;
  private long tokenSum;

  RateWindow(Integer rpm, Long tpm) {
    this.rpm = rpm == null ? 0 : rpm;
    this.tpm = tpm == null ? 0 : tpm;
    this.ring = this.rpm > 0 ? new long[this.rpm] : null;
    this.tokens = this.tpm > 0 ? new ArrayDeque<>() : null;
  }

  boolean unlimited() {
    return rpm == 0 && tpm == 0;
  }

  /**
   * Tries to reserve one request and {@code estTokens} tokens now. The time is read inside the lock so
   * the log stays ordered under concurrency.
   *
   * @return the grant (to correct later), or the refusal with the instant the refused window frees
   */
  synchronized Reservation tryReserve(Clock clock, long estTokens) {
    long now = clock.millis();
    if (rpm > 0 && count == rpm) {
      long oldest = ring[head];
      if (now - oldest < WINDOW_MILLIS) return new Reservation.Refused(Reservation.Limit.RPM, oldest + WINDOW_MILLIS);
    }
    if (tpm > 0) {
      evict(now);
      if (tokenSum + estTokens > tpm) return new Reservation.Refused(Reservation.Limit.TPM, tokenFreeAt(estTokens, now));
    }
    if (rpm > 0) {
      if (count == rpm) {
        ring[head] = now;
        head = (head + 1) % rpm;
      } else {
        ring[(head + count) % rpm] = now;
        count++;
      }
    }
    if (tpm > 0) {
      TokenEntry e = new TokenEntry(now, estTokens);
      tokens.addLast(e);
      tokenSum += estTokens;
      return e;
    }
    return Reservation.Granted.NO_TOKENS;
  }

  /** Replaces a reservation's estimate by the actual amount. */
  synchronized void correct(Reservation.Granted g, long actual) {
    if (!(g instanceof TokenEntry e) || actual < 0) return;
    // An entry already evicted from the window no longer counts; changing it would corrupt the sum.
    if (tokens.isEmpty() || tokens.peekFirst().at > e.at) return;
    tokenSum += actual - e.tokens;
    e.tokens = actual;
  }

  /** Epoch ms at which a request of {@code estTokens} would be admitted; {@code now} or earlier when now. */
  synchronized long availableAt(long now, long estTokens) {
    long at = now;
    if (rpm > 0 && count == rpm && now - ring[head] < WINDOW_MILLIS) at = ring[head] + WINDOW_MILLIS;
    if (tpm > 0) {
      evict(now);
      if (tokenSum + estTokens > tpm) at = Math.max(at, tokenFreeAt(estTokens, now));
    }
    return at;
  }

  /** Tokens reserved or used in the current window. */
  synchronized long tokensInWindow(long now) {
    if (tpm == 0) return 0;
    evict(now);
    return tokenSum;
  }

  /** Requests admitted in the current window (0 when no rpm is declared: nothing is logged). */
  synchronized long requestsInWindow(long now) {
    if (rpm == 0) return 0;
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (now - ring[(head + i) % rpm] < WINDOW_MILLIS) n++;
    }
    return n;
  }

  long tpmLimit() {
    return tpm;
  }

  private void evict(long now) {
    TokenEntry e;
    while ((e = tokens.peekFirst()) != null && now - e.at >= WINDOW_MILLIS) {
      tokens.pollFirst();
      tokenSum -= e.tokens;
    }
  }

  // When enough old reservations leave the window for estTokens to fit; Long.MAX_VALUE when it never will.
  private long tokenFreeAt(long estTokens, long now) {
    if (estTokens > tpm) return Long.MAX_VALUE;
    long sum = tokenSum;
    for (TokenEntry e : tokens) {
      sum -= e.tokens;
      if (sum + estTokens <= tpm) return e.at + WINDOW_MILLIS;
    }
    return now;
  }
}
