package io.llmrouter.core.state;

import java.time.Clock;

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
 *
 * <p>Both windows keep their times and amounts in primitive arrays (the heap's keys beside its slots, the
 * token queue as a ring of times and amounts that each grant finds by its sequence number), so admission
 * compares and evicts without visiting the grant objects, which are spread over the heap among each
 * request's garbage: that pointer chasing was about a third of a routed call in RouterOverheadBenchmark.
 */
final class RateWindow {
  static final long WINDOW_MILLIS = 60_000;

  /** A request slot of the rpm window (its time lives in the window's key array, under the window's lock). */
  static class Slot extends Reservation.Granted {
    int heapIndex = -1; // -1: not in the window (evicted, or a grant of a deployment without rpm)
  }

  /** A token reservation (and, when an rpm is declared, its request slot); corrected once the real usage is known. */
  static final class TokenEntry extends Slot {
    final long seq; // its place in the token ring: entries are numbered in admission order

    TokenEntry(long seq) {
      this.seq = seq;
    }
  }

  private final int rpm;
  private final long tpm;
  // The live slots, a binary min-heap on the time each counts from (keys[i] is heap[i]'s); grows up to rpm.
  private Slot[] heap;
  private long[] keys;
  private int live;
  // The token window: a ring of reservations in admission order, oldest at head.
  private long[] tokenAt;
  private long[] tokenAmount;
  private int tokenHead;
  private int tokenCount;
  private long headSeq; // the sequence number of the entry at tokenHead
  private long tokenSum;

