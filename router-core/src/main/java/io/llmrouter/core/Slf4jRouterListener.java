package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the router's decisions through SLF4J (logger {@code io.llmrouter.router}): attempts, skips,
 * retries and fallbacks at debug; cooldowns and health changes at info. It logs ids, group names,
 * error first lines and instants only, never a key (the router never hands it one). Thread-safe.
 */
public final class Slf4jRouterListener implements RouterListener {
  private final Logger log;

  /** Logs to {@code io.llmrouter.router}. */
  public Slf4jRouterListener() {
    this(LoggerFactory.getLogger("io.llmrouter.router"));
  }

  /** Logs to {@code logger}. */
  public Slf4jRouterListener(Logger logger) {
    this.log = logger;
  }

  @Override
  public void onAttemptStart(RequestHandle request, String modelGroup, String deploymentId) {
    log.debug("#{} attempt {} -> {}", request.id(), modelGroup, deploymentId);
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt a) {
    if (a.outcome() == Attempt.Outcome.SKIPPED) return;
    log.debug("#{} attempt {} -> {}: {} status={} in {} ms{}", request.id(), a.modelGroup(), a.deploymentId(), a.outcome(), a.status(),
        a.duration().toMillis(), a.error() == null ? "" : " error=" + a.error());
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    log.debug("#{} retry {} #{} after {} ms: {}", request.id(), modelGroup, attemptNumber, delayMillis, RouterErrors.firstLine(cause));
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    log.debug("#{} fallback {} -> {} ({}): {}", request.id(), fromGroup, toGroup, kind, RouterErrors.firstLine(cause));
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why, Instant until) {
    log.debug("#{} skip {} / {}: {}{}", request.id(), modelGroup, deploymentId, why, until == null ? "" : " until " + until);
  }

  @Override
  public void onRequestEnd(RequestHandle request, RequestEnd end) {
    if (!log.isDebugEnabled()) return;
    log.debug("#{} {} {} in {} ms after {} attempts{}", request.id(), request.requestedGroup(), end.outcome(),
        end.duration().toMillis(), end.attempts().size(), end.error() == null ? "" : ": " + RouterErrors.firstLine(end.error()));
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    log.info("cooldown {} until {}: {}", deploymentId, until, reason);
  }

  @Override
  public void onCooldownEnd(String deploymentId) {
    log.info("cooldown of {} ended (probe succeeded)", deploymentId);
  }

  @Override
  public void onHealthChange(String deploymentId, boolean healthy, String error) {
    log.info("health {}: {}{}", deploymentId, healthy ? "healthy" : "unhealthy", error == null ? "" : " (" + error + ")");
  }
}
