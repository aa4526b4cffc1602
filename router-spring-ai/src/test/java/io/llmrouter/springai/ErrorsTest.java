package io.llmrouter.springai;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.UnknownModelException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;

/** The mapping table: every router error type to Spring AI's transient or non-transient type, cause kept. */
class ErrorsTest {
  static final ErrorContext CTX = new ErrorContext(400, "groq", "smart-0", Map.of(), null, null);
  static final Instant LATER = Instant.parse("2025-06-02T00:01:00Z");

  static NoDeploymentAvailableException exhausted(Kind kind, Instant until, LlmRouterException last) {
    return new NoDeploymentAvailableException("smart", List.of(new Reason("smart", "smart-0", kind, until, "x")), until, null, last);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of(new RateLimitedException("429", CTX, RateScope.MINUTE, null, null), TransientAiException.class),
        Arguments.of(new RequestTimeoutException("deadline", CTX), TransientAiException.class),
        Arguments.of(new ProviderUnavailableException("503", CTX), TransientAiException.class),
        Arguments.of(new AuthenticationException("401", CTX), NonTransientAiException.class),
        Arguments.of(new InvalidRequestException("messages", "no messages"), NonTransientAiException.class),
        Arguments.of(new BadRequestException("400", CTX), NonTransientAiException.class),
        Arguments.of(new ContextWindowExceededException("too long", CTX), NonTransientAiException.class),
        Arguments.of(new UnknownModelException("nope", List.of("smart")), NonTransientAiException.class),
        Arguments.of(new ModelNotFoundException("404", CTX), NonTransientAiException.class),
        Arguments.of(exhausted(Kind.OVER_RPM, LATER, null), TransientAiException.class),
        Arguments.of(exhausted(Kind.COOLING, LATER, null), TransientAiException.class),
        Arguments.of(exhausted(Kind.FAILED, LATER, new AuthenticationException("401", CTX)), NonTransientAiException.class),
        Arguments.of(exhausted(Kind.FAILED, null, new ProviderUnavailableException("503", CTX)), TransientAiException.class),
        Arguments.of(exhausted(Kind.MISSING_KEY, null, null), TransientAiException.class));
  }

  @ParameterizedTest
  @MethodSource("table")
  void mapsToSpringAiTypesWithTheRouterErrorAsCause(LlmRouterException routerError, Class<? extends RuntimeException> expected) {
    RuntimeException mapped = Errors.map(routerError);
    assertThat(mapped).isExactlyInstanceOf(expected);
    assertThat(mapped.getCause()).isSameAs(routerError);
    assertThat(mapped.getMessage()).isEqualTo(routerError.getMessage());
  }
}
