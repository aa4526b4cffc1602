package io.llmrouter.api;

/** The model does not exist, is decommissioned, or is not available to this account. */
public class ModelNotFoundException extends ProviderException {
  public ModelNotFoundException(String message, ErrorContext context, Throwable cause) {
    super(message, false, context, cause);
  }

  public ModelNotFoundException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
