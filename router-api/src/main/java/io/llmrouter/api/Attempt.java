package io.llmrouter.api;

import java.time.Duration;
import java.time.Instant;

/**
 * One step the router took for a request: a call to a deployment, or a deployment it skipped.
 *
 * @param modelGroup the model group being served
 * @param deploymentId the deployment's id
 * @param providerModel the provider's model id (without the prefix)
 * @param outcome what happened
 * @param status the HTTP status, or 0 when there was no response
 * @param error the failure's type and first line (never a key), or null on success
 * @param startedAt when the attempt started
 * @param duration how long it took
 */
public record Attempt(
    String modelGroup,
    String deploymentId,
    String providerModel,
    Outcome outcome,
    int status,
    String error,
    Instant startedAt,
    Duration duration) {

  /** How an attempt ended. */
  public enum Outcome {
    /** The deployment answered and its answer was returned. */
    SUCCESS,
    /** The call failed with an error that allows a retry or a fallback. */
    FAILED,
    /** The call failed with an error that ends the request. */
    FAILED_FATAL,
    /** The call was not made: cooling, over rpm/tpm, quota 0, unhealthy, or a mock_testing field. */
    SKIPPED
  }
}
