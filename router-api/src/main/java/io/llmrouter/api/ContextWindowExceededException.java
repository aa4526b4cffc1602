package io.llmrouter.api;

/** The prompt (plus requested completion) does not fit the model's context window, whatever the provider's wording. Not retriable on the same deployment; the router tries {@code context_window_fallbacks}. */
public class ContextWindowExceededException extends ProviderException {
  public ContextWindowExceededException(String message, ErrorContext context, Throwable cause) {
    super(message, false, context, cause);
  }

  public ContextWindowExceededException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
