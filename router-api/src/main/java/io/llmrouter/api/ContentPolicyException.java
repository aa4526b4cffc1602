package io.llmrouter.api;

/** The provider refused the content. The router tries {@code content_policy_fallbacks}. */
public class ContentPolicyException extends ProviderException {
  public ContentPolicyException(String message, ErrorContext context, Throwable cause) {
    super(message, false, context, cause);
  }

  public ContentPolicyException(String message, ErrorContext context) {
    this(message, context, null);
  }
}
