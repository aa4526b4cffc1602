package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Fans events out to the configured listeners; a listener that throws is logged and ignored. */
final class Listeners implements RouterListener {
  private static final Logger LOG = LoggerFactory.getLogger(Listeners.class);
  private final RouterListener[] all;

  Listeners(List<RouterListener> listeners) {
    this.all = listeners.toArray(new RouterListener[0]);
  }

  boolean any() {
    return all.length > 0;
  }

  private void each(Consumer<RouterListener> event) {
    for (RouterListener l : all) {
      try {
        event.accept(l);
      } catch (RuntimeException e) {
        LOG.warn("router listener {} threw {}; ignored", l.getClass().getName(), e.toString());
      }
    }
  }

  @Override
  public void onRequestStart(RequestHandle request) {
    if (all.length > 0) each(l -> l.onRequestStart(request));
  }

  @Override
  public void onRequestEnd(RequestHandle request, RequestEnd end) {
    if (all.length > 0) each(l -> l.onRequestEnd(request, end));
  }

  @Override
  public void onStreamOpen(RequestHandle request, io.llmrouter.api.Route route, java.time.Duration timeToFirstToken) {
    if (all.length > 0) each(l -> l.onStreamOpen(request, route, timeToFirstToken));
  }

  @Override
  public void onAttemptStart(RequestHandle request, String modelGroup, String deploymentId) {
    if (all.length > 0) each(l -> l.onAttemptStart(request, modelGroup, deploymentId));
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt attempt) {
    if (all.length > 0) each(l -> l.onAttemptEnd(request, attempt));
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    if (all.length > 0) each(l -> l.onRetry(request, modelGroup, attemptNumber, delayMillis, cause));
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    if (all.length > 0) each(l -> l.onFallback(request, fromGroup, toGroup, kind, cause));
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why,
      Instant until) {
    if (all.length > 0) each(l -> l.onAdmissionSkip(request, modelGroup, deploymentId, why, until));
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    if (all.length > 0) each(l -> l.onCooldownStart(deploymentId, until, reason));
  }

  @Override
  public void onCooldownEnd(String deploymentId) {
    if (all.length > 0) each(l -> l.onCooldownEnd(deploymentId));
  }

  @Override
  public void onHealthChange(String deploymentId, boolean healthy, String error) {
    if (all.length > 0) each(l -> l.onHealthChange(deploymentId, healthy, error));
  }
}
