package io.llmrouter.langchain4j;

import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.UnknownModelException;

/**
 * The one mapping site from the router's typed errors to LangChain4j's exception types. The router's
 * exception is always the cause, so {@code e.getCause()} keeps its route, reasons and retry hints; the
 * message is the router's, which never carries a secret.
 */
final class Errors {
  private Errors() {}

  static LangChain4jException map(LlmRouterException e) {
    String m = e.getMessage();
    if (e instanceof NoDeploymentAvailableException n) {
      // The chain is exhausted. Every deployment rate-limited is a rate limit; else the last call's error says
      // what kind of failure it was; with no call made, deployments that reopen later (cooling, over their
      // rpm/tpm) are a rate limit too, and nothing reopening is a server-side failure.
      if (n.allRateLimited()) return new RateLimitException(m, n);
      LlmRouterException last = n.lastError();
      if (last != null) return byType(last, m, n);
      return n.earliestAvailable() != null ? new RateLimitException(m, n) : new InternalServerException(m, n);
    }
    return byType(e, m, e);
  }

  private static LangChain4jException byType(LlmRouterException kind, String m, LlmRouterException cause) {
    if (kind instanceof RateLimitedException) return new RateLimitException(m, cause);
    if (kind instanceof AuthenticationException) return new dev.langchain4j.exception.AuthenticationException(m, cause);
    if (kind instanceof UnknownModelException || kind instanceof ModelNotFoundException) {
      return new dev.langchain4j.exception.ModelNotFoundException(m, cause);
    }
    if (kind instanceof ContentPolicyException) return new ContentFilteredException(m, cause);
    if (kind instanceof InvalidRequestException
        || kind instanceof BadRequestException
        || kind instanceof ContextWindowExceededException
        || kind instanceof RequestTooLargeException) {
      return new dev.langchain4j.exception.InvalidRequestException(m, cause);
    }
    if (kind instanceof RequestTimeoutException) return new TimeoutException(m, cause);
    if (kind instanceof ProviderUnavailableException) return new InternalServerException(m, cause);
    return kind.retriable() ? new RetriableException(m, cause) : new NonRetriableException(m, cause);
  }
}
