package io.llmrouter.api;

/**
 * The unchecked root of every llm-router error. {@link #retriable()} tells whether the same request may
 * succeed if tried again later or elsewhere; the router's own retry loop uses it, and so can callers.
 * Messages never contain an API key.
 */
public class LlmRouterException extends RuntimeException {
  private final boolean retriable;

  public LlmRouterException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  public LlmRouterException(String message, boolean retriable) {
    this(message, retriable, null);
  }

  /** True when trying again (later, or on another deployment) may succeed. */
  public boolean retriable() {
    return retriable;
  }
}
