package io.llmrouter.api;

/** The provider failed (5xx), refused or dropped the connection, or is out of capacity. Retriable. */
public class ProviderUnavailableException extends ProviderException {
  public ProviderUnavailableException(String message, ErrorContext context, Throwable cause) {
    super(message, true, context, cause);
  }

  public ProviderUnavailableException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
