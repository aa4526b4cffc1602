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
 */
public class InMemoryStateStore implements StateStore {
  /** A deployment's counter for one UTC day. */
  protected record DayKey(String deploymentId, LocalDate day) {}

  private final ConcurrentHashMap<String, CooldownRecord> cooldowns = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<DayKey, AtomicLong> daily = new ConcurrentHashMap<>();

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

  @Override
  public long incrementDaily(String deploymentId, LocalDate day, long delta) {
    return daily.computeIfAbsent(new DayKey(deploymentId, day), k -> new AtomicLong()).addAndGet(delta);
  }

  @Override
  public long daily(String deploymentId, LocalDate day) {
    AtomicLong v = daily.get(new DayKey(deploymentId, day));
    return v == null ? 0 : v.get();
  }

  /** A snapshot of every daily counter, for persistence. */
  protected Map<DayKey, Long> dailySnapshot() {
    Map<DayKey, Long> out = new HashMap<>();
    daily.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  /** Loads a counter value read from persistent storage. */
  protected void restoreDaily(String deploymentId, LocalDate day, long value) {
    daily.put(new DayKey(deploymentId, day), new AtomicLong(value));
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
}
