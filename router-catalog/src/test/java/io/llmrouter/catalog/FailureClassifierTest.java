package io.llmrouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import io.llmrouter.testing.ScriptedProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FailureClassifierTest {
  static ErrorContext ctx(int status, String provider, String body) {
    return ScriptedProvider.errorContext(status, provider, null, body);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // permanent: statuses
        Arguments.of("nvidia_nim", new ModelNotFoundException("gone", ctx(404, "nvidia_nim", "{\"detail\":\"Function not found\"}")), ProbeOutcome.Kind.PERMANENT),
        Arguments.of("groq", new AuthenticationException("denied", ctx(403, "groq", "{\"error\":{\"message\":\"access denied\"}}")), ProbeOutcome.Kind.PERMANENT),
        Arguments.of("nvidia_nim", new BadRequestException("unprocessable", ctx(422, "nvidia_nim", "{}")), ProbeOutcome.Kind.PERMANENT),
        // permanent: wording on a 400
        Arguments.of("groq", new BadRequestException("bad", ctx(400, "groq", "The model `x` has been decommissioned")), ProbeOutcome.Kind.PERMANENT),
        Arguments.of("groq", new BadRequestException("bad", ctx(400, "groq", "The model `x` does not exist")), ProbeOutcome.Kind.PERMANENT),
        Arguments.of("openrouter", new BadRequestException("bad", ctx(400, "openrouter", "this model is deprecated")), ProbeOutcome.Kind.PERMANENT),
        Arguments.of("nvidia_nim", new BadRequestException("bad", ctx(400, "nvidia_nim", "Model not found for account abc")), ProbeOutcome.Kind.PERMANENT),
        Arguments.of("openrouter", new BadRequestException("bad", ctx(400, "openrouter", "Not Found")), ProbeOutcome.Kind.PERMANENT),
        // transient
        Arguments.of("groq", new RateLimitedException("slow down", ctx(429, "groq", "rate limit"), RateScope.MINUTE, Duration.ofSeconds(2), null), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("groq", new ProviderUnavailableException("down", ctx(503, "groq", "model not found in pool")), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("groq", new ProviderException("odd", true, ctx(502, "groq", "bad gateway"), null), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("nvidia_nim", new RequestTimeoutException("slow", ctx(0, "nvidia_nim", null)), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("nvidia_nim", new ProviderException("connection reset", true, ctx(0, "nvidia_nim", null), null), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("openrouter", new AuthenticationException("auth", ctx(401, "openrouter", "{\"error\":{\"message\":\"User not found.\",\"code\":401}}")), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("groq", new AuthenticationException("auth", ctx(401, "groq", "Invalid API Key")), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("groq", new AuthenticationException("cf", ctx(403, "groq", "error code: 1010")), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("groq", new BadRequestException("bad", ctx(400, "groq", "max_tokens must be at least 1")), ProbeOutcome.Kind.TRANSIENT),
        Arguments.of("groq", new IllegalStateException("boom"), ProbeOutcome.Kind.TRANSIENT));
  }

  @ParameterizedTest(name = "[{index}] {0} {1} -> {2}")
  @MethodSource("table")
  void classifiesByStatusAndWording(String provider, RuntimeException error, ProbeOutcome.Kind expected) {
    ProbeOutcome o = FailureClassifier.classify(provider, "m", null, error);
    assertThat(o.kind()).isEqualTo(expected);
    assertThat(o.reason()).isNotBlank();
  }

  @Test
  void cacheRecordsOnlyPermanentFailuresAndSurvivesASaveAndLoad(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model_cache.json");
    FailureCache cache = FailureCache.load(file);
    Instant at = Instant.parse("2025-01-06T08:00:00Z");
    cache.record(new ProbeOutcome("nvidia_nim", "meta/gone", ProbeOutcome.Kind.PERMANENT, 404, "404: not found", null), at);
    cache.record(new ProbeOutcome("groq", "busy", ProbeOutcome.Kind.TRANSIENT, 429, "429: slow", null), at);
    cache.record(new ProbeOutcome("groq", "ok", ProbeOutcome.Kind.WORKING, 200, "ok", null), at);
    cache.save();

    FailureCache again = FailureCache.load(file);
    assertThat(again.contains("nvidia_nim", "meta/gone")).isTrue();
    assertThat(again.contains("groq", "busy")).isFalse();
    assertThat(again.contains("groq", "ok")).isFalse();
    assertThat(again.entries().get("nvidia_nim").get("meta/gone")).isEqualTo(new FailureCache.Entry(at, 404, "404: not found"));
    assertThat(again.clear("nvidia") ).isZero();
    assertThat(again.clear("nvidia_nim")).isEqualTo(1);
    again.save();
    assertThat(FailureCache.load(file).entries()).isEmpty();
    assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactly("model_cache.json");
  }

  @Test
  void anUnreadableCacheIsAClearError(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model_cache.json");
    Files.writeString(file, "[1,2");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FailureCache.load(file))
        .isInstanceOf(io.llmrouter.api.ConfigException.class).hasMessageContaining("failure cache");
  }
}
