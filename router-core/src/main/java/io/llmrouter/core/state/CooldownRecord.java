package io.llmrouter.core.state;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored cooldown: its deadline, why it started and, for a cause a configuration change can fix, a
 * fingerprint of what was wrong, so a restart after the fix does not keep the deployment cooled.
 *
 * @param until the absolute deadline
 * @param reason short text (an error's type and first line; never a key), or null
 * @param cause what kind of failure started it
 * @param fingerprint for {@link Cause#AUTHENTICATION} a salted, truncated SHA-256 of the key that was
 *     refused (never the key); for {@link Cause#MODEL_NOT_FOUND} one of the deployment's definition; else null
 */
public record CooldownRecord(Instant until, String reason, Cause cause, String fingerprint) {

  /** Why a deployment cooled, as far as ending the cooldown early is concerned. */
  public enum Cause {
    /** A rate limit, quota or transient failure: only time (or a probe) ends it. */
    LIMIT,
    /** The provider refused the key: a different key ends it. */
    AUTHENTICATION,
    /** The provider does not know the model: a changed deployment definition ends it. */
    MODEL_NOT_FOUND
  }

  public CooldownRecord {
    Objects.requireNonNull(until, "until");
    cause = cause == null ? Cause.LIMIT : cause;
  }

  /** A cooldown that only time ends. */
  public static CooldownRecord limit(Instant until, String reason) {
    return new CooldownRecord(until, reason, Cause.LIMIT, null);
  }
}
