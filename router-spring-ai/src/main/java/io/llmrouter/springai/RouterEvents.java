package io.llmrouter.springai;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;

/**
 * The router's listener events as Spring application events: each {@link RouterListener} callback is
 * published as one of the records below, so {@code @EventListener void on(RouterEvents.RequestEnded e)}
 * receives it. Events are published synchronously on the router's thread (Spring's default multicaster),
 * so a listener must be fast; one that throws is logged and ignored, never failing the request. No event
 * carries a secret.
 */
public final class RouterEvents implements RouterListener {
  private static final Logger LOG = LoggerFactory.getLogger(RouterEvents.class);
  private final ApplicationEventPublisher publisher;

  /** A listener that publishes to {@code publisher}. */
  public RouterEvents(ApplicationEventPublisher publisher) {
    this.publisher = publisher;
  }

  /** @param request the request that was accepted */
  public record RequestStarted(RequestHandle request) {}

  /**
   * @param request the request
   * @param end its outcome, route, attempts and usage
   */
  public record RequestEnded(RequestHandle request, RequestEnd end) {}

  /**
   * @param request the request
   * @param attempt the call that ended
   */
  public record AttemptEnded(RequestHandle request, Attempt attempt) {}

  /**
   * @param request the request
   * @param modelGroup the group retried
   * @param attemptNumber the attempt about to start
   * @param delayMillis the wait before it
   * @param cause the error that led to the retry
   */
  public record Retrying(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {}

  /**
   * @param request the request
   * @param fromGroup the group given up
   * @param toGroup the fallback group
   * @param kind the setting that supplied the fallback ({@code fallbacks}, {@code context_window_fallbacks}, ...)
   * @param cause the error that led to the fallback
   */
  public record FellBack(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {}

  /**
   * @param request the request
   * @param modelGroup the group
   * @param deploymentId the deployment skipped
   * @param why why it was not called
   * @param until when it can be called again, or null
   */
  public record Skipped(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why, Instant until) {}

  /**
   * @param deploymentId the deployment
   * @param until when its cooldown ends
   * @param reason why it cools
   */
  public record CooldownStarted(String deploymentId, Instant until, String reason) {}

  /** @param deploymentId the deployment whose cooldown ended */
  public record CooldownEnded(String deploymentId) {}

  /**
   * @param deploymentId the deployment
   * @param healthy whether it is healthy now
   * @param error the health check's error, null when healthy
   */
  public record HealthChanged(String deploymentId, boolean healthy, String error) {}

  private void publish(Object event) {
    try {
      publisher.publishEvent(event);
    } catch (RuntimeException e) {
      LOG.warn("an application listener failed on {}: {}", event.getClass().getSimpleName(), e.toString());
    }
  }

  @Override
  public void onRequestStart(RequestHandle request) {
    publish(new RequestStarted(request));
  }

  @Override
  public void onRequestEnd(RequestHandle request, RequestEnd end) {
    publish(new RequestEnded(request, end));
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt attempt) {
    publish(new AttemptEnded(request, attempt));
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    publish(new Retrying(request, modelGroup, attemptNumber, delayMillis, cause));
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    publish(new FellBack(request, fromGroup, toGroup, kind, cause));
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId,
      NoDeploymentAvailableException.Kind why, Instant until) {
    publish(new Skipped(request, modelGroup, deploymentId, why, until));
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    publish(new CooldownStarted(deploymentId, until, reason));
  }

  @Override
  public void onCooldownEnd(String deploymentId) {
    publish(new CooldownEnded(deploymentId));
  }

  @Override
  public void onHealthChange(String deploymentId, boolean healthy, String error) {
    publish(new HealthChanged(deploymentId, healthy, error));
  }
}
