package io.llmrouter.api;

import java.util.Map;

/**
 * An error a provider returned, or a failure talking to it. Carries the status, provider, deployment,
 * redacted headers and the rate signal of the failing response. Subclasses say what kind of failure it
 * was; dialects choose the subclass in one place each.
 */
public class ProviderException extends LlmRouterException {
  private final transient ErrorContext context;

  public ProviderException(String message, boolean retriable, ErrorContext context, Throwable cause) {
    super(message, retriable, cause);
    this.context = context;
  }

  /** Where the error came from. */
  public ErrorContext context() {
    return context;
  }

  /** HTTP status, or 0 when no response arrived. */
  public int status() {
    return context.status();
  }

  /** Provider prefix such as {@code groq}. */
  public String provider() {
    return context.provider();
  }

  /** The deployment that failed, or null when not known. */
  public String deploymentId() {
    return context.deploymentId();
  }

  /** Response headers with credentials removed. */
  public Map<String, String> headers() {
    return context.headers();
  }

  /** What the failing response said about limits. */
  public RateSignal rateSignal() {
    return context.signal();
  }

  /** Returns the same error naming {@code deploymentId}; the type is kept. */
  public ProviderException withDeployment(String deploymentId) {
    return ProviderErrors.copy(this, context.withDeployment(deploymentId));
  }
}
