package io.llmrouter.core;

import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.state.Reservation;

/**
 * What admission took for one call to one deployment (a token reservation, a parallel-request permit,
 * the half-open probe, an in-flight slot), released exactly once when the call ends. It is itself the
 * {@link Admission} decision "admit" and the {@link Selector}'s pick, so the hot path allocates nothing
 * else. Confined to the request's thread (a stream hands it to the reader).
 */
final class Ticket implements Admission.Decision, Selector.Selection {
  final Deployment deployment;
  Reservation.Granted tokens;
  boolean probe;
  boolean permit;
  Secret apiKey;
  // When it was admitted (epoch ms): a refused token window it was charged to replaces the estimate by the use.
  long admittedAt;
  private boolean released;

  Ticket(Deployment deployment) {
    this.deployment = deployment;
  }

  /** Returns what was taken that must not outlive the call; the rate reservation stays (it was used). */
  void release() {
    if (released) return;
    released = true;
    if (permit) deployment.parallel.release();
    deployment.inFlight.decrementAndGet();
  }
}
