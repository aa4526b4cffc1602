package io.llmrouter.api;

/** The single request is larger than the deployment's per-minute token budget (Groq 413): waiting does not help, another deployment may. */
public class RequestTooLargeException extends ProviderException {
  public RequestTooLargeException(String message, ErrorContext context, Throwable cause) {
    super(message, false, context, cause);
  }

  public RequestTooLargeException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
