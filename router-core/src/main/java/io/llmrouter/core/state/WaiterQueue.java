package io.llmrouter.core.state;

import java.util.ArrayList;
import java.util.List;

/**
 * The requests parked at one deployment, first come first served: each commits one request and its tokens
 * for its wake-up instant ({@link Entry}). A request that parks again after a wake-up that did not fit keeps
 * its place. An entry lapses at its request's deadline. The empty queue costs one volatile read, so a
 * deployment without waiters pays nothing more on the request path. Thread-safe.
 */
final class WaiterQueue {
  /** One parked request's place. */
  static final class Entry implements Hold {
    private final WaiterQueue queue;
    final long seq;
    // guarded by the queue
    long wakeAt;
    long expiresAt;
    long estTokens;
    boolean released;

    private Entry(WaiterQueue queue, long seq) {
      this.queue = queue;
      this.seq = seq;
    }

    @Override
    public void release() {
      queue.remove(this);
    }
  }

  /**
   * A snapshot of one entry's commitment, as {@link #ahead} returns it.
   *
   * @param wakeAt epoch ms of the wake-up its request slot and tokens are committed for
   */
  record Commit(long wakeAt, long estTokens) {}

  // in parking order: a request that parks again keeps its place
  private final ArrayList<Entry> entries = new ArrayList<>(4);
  private volatile int size;
  private long nextSeq;

  /** True when nobody waits here: the request path's only cost. */
  boolean isEmpty() {
    return size == 0;
  }

  /** Parks a request, or parks it again keeping its place when {@code previous} is its live entry here. */
  synchronized Entry park(long wakeAt, long expiresAt, long estTokens, Hold previous) {
    Entry e;
    if (previous instanceof Entry p && p.queue == this && !p.released) {
      e = p;
    } else {
      e = new Entry(this, nextSeq++);
      entries.add(e);
      size = entries.size();
    }
    e.wakeAt = wakeAt;
    e.expiresAt = expiresAt;
    e.estTokens = estTokens;
    return e;
  }

  synchronized void remove(Entry e) {
    if (e.released) return;
    e.released = true;
    entries.remove(e);
    size = entries.size();
  }

  /**
   * The live commitments parked before {@code own} (every one for a request without a place here), by
   * wake-up instant; lapsed entries are dropped first.
   */
  synchronized List<Commit> ahead(long now, Hold own) {
    entries.removeIf(e -> {
      if (e.expiresAt > now) return false;
      e.released = true;
      return true;
    });
    size = entries.size();
    long before = own instanceof Entry o && o.queue == this && !o.released ? o.seq : Long.MAX_VALUE;
    List<Commit> out = new ArrayList<>(entries.size());
    for (Entry e : entries) if (e.seq < before) out.add(new Commit(e.wakeAt, e.estTokens));
    out.sort((a, b) -> Long.compare(a.wakeAt, b.wakeAt));
    return out;
  }

  /** Requests parked here now (tests, diagnostics). */
  int size() {
    return size;
  }
}
