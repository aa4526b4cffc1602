package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Choice;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * LiteLLM's mock request fields. The {@code mock_testing_*} fields simulate a failure of the requested
 * group, so a caller can see its fallbacks work without a real outage: only the first group of the plan
 * fails this way; the simulated error is logged as a skip and then follows the normal retry and fallback
 * rules. {@code mock_timeout} makes the request time out at its deadline (waiting on the router's sleeper)
 * without a call. {@code mock_response} answers with the given text from the deployment the router selected,
 * without calling it, with LiteLLM's fake usage (10 prompt, 20 completion, 30 total tokens); streamed, the
 * text comes in chunks of three characters, as LiteLLM's mock stream sends it.
 */
final class MockTesting {
  /** The usage LiteLLM's {@code mock_completion} reports for every mocked answer. */
  static final Usage USAGE = Usage.builder().promptTokens(10).completionTokens(20).totalTokens(30).build();
  private static final int CHUNK_CHARS = 3;

  private final Clock clock;
  private final Sleeper sleeper;
  private final AtomicLong ids = new AtomicLong();

  MockTesting(Clock clock, Sleeper sleeper) {
    this.clock = clock;
    this.sleeper = sleeper;
  }

  /**
   * The simulated timeout of {@code mock_timeout}: waits (on the sleeper) until the request's deadline and
   * returns the timeout to fail the group with, or returns null when the request does not ask for one.
   */
  LlmRouterException timeout(ModelGroup g, RequestState rs) {
    if (!rs.mockTimeout) return null;
    long start = clock.millis();
    long wait = rs.deadline - start;
    if (wait > 0) {
      try {
        sleeper.sleep(Duration.ofMillis(wait));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LlmRouterException("interrupted while simulating mock_timeout", false, e);
      }
    }
    long end = clock.millis();
    LlmRouterException e = new RequestTimeoutException("mock_timeout: simulated timeout after " + rs.deadlineSeconds + " s for " + g.name,
        new ErrorContext(0, null, null, Map.of(), null, null));
    rs.attempts.add(new Attempt(g.name, null, null, Attempt.Outcome.SKIPPED, 0, "mock_timeout", java.time.Instant.ofEpochMilli(start),
        Duration.ofMillis(Math.max(0, end - start))));
    rs.reason(new Reason(g.name, "*", Kind.MOCK, null, "mock_timeout"));
    return e;
  }

  /** The answer of {@code mock_response} for the deployment of {@code pc}, as its provider client would return it. */
  ProviderResponse<ChatResponse> chat(ProviderCall pc, String text) {
    ChatResponse r = ChatResponse.builder().id(id()).object("chat.completion").created(clock.millis() / 1000)
        .choices(Choice.builder().index(0).message(ChatMessage.builder().role("assistant").content(text).build()).finishReason("stop").build())
        .usage(USAGE).build();
    return new ProviderResponse<>(r, 200, Map.of(), null);
  }

  /**
   * The streamed answer of {@code mock_response}: the text in chunks of three characters, a last chunk
   * with {@code finish_reason: stop}, and the usage chunk when the request asks for it
   * ({@code stream_options.include_usage}).
   */
  ProviderStream stream(ProviderCall pc, String text) {
    String id = id();
    long created = clock.millis() / 1000;
    List<ChatChunk> chunks = new ArrayList<>(text.length() / CHUNK_CHARS + 3);
    for (int i = 0; i < text.length(); i += CHUNK_CHARS) {
      String part = text.substring(i, Math.min(text.length(), i + CHUNK_CHARS));
      chunks.add(chunk(id, created, ChunkChoice.builder().index(0).delta(ChatMessage.builder().role("assistant").content(part).build()).build()));
    }
    chunks.add(chunk(id, created, ChunkChoice.builder().index(0).delta(ChatMessage.builder().content("").build()).finishReason("stop").build()));
    var so = pc.request().streamOptions();
    if (so != null && so.path("include_usage").asBoolean(false)) {
      chunks.add(ChatChunk.builder().id(id).object("chat.completion.chunk").created(created).choices(List.of()).usage(USAGE).build());
    }
    return new ListStream(chunks);
  }

  private String id() {
    return "chatcmpl-mock-" + ids.incrementAndGet();
  }

  private static ChatChunk chunk(String id, long created, ChunkChoice c) {
    return ChatChunk.builder().id(id).object("chat.completion.chunk").created(created).choices(c).build();
  }

  /** A stream over chunks already made. */
  private static final class ListStream implements ProviderStream {
    private final List<ChatChunk> chunks;
    private int next;

    ListStream(List<ChatChunk> chunks) {
      this.chunks = chunks;
    }

    @Override
    public int status() {
      return 200;
    }

    @Override
    public Map<String, String> headers() {
      return Map.of();
    }

    @Override
    public RateSignal signal() {
      return null;
    }

    @Override
    public synchronized ChatChunk next() {
      return next < chunks.size() ? chunks.get(next++) : null;
    }

    @Override
    public synchronized void close() {
      next = chunks.size();
    }
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
