package io.llmrouter.core.catalog;

import java.time.Duration;

/**
 * Waits. Injected so that tests pace probes and honour retry hints on a virtual clock without sleeping.
 * (Same shape as the engine's {@code io.llmrouter.core.Sleeper}; kept here so the catalog has no compile
 * dependency on the engine package.)
 */
@FunctionalInterface
public interface CatalogSleeper {

  /** Blocks for {@code duration}. @throws InterruptedException when the thread is interrupted */
  void sleep(Duration duration) throws InterruptedException;

  /** The real {@link Thread#sleep(long)}. */
  static CatalogSleeper system() {
    return d -> Thread.sleep(Math.max(0, d.toMillis()));
  }
}
