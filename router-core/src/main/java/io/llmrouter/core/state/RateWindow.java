package io.llmrouter.core.state;

import java.time.Clock;
import java.util.ArrayDeque;

/**
 * One deployment's sliding 60-second request and token windows, with hard admission: a reservation is
 * taken before the call and refused when the window is full, so a deployment never receives more than
 * its declared rpm in any 60-second window <em>as the provider counts it</em>.
 *
 * <p>The request window holds {@code rpm} slots. A slot is taken at admission and counts from then; once
 * the call is {@linkplain #settle settled} (it ended, or its first content arrived) it counts from the
 * settle time instead, which is no earlier than the moment the request reached the provider. Counting
 * from the admission alone let the provider see more than rpm calls in 60 s when calls left late or
 * bunched up (a slot taken at 0 s whose call arrived at 1.4 s, and the 31st admitted at 60.0 s). Admission
 * scans the slots for the oldest (O(rpm), a few dozen entries for free tiers). The token window is a queue of
 * reservations whose amounts are corrected from actual usage. One small lock per deployment: contention
 * stays per deployment, never global.
 */
final class RateWindow {
  static final long WINDOW_MILLIS = 60_000;

  /** A request slot of the rpm window ({@code index} -1 for a deployment without one) and when it was taken. */
  static class Slot extends Reservation.Granted {
    final int index;
    final long reservedAt;

    Slot(int index, long reservedAt) {
      this.index = index;
      this.reservedAt = reservedAt;
    }
  }

  /** A token reservation; corrected once the real usage is known. */
  static final class TokenEntry extends Slot {
    final long at;
    long tokens;

    TokenEntry(int slot, long at, long tokens) {
      super(slot, at);
      this.at = at;
      this.tokens = tokens;
    }
  }

  private final int rpm;
  private final long tpm;
  private final long[] ring;
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
    int slot = -1;
    if (rpm > 0) {
      if (count < rpm) {
        slot = count;
      } else {
        slot = oldest();
        long t = ring[slot];
        if (now - t < WINDOW_MILLIS) return new Reservation.Refused(Reservation.Limit.RPM, t + WINDOW_MILLIS);
      }
    }
    if (tpm > 0) {
      evict(now);
      if (tokenSum + estTokens > tpm) return new Reservation.Refused(Reservation.Limit.TPM, tokenFreeAt(estTokens, now));
    }
    if (rpm > 0) {
      ring[slot] = now;
      if (slot == count) count++;
    }
    if (tpm > 0) {
      TokenEntry e = new TokenEntry(slot, now, estTokens);
      tokens.addLast(e);
      tokenSum += estTokens;
      return e;
    }
    return rpm > 0 ? new Slot(slot, now) : Reservation.Granted.NO_TOKENS;
  }

  /**
   * The call of {@code g} has ended, or at least reached the provider, by {@code at}: its request slot
   * counts from then, never earlier than its admission. A grant whose slot has since been reused (it is
   * older than the window) or that belongs to no slot is ignored.
   */
  synchronized void settle(Reservation.Granted g, long at) {
    if (rpm == 0 || !(g instanceof Slot s) || s.index < 0 || s.index >= count) return;
    long t = ring[s.index];
    if (t >= s.reservedAt && at > t && t - s.reservedAt < WINDOW_MILLIS) ring[s.index] = at;
  }

  /** The index of the oldest slot. */
  private int oldest() {
    int best = 0;
    for (int i = 1; i < count; i++) {
      if (ring[i] < ring[best]) best = i;
    }
    return best;
  }

  /** Replaces a reservation's estimate by the actual amount. */
  synchronized void correct(Reservation.Granted g, long actual) {
    if (!(g instanceof TokenEntry e) || actual < 0 || tokens == null) return;
    // An entry already evicted from the window no longer counts; changing it would corrupt the sum.
    if (tokens.isEmpty() || tokens.peekFirst().at > e.at) return;
    tokenSum += actual - e.tokens;
    e.tokens = actual;
  }

  /** Epoch ms at which a request of {@code estTokens} would be admitted; {@code now} or earlier when now. */
  synchronized long availableAt(long now, long estTokens) {
    long at = now;
    if (rpm > 0 && count == rpm) {
      long t = ring[oldest()];
      if (now - t < WINDOW_MILLIS) at = t + WINDOW_MILLIS;
    }
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
      if (now - ring[i] < WINDOW_MILLIS) n++; // slots are not in time order: count every live one
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
