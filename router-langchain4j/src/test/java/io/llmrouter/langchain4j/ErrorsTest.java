package io.llmrouter.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.ContentFilteredException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.RetriableException;
import dev.langchain4j.exception.TimeoutException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.UnknownModelException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The mapping table: every router error type to its LangChain4j type, the router error always the cause. */
class ErrorsTest {
  static final ErrorContext CTX = new ErrorContext(400, "groq", "smart-0", Map.of(), null, null);
  static final Instant LATER = Instant.parse("2025-06-02T00:01:00Z");

  static NoDeploymentAvailableException exhausted(Kind kind, Instant until, LlmRouterException last) {
    return new NoDeploymentAvailableException("smart", List.of(new Reason("smart", "smart-0", kind, until, "x")), until, null, last);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(new RateLimitedException("429", CTX, RateScope.MINUTE, null, null), RateLimitException.class),
        Arguments.of(new io.llmrouter.api.AuthenticationException("401", CTX), AuthenticationException.class),
        Arguments.of(new io.llmrouter.api.InvalidRequestException("messages", "no messages"), InvalidRequestException.class),
        Arguments.of(new BadRequestException("400", CTX), InvalidRequestException.class),
        Arguments.of(new ContextWindowExceededException("too long", CTX), InvalidRequestException.class),
        Arguments.of(new RequestTooLargeException("413", CTX), InvalidRequestException.class),
        Arguments.of(new ContentPolicyException("policy", CTX), ContentFilteredException.class),
        Arguments.of(new UnknownModelException("nope", List.of("smart")), ModelNotFoundException.class),
        Arguments.of(new io.llmrouter.api.ModelNotFoundException("404", CTX), ModelNotFoundException.class),
        Arguments.of(new RequestTimeoutException("deadline", CTX), TimeoutException.class),
        Arguments.of(new ProviderUnavailableException("503", CTX), InternalServerException.class),
        Arguments.of(new MalformedResponseException("bad json", CTX), RetriableException.class),
        Arguments.of(new LlmRouterException("router closed", false), NonRetriableException.class),
        // An exhausted chain: all limits -> rate limit; else its last call's error decides; else reopening
        // deployments are a rate limit and nothing reopening is a server failure.
        Arguments.of(exhausted(Kind.OVER_RPM, LATER, null), RateLimitException.class),
        Arguments.of(exhausted(Kind.RATE_LIMITED, LATER, new RateLimitedException("429", CTX, RateScope.DAY, null, null)),
            RateLimitException.class),
        Arguments.of(exhausted(Kind.FAILED, LATER, new io.llmrouter.api.AuthenticationException("401", CTX)),
            AuthenticationException.class),
        Arguments.of(exhausted(Kind.FAILED, null, new RequestTimeoutException("deadline", CTX)), TimeoutException.class),
        Arguments.of(exhausted(Kind.COOLING, LATER, null), RateLimitException.class),
        Arguments.of(exhausted(Kind.MISSING_KEY, null, null), InternalServerException.class));
  }

  @ParameterizedTest
  @MethodSource("table")
  void mapsToTheLangChain4jTypeWithTheRouterErrorAsCause(LlmRouterException routerError, Class<? extends LangChain4jException> expected) {
    LangChain4jException mapped = Errors.map(routerError);
    assertThat(mapped).isExactlyInstanceOf(expected);
    assertThat(mapped.getCause()).isSameAs(routerError);
    assertThat(mapped.getMessage()).isEqualTo(routerError.getMessage());
  }
}
