package io.llmrouter.testkit.scenario;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, per replayed request, what the policy did ({@link TraceEvent}s). The replay marks the request a
 * client thread is serving ({@link #begin}/{@link #end}); the policies call their listeners on the caller's
 * thread, so each event lands on its request. Events outside a request (a background health check) are
 * not recorded.
 *
 * <p>Thread-safe: each request's list is written by the one thread serving it.
 */
final class TraceRecorder implements RouterListener {
  private final Clock clock;
  private final List<List<TraceEvent>> traces;
  private final ThreadLocal<List<TraceEvent>> current = new ThreadLocal<>();

  TraceRecorder(Clock clock, int requests) {
    this.clock = clock;
    this.traces = new ArrayList<>(requests);
    for (int i = 0; i < requests; i++) traces.add(null);
  }

  void begin(int index) {
    List<TraceEvent> l = new ArrayList<>(4);
    synchronized (traces) {
      traces.set(index, l);
    }
    current.set(l);
  }

  void end() {
    current.remove();
  }

  /** Every request's events, by index (empty for a request that recorded none). */
  List<List<TraceEvent>> traces() {
    List<List<TraceEvent>> out = new ArrayList<>(traces.size());
    synchronized (traces) {
      for (List<TraceEvent> l : traces) out.add(l == null ? List.of() : List.copyOf(l));
    }
    return out;
  }

  private void add(TraceEvent.Type type, String group, String deployment, String detail, Instant until) {
    List<TraceEvent> l = current.get();
    if (l != null) l.add(new TraceEvent(clock.instant(), type, group, deployment, detail, until));
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt attempt) {
    if (attempt.outcome() == Attempt.Outcome.SKIPPED) return;
    // The error's type only: the wording of a connection failure (a refused connect, a pooled connection the
    // stopped server closed) depends on socket timing, the type and status do not.
    String error = attempt.error();
    int colon = error == null ? -1 : error.indexOf(':');
    add(TraceEvent.Type.ATTEMPT, attempt.modelGroup(), attempt.deploymentId(),
        attempt.status() + (error == null ? "" : " " + (colon < 0 ? error : error.substring(0, colon))), null);
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why,
      Instant until) {
    add(TraceEvent.Type.SKIP, modelGroup, deploymentId, why.name(), until);
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    if (delayMillis > 0) add(TraceEvent.Type.WAIT, modelGroup, null, Long.toString(delayMillis), null);
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    add(TraceEvent.Type.FALLBACK, fromGroup, toGroup, kind, null);
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    add(TraceEvent.Type.COOLDOWN, null, deploymentId, reason, until);
  }
}
