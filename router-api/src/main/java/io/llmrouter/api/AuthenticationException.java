package io.llmrouter.api;

/** The provider rejected the credentials (401/403). Cools the deployment for {@code cooldown_time}. */
public class AuthenticationException extends ProviderException {
  public AuthenticationException(String message, ErrorContext context, Throwable cause) {
    super(message, false, context, cause);
  }

  public AuthenticationException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
