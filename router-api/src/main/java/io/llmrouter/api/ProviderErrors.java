package io.llmrouter.api;

/** Copies provider exceptions with a new context while keeping their type. */
final class ProviderErrors {
  private ProviderErrors() {}

  static ProviderException copy(ProviderException e, ErrorContext c) {
    String m = e.getMessage();
    Throwable cause = e.getCause();
    ProviderException out;
    if (e instanceof RateLimitedException r) out = new RateLimitedException(m, c, r.scope(), r.retryAfter(), r.resetAt(), cause);
    else if (e instanceof ContextWindowExceededException) out = new ContextWindowExceededException(m, c, cause);
    else if (e instanceof AuthenticationException) out = new AuthenticationException(m, c, cause);
    else if (e instanceof ModelNotFoundException) out = new ModelNotFoundException(m, c, cause);
    else if (e instanceof BadRequestException) out = new BadRequestException(m, c, cause);
    else if (e instanceof ContentPolicyException) out = new ContentPolicyException(m, c, cause);
    else if (e instanceof ProviderUnavailableException) out = new ProviderUnavailableException(m, c, cause);
    else if (e instanceof RequestTimeoutException) out = new RequestTimeoutException(m, c, cause);
    else if (e instanceof MalformedResponseException) out = new MalformedResponseException(m, c, cause);
    else if (e instanceof RequestTooLargeException) out = new RequestTooLargeException(m, c, cause);
    else out = new ProviderException(m, e.retriable(), c, cause);
    out.setStackTrace(e.getStackTrace());
    return out;
  }
}
