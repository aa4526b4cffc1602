package io.llmrouter.core;

import java.time.Duration;

/**
 * Waits. The router waits only through this interface (a retry delay from a provider's own hint), so a
 * test can pass a recording sleeper that advances a virtual clock instead of sleeping. Implementations
 * must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

  /**
   * Waits for {@code duration}.
   *
   * @throws InterruptedException when the waiting thread is interrupted
   */
  void sleep(Duration duration) throws InterruptedException;

  /** The real sleeper: {@link Thread#sleep(long)}. */
  static Sleeper system() {
    return d -> Thread.sleep(Math.max(0, d.toMillis()));
  }
}
