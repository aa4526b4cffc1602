package io.llmrouter.core.state;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * Router state that must outlive a restart: cooldown deadlines (absolute instants, so a restart keeps the
 * true remaining time, with their cause and a non-reversible fingerprint of the key or definition at fault,
 * so a fixed key or model id ends them) and per-deployment daily request counters (UTC days).
 *
 * <p>Implementations are thread-safe. They are called on the request path, so they must be fast: a
 * persistent implementation writes behind (see {@link JsonFileStateStore}). Cooldown writes must keep the
 * later of two deadlines, never shorten a live one.
 */
public interface StateStore extends AutoCloseable {

  /**
   * Records that {@code deploymentId} cools until {@code until}. When a later deadline is already
   * stored it is kept (a shorter one never shortens a live cooldown).
   *
   * @param reason short text (an error's type and first line; never a key)
   */
  void putCooldown(String deploymentId, Instant until, String reason);

  /**
   * Records a cooldown with its cause and fingerprint (see {@link CooldownRecord}), keeping the later of
   * two deadlines like {@link #putCooldown(String, Instant, String)}. The default stores the deadline and
   * reason only, so a store that predates causes keeps working (its auth cooldowns then end by time alone).
   */
  default void putCooldown(String deploymentId, CooldownRecord cooldown) {
    putCooldown(deploymentId, cooldown.until(), cooldown.reason());
  }

  /**
   * Every stored cooldown with what is known of it, by deployment id; expired ones may still be present.
   * The default reports {@link #cooldowns()} as {@link CooldownRecord.Cause#LIMIT} without a reason.
   */
  default Map<String, CooldownRecord> cooldownRecords() {
    Map<String, CooldownRecord> out = new java.util.HashMap<>();
    cooldowns().forEach((id, until) -> out.put(id, CooldownRecord.limit(until, null)));
    return out;
  }

  /** Forgets the cooldown of {@code deploymentId} (its half-open probe succeeded, or it was cleared). */
  void clearCooldown(String deploymentId);

  /** Every stored cooldown deadline, by deployment id; expired ones may still be present. */
  Map<String, Instant> cooldowns();

  /** Adds {@code delta} to the counter of {@code deploymentId} for {@code day} and returns the new value. */
  long incrementDaily(String deploymentId, LocalDate day, long delta);

  /** The counter of {@code deploymentId} for {@code day}, 0 when none. */
  long daily(String deploymentId, LocalDate day);

  /** Writes pending state (if any) and releases resources. Idempotent. */
  @Override
  void close();
}
