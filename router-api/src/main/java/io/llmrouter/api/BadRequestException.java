package io.llmrouter.api;

/** The provider rejected the request itself (400/422): a bad parameter, a tool-call generation failure. Retrying it unchanged will not help. */
public class BadRequestException extends ProviderException {
  public BadRequestException(String message, ErrorContext context, Throwable cause) {
    super(message, false, context, cause);
  }

  public BadRequestException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
