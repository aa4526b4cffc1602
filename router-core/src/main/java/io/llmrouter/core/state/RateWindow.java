package io.llmrouter.core.state;

import java.time.Clock;
import java.util.ArrayDeque;

/**
 * One deployment's sliding 60-second request and token windows, with hard admission: a reservation is
 * taken before the call and refused when the window is full, so a deployment never receives more than
 * its declared rpm in any 60-second window <em>as the provider counts it</em>.
 *
 * <p>The request window holds at most {@code rpm} live slots. A slot is taken at admission and counts from
 * then; once the call is {@linkplain #settle settled} (it ended, or its first content arrived) it counts from
 * the settle time instead, which is no earlier than the moment the request reached the provider. Counting
 * from the admission alone let the provider see more than rpm calls in 60 s when calls left late or
 * bunched up (a slot taken at 0 s whose call arrived at 1.4 s, and the 31st admitted at 60.0 s). Settling
 * moves a slot later, so slots are not in admission order: they live in a min-heap by the time they count
 * from (each grant knows its place in it), which makes admission, settling and eviction O(log rpm) and the
 * memory proportional to the slots alive in the window, not to the declared rpm. The token window is a
 * queue of reservations whose amounts are corrected from actual usage. One small lock per deployment:
 * contention stays per deployment, never global.
 */
final class RateWindow {
  static final long WINDOW_MILLIS = 60_000;

  /** A request slot of the rpm window, and the time it counts from (mutable, under the window's lock). */
  static class Slot extends Reservation.Granted {
    final long reservedAt;
    long countsFrom;
    int heapIndex = -1; // -1: not in the window (evicted, or a grant of a deployment without rpm)

    Slot(long reservedAt) {
      this.reservedAt = reservedAt;
      this.countsFrom = reservedAt;
    }
  }

  /** A token reservation (and, when an rpm is declared, its request slot); corrected once the real usage is known. */
  static final class TokenEntry extends Slot {
    final long at;
    long tokens;

    TokenEntry(long at, long tokens) {
      super(at);
      this.at = at;
      this.tokens = tokens;
    }
  }

  private final int rpm;
  private final long tpm;
  private Slot[] heap; // the live slots, a binary min-heap on countsFrom; grows on demand up to rpm
  private int live;
  private final ArrayDeque<TokenEntry> tokens;
  private long tokenSum;

  RateWindow(Integer rpm, Long tpm) {
    this.rpm = rpm == null ? 0 : rpm;
    this.tpm = tpm == null ? 0 : tpm;
    this.heap = this.rpm > 0 ? new Slot[Math.min(this.rpm, 16)] : null;
    this.tokens = this.tpm > 0 ? new ArrayDeque<>() : null;
  }

  boolean unlimited() {
    return rpm == 0 && tpm == 0;
  }

  /**
   * Tries to reserve one request and {@code estTokens} tokens now. The time is read inside the lock so
   * the windows stay consistent under concurrency.
   *
   * @return the grant (to settle and correct later), or the refusal with the instant the refused window frees
   */
  synchronized Reservation tryReserve(Clock clock, long estTokens) {
    long now = clock.millis();
    if (rpm > 0) {
      evictSlots(now);
      if (live >= rpm) return new Reservation.Refused(Reservation.Limit.RPM, heap[0].countsFrom + WINDOW_MILLIS);
    }
    if (tpm > 0) {
      evict(now);
      if (tokenSum + estTokens > tpm) return new Reservation.Refused(Reservation.Limit.TPM, tokenFreeAt(estTokens, now));
    }
    Slot grant;
    if (tpm > 0) {
      TokenEntry e = new TokenEntry(now, estTokens);
      tokens.addLast(e);
      tokenSum += estTokens;
      grant = e;
    } else if (rpm > 0) {
      grant = new Slot(now);
    } else {
      return Reservation.Granted.NO_TOKENS;
    }
    if (rpm > 0) push(grant);
    return grant;
  }

  /**
   * The call of {@code g} has ended, or at least reached the provider, by {@code at}: its request slot
   * counts from then, never earlier than its admission. A grant no longer in the window (older than it)
   * or that belongs to no slot is ignored.
   */
  synchronized void settle(Reservation.Granted g, long at) {
    if (rpm == 0 || !(g instanceof Slot s) || s.heapIndex < 0 || heap[s.heapIndex] != s) return;
    if (at <= s.countsFrom) return;
    s.countsFrom = at;
    siftDown(s.heapIndex);
  }

  // Drops the slots whose minute has passed.
  private void evictSlots(long now) {
    while (live > 0 && now - heap[0].countsFrom >= WINDOW_MILLIS) {
      Slot gone = heap[0];
      gone.heapIndex = -1;
      live--;
      if (live > 0) {
        heap[0] = heap[live];
        heap[0].heapIndex = 0;
        heap[live] = null;
        siftDown(0);
      } else {
        heap[0] = null;
      }
    }
  }

  private void push(Slot s) {
    if (live == heap.length) heap = java.util.Arrays.copyOf(heap, (int) Math.min(rpm, Math.max(16L, heap.length * 2L)));
    int i = live++;
    heap[i] = s;
    s.heapIndex = i;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent].countsFrom <= heap[i].countsFrom) break;
      swap(i, parent);
      i = parent;
    }
  }

  private void siftDown(int i) {
    while (true) {
      int l = 2 * i + 1;
      if (l >= live) return;
      int r = l + 1;
      int least = r < live && heap[r].countsFrom < heap[l].countsFrom ? r : l;
      if (heap[i].countsFrom <= heap[least].countsFrom) return;
      swap(i, least);
      i = least;
    }
  }

  private void swap(int a, int b) {
    Slot x = heap[a];
    heap[a] = heap[b];
    heap[b] = x;
    heap[a].heapIndex = a;
    heap[b].heapIndex = b;
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
    if (rpm > 0) {
      evictSlots(now);
      if (live >= rpm) at = heap[0].countsFrom + WINDOW_MILLIS;
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
    evictSlots(now);
    return live;
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
