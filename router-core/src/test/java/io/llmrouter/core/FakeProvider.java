package io.llmrouter.core;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Choice;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * An in-memory provider scripted per deployment id. Each deployment answers with its queued steps in
 * order, then with its default behaviour (a plain success). Records every call with the clock's time.
 */
final class FakeProvider implements ProviderClient {
  record Call(String deploymentId, long at, ProviderCall call) {}

  /** A scripted stream: chunks, then an optional error thrown instead of the next chunk. */
  record StreamScript(List<ChatChunk> chunks, ProviderException errorAfter) {}

  final TestClock clock;
  final List<Call> calls = new CopyOnWriteArrayList<>();
  final List<Call> streams = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Function<ProviderCall, ProviderResponse<ChatResponse>>>> script = new ConcurrentHashMap<>();
  private final Map<String, Function<ProviderCall, ProviderResponse<ChatResponse>>> defaults = new ConcurrentHashMap<>();
  private final Map<String, Deque<Object>> streamScript = new ConcurrentHashMap<>();
  final Map<String, Function<Endpoint, ProviderResponse<List<ModelListing>>>> listings = new ConcurrentHashMap<>();

  FakeProvider(TestClock clock) {
    this.clock = clock;
  }

  /** Queues one step for {@code id}. */
  FakeProvider then(String id, Function<ProviderCall, ProviderResponse<ChatResponse>> step) {
    script.computeIfAbsent(id, k -> new ArrayDeque<>()).add(step);
    return this;
  }

  /** Queues one failure for {@code id}. */
  FakeProvider fail(String id, ProviderException e) {
    return then(id, c -> { throw e; });
  }

  /** Sets what {@code id} does once its queue is empty. */
  FakeProvider always(String id, Function<ProviderCall, ProviderResponse<ChatResponse>> step) {
    defaults.put(id, step);
    return this;
  }

  /** Queues a stream for {@code id}: an exception (thrown at open) or a {@link StreamScript}. */
  FakeProvider stream(String id, Object openErrorOrScript) {
    streamScript.computeIfAbsent(id, k -> new ArrayDeque<>()).add(openErrorOrScript);
    return this;
  }

  long callsTo(String id) {
    return calls.stream().filter(c -> c.deploymentId().equals(id)).count();
  }

  List<String> order() {
    return calls.stream().map(Call::deploymentId).toList();
  }

  ProviderResponse<ChatResponse> ok(ProviderCall c) {
    return ok(c, "hello from " + c.endpoint().deploymentId(), RateSignal.none(clock.instant()), Map.of());
  }

  ProviderResponse<ChatResponse> ok(ProviderCall c, String text, RateSignal signal, Map<String, String> headers) {
    ChatResponse r = ChatResponse.builder().id("x").object("chat.completion").created(1L).model(c.endpoint().model())
        .choices(Choice.builder().index(0).message(ChatMessage.assistant(text)).finishReason("stop").build())
        .usage(Usage.builder().promptTokens(10).completionTokens(5).totalTokens(15).build()).build();
    return new ProviderResponse<>(r, 200, headers, signal);
  }

  static ErrorContext ctx(int status, String id) {
    return new ErrorContext(status, "groq", id, Map.of(), null, null);
  }

  static ChatChunk chunk(String text) {
    return ChatChunk.builder().id("c").object("chat.completion.chunk").created(1L).model("m")
        .choices(ChunkChoice.builder().index(0).delta(ChatMessage.builder().content(text).build()).build()).build();
  }

  static ChatChunk roleChunk() {
    return ChatChunk.builder().id("c").object("chat.completion.chunk").created(1L).model("m")
        .choices(ChunkChoice.builder().index(0).delta(ChatMessage.builder().role("assistant").build()).build()).build();
  }

  @Override
  public Set<String> prefixes() {
    return Set.of("groq", "openrouter");
  }

  @Override
  public ProviderInfo info(String prefix) {
    if (!prefixes().contains(prefix)) throw new IllegalArgumentException("unknown prefix " + prefix);
    String p = prefix.toUpperCase();
    return new ProviderInfo(prefix, "https://" + prefix + ".example/v1", p + "_API_KEY", p + "_API_BASE", false, Set.of());
  }

  @Override
  public ProviderResponse<ChatResponse> chat(ProviderCall call) {
    String id = call.endpoint().deploymentId();
    calls.add(new Call(id, clock.millis(), call));
    Deque<Function<ProviderCall, ProviderResponse<ChatResponse>>> q = script.get(id);
    Function<ProviderCall, ProviderResponse<ChatResponse>> step = null;
    if (q != null) {
      synchronized (q) {
        step = q.poll();
      }
    }
    if (step == null) step = defaults.getOrDefault(id, this::ok);
    return step.apply(call);
  }

  @Override
  public ProviderStream stream(ProviderCall call) {
    String id = call.endpoint().deploymentId();
    streams.add(new Call(id, clock.millis(), call));
    Deque<Object> q = streamScript.get(id);
    Object s = q == null ? null : q.poll();
    if (s instanceof ProviderException e) throw e;
    StreamScript sc = s != null ? (StreamScript) s : new StreamScript(List.of(chunk("hi"), chunk(" there")), null);
    Deque<ChatChunk> left = new ArrayDeque<>(sc.chunks());
    return new ProviderStream() {
      @Override
      public int status() {
        return 200;
      }

      @Override
      public Map<String, String> headers() {
        return Map.of("x-ratelimit-remaining-requests", "5");
      }

      @Override
      public RateSignal signal() {
        return RateSignal.none(clock.instant());
      }

      @Override
      public ChatChunk next() {
        ChatChunk c = left.poll();
        if (c == null && sc.errorAfter() != null) throw sc.errorAfter();
        return c;
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
    Function<Endpoint, ProviderResponse<List<ModelListing>>> f = listings.get(endpoint.deploymentId());
    if (f == null) return new ProviderResponse<>(new ArrayList<>(List.of(new ModelListing(endpoint.model(), null, true, null, null))), 200, Map.of(), null);
    return f.apply(endpoint);
  }

  @Override
  public void close() {}
}
