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
 * retries and fallbacks at debug, each tagged {@code #<id>} and the caller's request id
 * ({@link RequestHandle#requestId()}) when it gave one; cooldowns and health changes at info. It logs ids, group names,
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
    if (!log.isDebugEnabled()) return;
    log.debug("{} attempt {} -> {}", tag(request), modelGroup, deploymentId);
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt a) {
    if (a.outcome() == Attempt.Outcome.SKIPPED || !log.isDebugEnabled()) return;
    log.debug("{} attempt {} -> {}: {} status={} in {} ms{}", tag(request), a.modelGroup(), a.deploymentId(), a.outcome(), a.status(),
        a.duration().toMillis(), a.error() == null ? "" : " error=" + a.error());
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    if (!log.isDebugEnabled()) return;
    log.debug("{} retry {} #{} after {} ms: {}", tag(request), modelGroup, attemptNumber, delayMillis, RouterErrors.firstLine(cause));
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    if (!log.isDebugEnabled()) return;
    log.debug("{} fallback {} -> {} ({}): {}", tag(request), fromGroup, toGroup, kind, RouterErrors.firstLine(cause));
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why, Instant until) {
    if (!log.isDebugEnabled()) return;
    log.debug("{} skip {} / {}: {}{}", tag(request), modelGroup, deploymentId, why, until == null ? "" : " until " + until);
  }

  @Override
  public void onRequestEnd(RequestHandle request, RequestEnd end) {
    if (!log.isDebugEnabled()) return;
    log.debug("{} {} {} in {} ms after {} attempts{}", tag(request), request.requestedGroup(), end.outcome(),
        end.duration().toMillis(), end.attempts().size(), end.error() == null ? "" : ": " + RouterErrors.firstLine(end.error()));
  }

  /** {@code #<id>}, plus the caller's request id when it gave one (control characters shown as {@code ?}). */
  private static String tag(RequestHandle r) {
    String rid = r.requestId();
    if (rid == null) return "#" + r.id();
    StringBuilder b = new StringBuilder(rid.length() + 24).append('#').append(r.id()).append(" (");
    for (int i = 0; i < rid.length() && i < 128; i++) {
      char c = rid.charAt(i);
      b.append(c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' ? '?' : c);
    }
    return b.append(')').toString();
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
