package io.llmrouter.testkit;

/**
 * How a simulated provider is down ({@link ProviderSimulator#takeDown(SimProvider, Outage)}).
 *
 * <p>Thread-safety: an immutable enum.
 */
public enum Outage {
  /** The port is closed: clients get "connection refused", as with a stopped local vLLM. */
  REFUSE_CONNECTIONS,
  /** The server answers every request, including {@code /models} and {@code /health}, with HTTP 503. */
  SERVICE_UNAVAILABLE
}
