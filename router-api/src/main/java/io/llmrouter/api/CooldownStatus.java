package io.llmrouter.api;

import java.time.Instant;
import java.util.Objects;

/**
 * A deployment that cannot be called now, until when and why (see {@link Router#cooldowns()}).
 *
 * @param modelGroup the {@code model_name} it serves
 * @param deploymentId its id ({@code model_info.id} or the derived one)
 * @param model the provider's model id
 * @param kind whether the router cooled it or the provider said its quota is spent
 * @param until when it may be called again (a cooldown then lets one probe through first)
 * @param reason why, as short text (an error's type and first line; never a key); null when unknown
 */
public record CooldownStatus(String modelGroup, String deploymentId, String model, Kind kind, Instant until, String reason) {

  /** What keeps the deployment out of rotation. */
  public enum Kind {
    /** The router's cooldown after failures (rate limits, errors, a refused key or an unknown model). */
    COOLING,
    /** The provider's own headers said nothing is left until a reset ({@code remaining: 0}). */
    QUOTA
  }

  public CooldownStatus {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(until, "until");
  }
}
