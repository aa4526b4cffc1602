package io.llmrouter.api;

import java.time.Instant;

/**
 * Observes the router's decisions. Every method has a no-op default. Listeners are called synchronously
 * on the request's thread: they must be fast and must not throw (a throwing listener is logged and
 * ignored). Logging and metrics are listeners, not code woven through the engine.
 */
public interface RouterListener {
  /** A call to a deployment starts. */
  default void onAttemptStart(String modelGroup, String deploymentId) {}

  /** A call to a deployment ended, successfully or not. */
  default void onAttemptEnd(Attempt attempt) {}

  /** The router will retry {@code modelGroup}; {@code delayMillis} is the wait before the next attempt. */
  default void onRetry(String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {}

  /** The router moves from one model group to a fallback group. */
  default void onFallback(String fromGroup, String toGroup, String kind, LlmRouterException cause) {}

  /** A deployment was skipped without being called. */
  default void onAdmissionSkip(String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why, Instant until) {}

  /** A deployment starts cooling until {@code until}. */
  default void onCooldownStart(String deploymentId, Instant until, String reason) {}

  /** A deployment's cooldown ended (its half-open probe succeeded). */
  default void onCooldownEnd(String deploymentId) {}

  /** A deployment's health changed; {@code error} is null when it became healthy. */
  default void onHealthChange(String deploymentId, boolean healthy, String error) {}
}
