package io.llmrouter.catalog;

import java.util.Objects;

/**
 * The result of probing one model: with a one-token completion, or one embedding for an embedding
 * deployment ({@link ModelProber.Target}). Immutable.
 *
 * @param provider the provider prefix
 * @param modelId the provider's model id (no prefix)
 * @param kind working, permanent failure (cached) or transient failure (not cached)
 * @param status the HTTP status of the failure, 0 when none (success, timeout, network error)
 * @param reason a short, secret-free reason ({@code ok}, {@code 404: model not found}, ...)
 * @param contextWindow the listing's context window, or null
 */
public record ProbeOutcome(String provider, String modelId, Kind kind, int status, String reason, Integer contextWindow) {

  /** How a probe ended. */
  public enum Kind {
    /** The model answered. */
    WORKING,
    /** The model is gone or not for this account (404, 403, 422, or a body that says so): cached. */
    PERMANENT,
    /** Worth trying again later (429, 5xx, timeout, network, OpenRouter's disguised 401): never cached. */
    TRANSIENT
  }

  public ProbeOutcome {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(kind, "kind");
    reason = reason == null ? "" : reason;
  }
}
