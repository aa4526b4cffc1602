package io.llmrouter.api;

/**
 * The caller's request is malformed before any provider sees it: no messages, a field of the wrong type,
 * an unknown option value. {@link #field()} names the offending field in the request's JSON spelling
 * ({@code messages}, {@code temperature}); the message says what was expected and never names a Java type.
 * The HTTP facade answers it with 400 {@code invalid_request_error}. Not retriable.
 */
public class InvalidRequestException extends LlmRouterException {
  private final String field;

  /**
   * @param field the request field at fault (JSON name), or null when the request as a whole is wrong
   * @param message what is wrong and what was expected
   */
  public InvalidRequestException(String field, String message) {
    super(message, false);
    this.field = field;
  }

  /** The request field at fault, in its JSON spelling, or null when the request as a whole is wrong. */
  public String field() {
    return field;
  }
}
