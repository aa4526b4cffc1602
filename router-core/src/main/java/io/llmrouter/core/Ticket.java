package io.llmrouter.core;

import io.llmrouter.api.spi.Secret;

/**
 * What admission took for one call to one deployment (a token reservation, a parallel-request permit,
 * the half-open probe, an in-flight slot), released exactly once when the call ends. Confined to the
 * request's thread (a stream hands it to the reader).
 */
final class Ticket {
  final Deployment deployment;
  RateWindow.TokenEntry tokens;
  boolean probe;
  boolean permit;
  Secret apiKey;
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
