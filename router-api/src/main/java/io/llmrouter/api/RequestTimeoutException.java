package io.llmrouter.api;

/** The call did not complete within its timeout (connect, first byte, or whole call). Retriable. */
public class RequestTimeoutException extends ProviderException {
  public RequestTimeoutException(String message, ErrorContext context, Throwable cause) {
    super(message, true, context, cause);
  }

  public RequestTimeoutException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
