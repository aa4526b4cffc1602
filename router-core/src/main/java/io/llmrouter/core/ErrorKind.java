package io.llmrouter.core;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.RequestTimeoutException;

/**
 * The error kinds LiteLLM's {@code retry_policy} and {@code allowed_fails_policy} name, mapped from this
 * project's typed exceptions in one place.
 */
enum ErrorKind {
  RATE_LIMIT("RateLimitError"),
  TIMEOUT("TimeoutError"),
  CONTENT_POLICY("ContentPolicyViolationError"),
  AUTHENTICATION("AuthenticationError"),
  NOT_FOUND("NotFoundError"),
  BAD_REQUEST("BadRequestError"),
  INTERNAL_SERVER("InternalServerError");

  final String retriesKey;
  final String allowedFailsKey;

  ErrorKind(String litellmName) {
    this.retriesKey = litellmName + "Retries";
    this.allowedFailsKey = litellmName + "AllowedFails";
  }

  static ErrorKind of(LlmRouterException e) {
    if (e instanceof RateLimitedException) return RATE_LIMIT;
    if (e instanceof RequestTimeoutException) return TIMEOUT;
    if (e instanceof ContentPolicyException) return CONTENT_POLICY;
    if (e instanceof AuthenticationException) return AUTHENTICATION;
    if (e instanceof ModelNotFoundException) return NOT_FOUND;
    // LiteLLM's ContextWindowExceededError and request-too-large are BadRequestError subclasses.
    if (e instanceof BadRequestException || e instanceof ContextWindowExceededException || e instanceof RequestTooLargeException) {
      return BAD_REQUEST;
    }
    return INTERNAL_SERVER;
  }
}