  RateWindow(Integer rpm, Long tpm) {
    this.rpm = rpm == null ? 0 : rpm;
    this.tpm = tpm == null ? 0 : tpm;
    if (this.rpm > 0) {
      heap = new Slot[Math.min(this.rpm, 16)];
      keys = new long[heap.length];
    }
    if (this.tpm > 0) {
      tokenAt = new long[16];
      tokenAmount = new long[16];
    }
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
      if (live >= rpm) return new Reservation.Refused(Reservation.Limit.RPM, keys[0] + WINDOW_MILLIS);
    }
    if (tpm > 0) {
      evict(now);
      if (tokenSum + estTokens > tpm) return new Reservation.Refused(Reservation.Limit.TPM, tokenFreeAt(estTokens, now));
    }
    Slot grant;
    if (tpm > 0) {
      grant = new TokenEntry(addTokens(now, estTokens));
    } else if (rpm > 0) {
      grant = new Slot();
    } else {
      return Reservation.Granted.NO_TOKENS;
    }
    if (rpm > 0) push(grant, now);
    return grant;
  }

  /**
   * The call of {@code g} has ended, or at least reached the provider, by {@code at}: its request slot
   * counts from then, never earlier than its admission. A grant no longer in the window (older than it)
   * or that belongs to no slot is ignored.
   */
  synchronized void settle(Reservation.Granted g, long at) {
    if (rpm == 0 || !(g instanceof Slot s) || s.heapIndex < 0 || heap[s.heapIndex] != s) return;
    int i = s.heapIndex;
    if (at <= keys[i]) return;
    keys[i] = at;
    siftDown(i);
  }

  // Drops the slots whose minute has passed.
  private void evictSlots(long now) {
    while (live > 0 && now - keys[0] >= WINDOW_MILLIS) {
      heap[0].heapIndex = -1;
      live--;
      if (live > 0) {
        heap[0] = heap[live];
        keys[0] = keys[live];
        heap[0].heapIndex = 0;
        heap[live] = null;
        siftDown(0);
      } else {
        heap[0] = null;
      }
    }
  }

  private void push(Slot s, long key) {
    if (live == heap.length) {
      int n = (int) Math.min(rpm, Math.max(16L, heap.length * 2L));
      heap = java.util.Arrays.copyOf(heap, n);
      keys = java.util.Arrays.copyOf(keys, n);
    }
    int i = live++;
    // Sift up by moving parents down into the hole, then place s once.
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (keys[parent] <= key) break;
      heap[i] = heap[parent];
      keys[i] = keys[parent];
      heap[i].heapIndex = i;
      i = parent;
    }
    heap[i] = s;
    keys[i] = key;
    s.heapIndex = i;
  }

  private void siftDown(int i) {
    Slot s = heap[i];
    long key = keys[i];
    while (true) {
      int l = 2 * i + 1;
      if (l >= live) break;
      int r = l + 1;
      int least = r < live && keys[r] < keys[l] ? r : l;
      if (key <= keys[least]) break;
      heap[i] = heap[least];
      keys[i] = keys[least];
      heap[i].heapIndex = i;
      i = least;
    }
    heap[i] = s;
    keys[i] = key;
    s.heapIndex = i;
  }

  // The token ring's times and amounts, oldest first, into the first tokenCount places of {@code at} and {@code amount}.
  private void copyTokens(long[] at, long[] amount) {
    for (int k = 0; k < tokenCount; k++) {
      int from = (tokenHead + k) & (tokenAt.length - 1);
      at[k] = tokenAt[from];
      amount[k] = tokenAmount[from];
    }
  }

  // Appends a reservation to the token ring and returns its sequence number.
  private long addTokens(long at, long amount) {
    if (tokenCount == tokenAt.length) {
      int n = tokenAt.length * 2;
      long[] a = new long[n];
      long[] m = new long[n];
      copyTokens(a, m);
      tokenAt = a;
      tokenAmount = m;
      tokenHead = 0;
    }
    int slot = (tokenHead + tokenCount) & (tokenAt.length - 1);
    tokenAt[slot] = at;
    tokenAmount[slot] = amount;
    tokenCount++;
    tokenSum += amount;
    return headSeq + tokenCount - 1;
  }

  /** Replaces a reservation's estimate by the actual amount. */
  synchronized void correct(Reservation.Granted g, long actual) {
    if (!(g instanceof TokenEntry e) || actual < 0 || tpm == 0) return;
    // An entry already evicted from the window no longer counts; changing it would corrupt the sum.
    long offset = e.seq - headSeq;
    if (offset < 0 || offset >= tokenCount) return;
    int slot = (int) ((tokenHead + offset) & (tokenAt.length - 1));
    tokenSum += actual - tokenAmount[slot];
    tokenAmount[slot] = actual;
  }

  /** Epoch ms at which a request of {@code estTokens} would be admitted; {@code now} or earlier when now. */
  synchronized long availableAt(long now, long estTokens) {
    long at = now;
    if (rpm > 0) {
      evictSlots(now);
      if (live >= rpm) at = keys[0] + WINDOW_MILLIS;
    }
    if (tpm > 0) {
      evict(now);
      if (tokenSum + estTokens > tpm) at = Math.max(at, tokenFreeAt(estTokens, now));
    }
    return at;
  }

  /**
   * Whether a request of {@code estTokens} admitted now leaves the requests parked before it ({@code ahead},
   * by wake-up) the request slot and tokens each committed, in both windows, at its wake-up (counted from
   * then, or from now when it is due). A soft rule on top of {@link #tryReserve}, which stays the only hard one.
   *
   * @return null when it does; else the window that lacks room and the earliest instant the request fits
   *     with them (counting each from its wake-up), {@link Long#MAX_VALUE} when it never will
   */
  synchronized Reservation.Refused queued(long now, long estTokens, java.util.List<WaiterQueue.Commit> ahead) {
    int n = ahead.size();
    if (n == 0 || unlimited()) return null;
    long[] wake = new long[n];
    long[] est = new long[n];
    long[] one = new long[n];
    for (int k = 0; k < n; k++) {
      WaiterQueue.Commit c = ahead.get(k);
      wake[k] = Math.max(now, c.wakeAt());
      est[k] = c.estTokens();
      one[k] = 1;
    }
    long rpmAt = now;
    long tpmAt = now;
    if (rpm > 0) {
      evictSlots(now);
      long[] t = java.util.Arrays.copyOf(keys, live);
      long[] a = new long[live];
      java.util.Arrays.fill(a, 1);
      rpmAt = fit(now, t, a, rpm, 1, wake, one);
    }
    if (tpm > 0) {
      evict(now);
      long[] t = new long[tokenCount];
      long[] a = new long[tokenCount];
      copyTokens(t, a);
      tpmAt = fit(now, t, a, tpm, estTokens, wake, est);
    }
    if (rpmAt <= now && tpmAt <= now) return null;
    return rpmAt >= tpmAt ? new Reservation.Refused(Reservation.Limit.RPM, rpmAt) : new Reservation.Refused(Reservation.Limit.TPM, tpmAt);
  }

  /**
   * The exact search's budget in window-entry visits. It visits about (entries + 2 waiters) x (waiters + 1) x
   * (entries + waiters): nothing for the small windows of the free tiers (30 rpm and a few waiters: about 10^4),
   * but seconds under this window's lock for a full 10,000-rpm window with 100 waiters. Past the budget the
   * conservative answer is used.
   */
  static final long EXACT_BUDGET = 1_000_000;

  // The exact earliest fit where affordable, else the conservative one (never earlier than the exact).
  static long fit(long now, long[] t, long[] a, long limit, long x, long[] wake, long[] amt) {
    long visits = (long) (t.length + 2 * wake.length) * (wake.length + 1) * (t.length + wake.length);
    return visits <= EXACT_BUDGET ? earliestFit(now, t, a, limit, x, wake, amt) : conservativeFit(now, t, a, limit, x, wake, amt);
  }

  /**
   * The earliest instant at which x fits with every waiter's commitment counted as present from now until the
   * last of them has left: O(entries log entries). Not earlier than {@link #earliestFit}: at that instant the
   * window holds no more than its entries then plus every waiter, and no more at any later wake-up.
   */
  static long conservativeFit(long now, long[] t, long[] a, long limit, long x, long[] wake, long[] amt) {
    if (x > limit) return Long.MAX_VALUE;
    long committed = 0;
    long lastWake = now;
    for (int k = 0; k < wake.length; k++) {
      committed += amt[k];
      lastWake = Math.max(lastWake, wake[k]);
    }
    long room = limit - committed - x;
    // More committed than the window holds: only once every waiter has come and gone (the entries of now have
    // left by then too).
    if (room < 0) return Math.max(now + 1, lastWake + WINDOW_MILLIS);
    Integer[] order = new Integer[t.length];
    long held = 0;
    int n = 0;
    for (int i = 0; i < t.length; i++) {
      if (now - t[i] >= WINDOW_MILLIS) continue;
      held += a[i];
      order[n++] = i;
    }
    if (held <= room) return now;
    java.util.Arrays.sort(order, 0, n, (i, j) -> Long.compare(t[i], t[j]));
    // Entries leave in the order they came: the request fits once enough of them have.
    for (int k = 0; k < n; k++) {
      held -= a[order[k]];
      if (held <= room) return t[order[k]] + WINDOW_MILLIS;
    }
    return now + WINDOW_MILLIS;
  }

  // The earliest instant from now at which x more fits a window of (t[i], a[i]) entries with the waiters' (wake[k], amt[k]).
  static long earliestFit(long now, long[] t, long[] a, long limit, long x, long[] wake, long[] amt) {
    if (x > limit) return Long.MAX_VALUE;
    if (fitsAt(now, t, a, limit, x, wake, amt)) return now;
    long[] cand = new long[t.length + 2 * wake.length];
    int c = 0;
    for (long ti : t) cand[c++] = ti + WINDOW_MILLIS;
    for (long w : wake) {
      cand[c++] = w;
      cand[c++] = w + WINDOW_MILLIS;
    }
    java.util.Arrays.sort(cand);
    for (long at : cand) if (at > now && fitsAt(at, t, a, limit, x, wake, amt)) return at;
    // Once every entry and waiter has left the window the request fits alone.
    return Math.max(now + 1, cand[cand.length - 1]);
  }

  // True when x admitted at T fits, and leaves every waiter due after T its room at its wake-up.
  static boolean fitsAt(long T, long[] t, long[] a, long limit, long x, long[] wake, long[] amt) {
    if (usage(T, t, a, wake, amt) + x > limit) return false;
    for (int k = 0; k < wake.length; k++) {
      if (wake[k] <= T) continue;
      long u = usage(wake[k], t, a, wake, amt) + (wake[k] - T < WINDOW_MILLIS ? x : 0);
      if (u > limit) return false;
    }
    return true;
  }

  // What the window holds at {@code at}: entries not yet left, and the waiters counted from their wake-ups.
  private static long usage(long at, long[] t, long[] a, long[] wake, long[] amt) {
    long u = 0;
    for (int i = 0; i < t.length; i++) if (at - t[i] < WINDOW_MILLIS) u += a[i];
    for (int k = 0; k < wake.length; k++) if (wake[k] <= at && at - wake[k] < WINDOW_MILLIS) u += amt[k];
    return u;
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
    int mask = tokenAt.length - 1;
    while (tokenCount > 0 && now - tokenAt[tokenHead] >= WINDOW_MILLIS) {
      tokenSum -= tokenAmount[tokenHead];
      tokenHead = (tokenHead + 1) & mask;
      tokenCount--;
      headSeq++;
    }
  }

  // When enough old reservations leave the window for estTokens to fit; Long.MAX_VALUE when it never will.
  private long tokenFreeAt(long estTokens, long now) {
    if (estTokens > tpm) return Long.MAX_VALUE;
    long sum = tokenSum;
    int mask = tokenAt.length - 1;
    for (int k = 0; k < tokenCount; k++) {
      int slot = (tokenHead + k) & mask;
      sum -= tokenAmount[slot];
      if (sum + estTokens <= tpm) return tokenAt[slot] + WINDOW_MILLIS;
    }
    return now;
  }
}
