package io.llmrouter.core.state;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default {@link StateStore}: process memory only, lost on restart. Thread-safe and lock-free for
 * counters.
 *
 * <p>Daily counters are kept for the {@link #DAYS_KEPT} newest UTC days of each deployment (today and
 * yesterday: an attempt that began just before midnight may still count on the day it began); an older day
 * is dropped when a newer one starts, and a deployment whose newest day is past that horizon (it left the
 * configuration, or is no longer called) is dropped whole when the store first sees a later day. So memory
 * is bounded by the deployments in use, not by uptime.
 */
public class InMemoryStateStore implements StateStore {
  /** How many UTC days of counters are kept per deployment, the newest one included. */
  public static final int DAYS_KEPT = 2;

  /** A deployment's counter for one UTC day. */
  protected record DayKey(String deploymentId, LocalDate day) {}

  private final ConcurrentHashMap<String, CooldownRecord> cooldowns = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Days> daily = new ConcurrentHashMap<>();
  // The newest day any deployment counted, as an epoch day (Long.MIN_VALUE: none yet); guarded by sweeping.
  private long newestDay = Long.MIN_VALUE;
  private final Object sweeping = new Object();

  /** Creates an empty store. */
  public InMemoryStateStore() {}

  @Override
  public void putCooldown(String deploymentId, Instant until, String reason) {
    putCooldown(deploymentId, CooldownRecord.limit(until, reason));
  }

  @Override
  public void putCooldown(String deploymentId, CooldownRecord cooldown) {
    // The later deadline wins, with its cause: a shorter one never shortens a live cooldown.
    cooldowns.merge(deploymentId, cooldown, (a, b) -> a.until().isAfter(b.until()) ? a : b);
  }

  @Override
  public Map<String, CooldownRecord> cooldownRecords() {
    return Map.copyOf(cooldowns);
  }

  @Override
  public void clearCooldown(String deploymentId) {
    cooldowns.remove(deploymentId);
  }

  @Override
  public Map<String, Instant> cooldowns() {
    Map<String, Instant> out = new HashMap<>();
    cooldowns.forEach((id, c) -> out.put(id, c.until()));
    return Map.copyOf(out);
  }

  /**
   * {@inheritDoc} A day older than the {@link #DAYS_KEPT} newest of the deployment is not kept: the
   * increment is returned as the count ({@code delta}) and forgotten.
   */
  @Override
  public long incrementDaily(String deploymentId, LocalDate day, long delta) {
    Days d = daily.get(deploymentId);
    if (d != null) {
      // The usual case, allocation-free: the day is the deployment's newest (or the one before).
      AtomicLong c = d.find(day);
      if (c != null) return c.addAndGet(delta);
    }
    return addDay(deploymentId, day, delta, false);
  }

  @Override
  public long daily(String deploymentId, LocalDate day) {
    Days d = daily.get(deploymentId);
    AtomicLong c = d == null ? null : d.find(day);
    return c == null ? 0 : c.get();
  }

  /** The deployments that have a daily counter (tests, diagnostics). */
  int dailyDeployments() {
    return daily.size();
  }

  /** The number of daily counters kept, over every deployment (tests, diagnostics). */
  int dailyEntries() {
    int n = 0;
    for (Days d : daily.values()) n += d.entries.length;
    return n;
  }

  /** A snapshot of every daily counter, for persistence. */
  protected Map<DayKey, Long> dailySnapshot() {
    Map<DayKey, Long> out = new HashMap<>();
    daily.forEach((id, d) -> {
      for (Day e : d.entries) out.put(new DayKey(id, e.day), e.count.get());
    });
    return out;
  }

  /** Loads a counter value read from persistent storage (kept like a counted day: see {@link #DAYS_KEPT}). */
  protected void restoreDaily(String deploymentId, LocalDate day, long value) {
    addDay(deploymentId, day, value, true);
  }

  /** Loads a cooldown read from persistent storage. */
  protected void restoreCooldown(String deploymentId, Instant until) {
    restoreCooldown(deploymentId, CooldownRecord.limit(until, null));
  }

  /** Loads a cooldown, with its cause and fingerprint, read from persistent storage. */
  protected void restoreCooldown(String deploymentId, CooldownRecord cooldown) {
    cooldowns.put(deploymentId, cooldown);
  }

  @Override
  public void close() {}

  // A day the deployment has no counter for (its first, a new day, or a restore): the slow path.
  private long addDay(String deploymentId, LocalDate day, long value, boolean replace) {
    Days d = daily.computeIfAbsent(deploymentId, k -> new Days());
    long result;
    boolean newer;
    synchronized (d) {
      if (d.removed) return addDay(deploymentId, day, value, replace);
      AtomicLong c = d.find(day);
      if (c != null) {
        if (replace) {
          c.set(value);
          return value;
        }
        return c.addAndGet(value);
      }
      long epochDay = day.toEpochDay();
      long newest = d.entries.length == 0 ? Long.MIN_VALUE : d.entries[0].day.toEpochDay();
      if (newest != Long.MIN_VALUE && epochDay <= newest - DAYS_KEPT) return value; // past the horizon: not kept
      // Newest first, only the days within DAYS_KEPT of the newest (at most DAYS_KEPT + 1 to sort: a tiny array).
      long top = Math.max(newest, epochDay);
      Day[] all = java.util.Arrays.copyOf(d.entries, d.entries.length + 1);
      all[all.length - 1] = new Day(day, new AtomicLong(value));
      java.util.Arrays.sort(all, (a, b) -> Long.compare(b.day.toEpochDay(), a.day.toEpochDay()));
      int n = 0;
      while (n < all.length && n < DAYS_KEPT && all[n].day.toEpochDay() > top - DAYS_KEPT) n++;
      d.entries = java.util.Arrays.copyOf(all, n);
      newer = epochDay > newest;
      result = value;
    }
    if (newer) sweep(day.toEpochDay());
    return result;
  }

  // When a later day than any seen starts, drops the deployments whose newest day is past the horizon.
  private void sweep(long epochDay) {
    synchronized (sweeping) {
      if (epochDay <= newestDay) return;
      newestDay = epochDay;
    }
    for (Map.Entry<String, Days> e : daily.entrySet()) {
      Days d = e.getValue();
      synchronized (d) {
        Day[] es = d.entries;
        if (es.length > 0 && es[0].day.toEpochDay() <= epochDay - DAYS_KEPT) {
          d.removed = true;
          daily.remove(e.getKey(), d);
        }
      }
    }
  }

  private record Day(LocalDate day, AtomicLong count) {}

  // One deployment's days, newest first; replaced whole under its monitor, read without it.
  private static final class Days {
    volatile Day[] entries = new Day[0];
    // Set (under the monitor) when the sweep dropped this object from the map: a writer holding it starts over.
    boolean removed;

    AtomicLong find(LocalDate day) {
      for (Day e : entries) {
        if (e.day == day || e.day.equals(day)) return e.count;
      }
      return null;
    }
  }
}
