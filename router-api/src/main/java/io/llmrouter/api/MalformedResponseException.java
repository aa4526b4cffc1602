package io.llmrouter.api;

/** The provider answered with something that is not a valid response (truncated JSON, an HTML error page with a 200, a broken stream). Retriable. */
public class MalformedResponseException extends ProviderException {
  public MalformedResponseException(String message, ErrorContext context, Throwable cause) {
    super(message, true, context, cause);
  }

  public MalformedResponseException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
