package io.llmrouter.api;

import java.time.Instant;

/**
 * Observes the router's decisions. Every method has a no-op default. Listeners are called synchronously
 * on the request's thread (a stream's end on the thread that reads or closes it): they must be fast and
 * must not throw (a throwing listener is logged and ignored). Logging and metrics are listeners, not code
 * woven through the engine.
 *
 * <p>Request-scoped events carry the {@link RequestHandle} of their request. Per request the order is:
 * {@code onRequestStart}, then any number of {@code onAdmissionSkip}, {@code onAttemptStart}/{@code
 * onAttemptEnd}, {@code onRetry} and {@code onFallback}, then exactly one {@code onRequestEnd} — also
 * when the request is refused before any attempt (no deployment admissible, a mock_testing field). A
 * request refused before it was accepted (null request, unknown model, invalid fields, router closed)
 * raises no event. Deployment-scoped events (cooldowns, health) carry no request.
 */
public interface RouterListener {
  /** The router accepted a request. */
  default void onRequestStart(RequestHandle request) {}

  /** The request ended: served, or failed with the exception the caller receives. Called once per request. */
  default void onRequestEnd(RequestHandle request, RequestEnd end) {}

  /**
   * A stream was handed to the caller: its first content chunk arrived from {@code route}'s deployment.
   * Called once per stream that opened (never for {@code chat}), before the stream's {@code onRequestEnd}.
   *
   * @param timeToFirstToken from the request's acceptance to that chunk (the router's clock), retries and
   *     fallbacks included: what the caller waited
   */
  default void onStreamOpen(RequestHandle request, Route route, java.time.Duration timeToFirstToken) {}

  /** A call to a deployment starts. */
  default void onAttemptStart(RequestHandle request, String modelGroup, String deploymentId) {}

  /** A call to a deployment ended, successfully or not. */
  default void onAttemptEnd(RequestHandle request, Attempt attempt) {}

  /** The router will retry {@code modelGroup}; {@code delayMillis} is the wait before the next attempt. */
  default void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {}

  /**
   * The router moves from one model group to a fallback group.
   *
   * @param kind which setting supplied the fallback: {@code fallbacks}, {@code default_fallbacks}, {@code
   *     request_fallbacks}, {@code context_window_fallbacks} or {@code content_policy_fallbacks}
   */
  default void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {}

  /** A deployment was skipped without being called. */
  default void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId,
      NoDeploymentAvailableException.Kind why, Instant until) {}

  /** A deployment starts cooling until {@code until}. */
  default void onCooldownStart(String deploymentId, Instant until, String reason) {}

  /** A deployment's cooldown ended (its half-open probe succeeded). */
  default void onCooldownEnd(String deploymentId) {}

  /** A deployment's health changed; {@code error} is null when it became healthy. */
  default void onHealthChange(String deploymentId, boolean healthy, String error) {}
}
