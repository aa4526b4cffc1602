package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * LiteLLM's {@code mock_testing_*} request fields: a simulated failure of the requested group, so a caller
 * can see its fallbacks work without a real outage. Only the first group of the plan fails this way; the
 * simulated error is logged as a skip and then follows the normal retry and fallback rules.
 */
final class MockTesting {
  private final Clock clock;

  MockTesting(Clock clock) {
    this.clock = clock;
  }

  /** The simulated failure the request asks for in place of serving {@code g}, or null. */
  LlmRouterException failure(ModelGroup g, RequestState rs) {
    if (rs.mockFallbacks) {
      return error(g, rs, "mock_testing_fallbacks", 500,
          c -> new ProviderUnavailableException("mock_testing_fallbacks: simulated InternalServerError for " + g.name, c));
    }
    if (rs.mockContextWindow) {
      return error(g, rs, "mock_testing_context_window_fallbacks", 400,
          c -> new ContextWindowExceededException("mock_testing_context_window_fallbacks: simulated ContextWindowExceededError for " + g.name, c));
    }
    if (rs.mockContentPolicy) {
      return error(g, rs, "mock_testing_content_policy_fallbacks", 400,
          c -> new ContentPolicyException("mock_testing_content_policy_fallbacks: simulated ContentPolicyViolationError for " + g.name, c, null));
    }
    return null;
  }

  /** The simulated 429 of {@code mock_testing_rate_limit_error}. */
  LlmRouterException rateLimit(ModelGroup g, RequestState rs) {
    return error(g, rs, "mock_testing_rate_limit_error", 429,
        c -> new RateLimitedException("mock_testing_rate_limit_error: simulated RateLimitError for " + g.name, c, RateScope.MINUTE, null, null));
  }

  private LlmRouterException error(ModelGroup g, RequestState rs, String field, int status, Function<ErrorContext, LlmRouterException> make) {
    LlmRouterException e = make.apply(new ErrorContext(status, null, null, Map.of(), null, null));
    rs.attempts.add(new Attempt(g.name, null, null, Attempt.Outcome.SKIPPED, status, field, clock.instant(), Duration.ZERO));
    rs.reason(new Reason(g.name, "*", Kind.MOCK, null, field));
    return e;
  }
}
