package io.llmrouter.catalog;

/**
 * Progress of a catalog scan, for a progress bar or plain lines. Methods are called from probe worker
 * threads: implementations must be thread-safe, fast, and must not throw.
 */
public interface ProbeListener {

  /** A provider's listing is in; {@code toProbe} models will now be probed. */
  default void providerStarted(String provider, int toProbe) {}

  /** One probe finished. */
  default void probed(ProbeOutcome outcome) {}

  /** A provider is done. */
  default void providerFinished(String provider) {}

  /** A listener that ignores everything. */
  static ProbeListener none() {
    return new ProbeListener() {};
  }
}
