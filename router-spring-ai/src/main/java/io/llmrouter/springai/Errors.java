package io.llmrouter.springai;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.UnknownModelException;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/**
 * The one mapping site from the router's typed errors to the exceptions Spring AI's own models throw: a
 * failure that may pass on a later try (rate limits, timeouts, outages, a chain whose deployments reopen
 * later) is a {@link TransientAiException}; one that will not (a malformed request, an unknown model group, a
 * rejected key, a provider 400) a {@link NonTransientAiException}. The router's exception is always the cause,
 * so its type, route and retry hints stay reachable; its message never carries a secret.
 */
final class Errors {
  private Errors() {}

  static RuntimeException map(LlmRouterException e) {
    LlmRouterException kind = e;
    // An exhausted chain is as permanent as its last call's error, unless every deployment was rate-limited.
    if (e instanceof NoDeploymentAvailableException n && !n.allRateLimited() && n.lastError() != null) {
      kind = n.lastError();
    }
    boolean permanent = kind instanceof InvalidRequestException
        || kind instanceof UnknownModelException
        || kind instanceof AuthenticationException
        || kind instanceof ModelNotFoundException
        || kind instanceof BadRequestException
        || (kind instanceof ProviderException && !kind.retriable());
    if (kind instanceof NoDeploymentAvailableException) permanent = false;
    return permanent ? new NonTransientAiException(e.getMessage(), e) : new TransientAiException(e.getMessage(), e);
  }
}
