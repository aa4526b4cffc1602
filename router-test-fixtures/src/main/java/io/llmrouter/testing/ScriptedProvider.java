package io.llmrouter.testing;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Choice;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.ErrorContext;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An in-memory {@link ProviderClient} a test scripts, on a {@link TestClock}. Nothing goes near a network.
 *
 * <h2>Scripts</h2>
 * A script is kept under a <em>key</em>, which names a deployment id, a provider model id ({@link
 * Endpoint#model()}) or a provider prefix ({@link Endpoint#provider()}). A call is answered by the most
 * specific key that has something scripted for that kind of call (chat, stream or model list): the
 * deployment id first, then the model, then the prefix; with nothing scripted, by the provider's default.
 * For one key and one kind, queued steps ({@link #then}, {@link #fail}, {@link #stream(String, StreamScript)},
 * {@link #failStream}) answer one call each, in order; once they are used up the key's standing behaviour
 * ({@link #always}, {@link #alwaysFail}, {@link #alwaysStream}, {@link #listing}) answers, and without one the
 * next key in the order (or the default) does.
 *
 * <pre>{@code
 * TestClock clock = new TestClock();
 * ScriptedProvider provider = new ScriptedProvider(clock);
 * provider.fail("a", new ProviderUnavailableException("503", ScriptedProvider.errorContext(503, "groq", "a")))
 *     .then("a", call -> provider.ok(call, "recovered"))
 *     .latency("b", Duration.ofMillis(900));
 * Router router = LlmRouter.builder(config).clock(clock).sleeper(clock::sleep).providerClient(provider).build();
 * ...
 * assertThat(provider.calls()).extracting(ScriptedProvider.Call::deploymentId).containsExactly("a", "a");
 * }</pre>
 *
 * <h2>Defaults</h2>
 * An unscripted chat answers {@link #ok(ProviderCall)} ("hello from &lt;deployment id&gt;", usage 10 + 5 =
 * 15 tokens, status 200, no headers, an empty rate signal stamped now); change it with {@link #otherwise}.
 * An unscripted stream sends the chunks "hi" and " there" ({@link #defaultStream}). An unscripted model list
 * lists the endpoint's own model as a chat model. {@link #info(String)} reads a table of prefixes, by default
 * {@link #DEFAULT_INFO}.
 *
 * <h2>Time and records</h2>
 * A simulated latency ({@link #latency(Duration)}, {@link #latency(String, Duration)}) advances the clock
 * before a chat or a stream open is answered. Every chat, stream open and model list is recorded with the
 * clock's time at its start ({@link #calls()}, {@link #streamCalls()}, {@link #listCalls()}), unless
 * {@link #recordCalls(boolean) recording is off}. While recording, chats being answered are also counted
 * ({@link #inFlight()}, {@link #maxInFlight()}), so a test of a concurrency limit can check how many calls
 * overlapped (a step that waits on a latch makes them overlap).
 *
 * <p>Thread-safety: every method may be called from any thread, scripting included. The call path takes no
 * lock and, with nothing scripted and recording off, allocates only the response itself, so a JMH benchmark
 * can use it as its provider.
 */
public final class ScriptedProvider implements ProviderClient {

  /** The usage of {@link #ok(ProviderCall)}: 10 prompt + 5 completion = 15 tokens. */
  public static final Usage DEFAULT_USAGE = Usage.builder().promptTokens(10).completionTokens(5).totalTokens(15).build();

  /**
   * The default prefix table, with the real providers' base URLs and variables: {@code groq}, {@code
   * nvidia_nim}, {@code openrouter} (keys required) and {@code hosted_vllm} (no default base, no key needed).
   */
  public static final List<ProviderInfo> DEFAULT_INFO = List.of(
      new ProviderInfo("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_API_BASE", true, Set.of()),
      new ProviderInfo("nvidia_nim", "https://integrate.api.nvidia.com/v1", "NVIDIA_NIM_API_KEY", "NVIDIA_NIM_API_BASE",
          true, Set.of()),
      new ProviderInfo("openrouter", "https://openrouter.ai/api/v1", "OPENROUTER_API_KEY", "OPENROUTER_API_BASE", true,
          Set.of()),
      new ProviderInfo("hosted_vllm", null, "HOSTED_VLLM_API_KEY", "HOSTED_VLLM_API_BASE", false, Set.of()));

  /**
   * One recorded chat or stream open.
   *
   * @param call what the router sent (endpoint, request, timeout, drop-params flag)
   * @param atMillis the clock's epoch milliseconds when the call came in (before any simulated latency)
   */
  public record Call(ProviderCall call, long atMillis) {
    /** The called deployment's id. */
    public String deploymentId() {
      return call.endpoint().deploymentId();
    }

    /** The called endpoint. */
    public Endpoint endpoint() {
      return call.endpoint();
    }
  }

  /**
   * One recorded {@link #listModels(Endpoint, Duration)}.
   *
   * @param endpoint the endpoint listed
   * @param timeout the timeout the caller gave
   * @param atMillis the clock's epoch milliseconds when the call came in
   */
  public record ListCall(Endpoint endpoint, Duration timeout, long atMillis) {}

  /**
   * What one scripted stream does: its status, headers and signal, then its chunks, then either a clean end
   * ({@code next()} returns null) or a failure thrown instead of chunk number {@code failAfter}. Immutable.
   *
   * @param chunks the chunks, in order
   * @param failAfter how many chunks are delivered before {@code failure} is thrown; ignored without a failure
   * @param failure thrown by {@code next()} once {@code failAfter} chunks were delivered (and on every later
   *     call until the stream is closed), or null for a clean end
   * @param status the stream's HTTP status
   * @param headers the stream's rate-limit headers
   * @param signal the stream's rate signal, or null for an empty signal stamped when the stream opens
   */
  public record StreamScript(
      List<ChatChunk> chunks, int failAfter, RuntimeException failure, int status, Map<String, String> headers,
      RateSignal signal) {
    /**
     * Copies the chunks and headers.
     *
     * @throws IllegalArgumentException if {@code failAfter} is negative or beyond the chunks
     */
    public StreamScript {
      chunks = List.copyOf(chunks);
      headers = headers == null ? Map.of() : Map.copyOf(headers);
      if (failAfter < 0 || failAfter > chunks.size()) {
        throw new IllegalArgumentException("failAfter must be between 0 and " + chunks.size() + ", got " + failAfter);
      }
    }

    /** A stream of {@code chunks} that ends cleanly, status 200, no headers. */
    public static StreamScript of(ChatChunk... chunks) {
      return of(List.of(chunks));
    }

    /** A stream of {@code chunks} that ends cleanly, status 200, no headers. */
    public static StreamScript of(List<ChatChunk> chunks) {
      return new StreamScript(chunks, chunks.size(), null, 200, Map.of(), null);
    }

    /** This stream, but throwing {@code failure} after its last chunk instead of ending. */
    public StreamScript failing(RuntimeException failure) {
      return failingAfter(chunks.size(), failure);
    }

    /** This stream, but throwing {@code failure} after {@code n} chunks (the rest are never sent). */
    public StreamScript failingAfter(int n, RuntimeException failure) {
      return new StreamScript(chunks, n, Objects.requireNonNull(failure, "failure"), status, headers, signal);
    }

    /** This stream with these response headers. */
    public StreamScript withHeaders(Map<String, String> headers) {
      return new StreamScript(chunks, failAfter, failure, status, headers, signal);
    }

    /** This stream with this HTTP status. */
    public StreamScript withStatus(int status) {
      return new StreamScript(chunks, failAfter, failure, status, headers, signal);
    }

    /** This stream with this rate signal. */
    public StreamScript withSignal(RateSignal signal) {
      return new StreamScript(chunks, failAfter, failure, status, headers, signal);
    }
  }

  private final TestClock clock;
  private volatile Map<String, ProviderInfo> info;
  private volatile Set<String> prefixes;
  private final ConcurrentHashMap<String, Script> scripts = new ConcurrentHashMap<>();
  // Read first on every call: while nothing is scripted the call path does no map lookup at all.
  private volatile boolean scripted;
  private volatile boolean recording = true;
  private volatile Duration latency;
  private volatile Function<ProviderCall, ProviderResponse<ChatResponse>> otherwise = this::ok;
  private volatile StreamScript defaultStream = StreamScript.of(chunk("hi"), chunk(" there"));
  private final ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<Call> streamCalls = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<ListCall> listCalls = new ConcurrentLinkedQueue<>();
  private final AtomicInteger openStreams = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private volatile boolean closed;

  /** A provider on its own {@link TestClock} (starting at {@link TestClock#DEFAULT_START}) with {@link #DEFAULT_INFO}. */
  public ScriptedProvider() {
    this(new TestClock());
  }

  /** A provider on {@code clock} with the prefix table {@link #DEFAULT_INFO}. */
  public ScriptedProvider(TestClock clock) {
    this(clock, DEFAULT_INFO);
  }

  /**
   * A provider on {@code clock} whose prefixes are exactly those of {@code info}.
   *
   * @throws IllegalArgumentException if two entries share a prefix
   */
  public ScriptedProvider(TestClock clock, Collection<ProviderInfo> info) {
    this.clock = Objects.requireNonNull(clock, "clock");
    Map<String, ProviderInfo> table = new LinkedHashMap<>();
    for (ProviderInfo i : info) {
      if (table.put(i.prefix(), i) != null) throw new IllegalArgumentException("prefix " + i.prefix() + " given twice");
    }
    setInfo(table);
  }

  /**
   * A made-up entry for {@code prefix}: base {@code https://<prefix>.example/v1}, variables {@code
   * <PREFIX>_API_KEY} and {@code <PREFIX>_API_BASE}, no key required, nothing rejected.
   */
  public static ProviderInfo exampleInfo(String prefix) {
    String p = prefix.toUpperCase(Locale.ROOT);
    return new ProviderInfo(prefix, "https://" + prefix + ".example/v1", p + "_API_KEY", p + "_API_BASE", false, Set.of());
  }

  /** The clock this provider stamps and advances. */
  public TestClock clock() {
    return clock;
  }

  // ---------------------------------------------------------------- configuration

  /** Adds or replaces the table entry for {@code info.prefix()}. @return this */
  public ScriptedProvider putInfo(ProviderInfo info) {
    synchronized (this) {
      Map<String, ProviderInfo> table = new LinkedHashMap<>(this.info);
      table.put(info.prefix(), info);
      setInfo(table);
    }
    return this;
  }

  /** Sets the latency every chat and stream open takes (advanced on the clock); null or zero for none. @return this */
  public ScriptedProvider latency(Duration latency) {
    this.latency = latency == null || latency.isZero() ? null : nonNegative(latency);
    return this;
  }

  /** Sets the latency of calls matching {@code key}, instead of the provider-wide one. @return this */
  public ScriptedProvider latency(String key, Duration latency) {
    script(key).latency = nonNegative(Objects.requireNonNull(latency, "latency"));
    return this;
  }

  /** Turns recording of calls on (the default) or off (for benchmarks: no allocation, no growth). @return this */
  public ScriptedProvider recordCalls(boolean on) {
    this.recording = on;
    return this;
  }

  /** Sets what a chat with nothing scripted does (by default {@link #ok(ProviderCall)}). @return this */
  public ScriptedProvider otherwise(Function<ProviderCall, ProviderResponse<ChatResponse>> step) {
    this.otherwise = Objects.requireNonNull(step, "step");
    return this;
  }

  /** Sets what a stream with nothing scripted sends (by default the chunks "hi" and " there"). @return this */
  public ScriptedProvider defaultStream(StreamScript stream) {
    this.defaultStream = Objects.requireNonNull(stream, "stream");
    return this;
  }

  // ---------------------------------------------------------------- chat scripts

  /**
   * Queues one chat step for {@code key}: a function of the call that returns the response or throws (a
   * {@link io.llmrouter.api.ProviderException} as a real client would). @return this
   */
  public ScriptedProvider then(String key, Function<ProviderCall, ProviderResponse<ChatResponse>> step) {
    script(key).chat.add(Objects.requireNonNull(step, "step"));
    return this;
  }

  /** Queues one fixed response for {@code key}. @return this */
  public ScriptedProvider respond(String key, ProviderResponse<ChatResponse> response) {
    Objects.requireNonNull(response, "response");
    return then(key, c -> response);
  }

  /** Queues one failure for {@code key}: the next matching chat throws {@code e}. @return this */
  public ScriptedProvider fail(String key, RuntimeException e) {
    Objects.requireNonNull(e, "e");
    return then(key, c -> { throw e; });
  }

  /** Sets what chats matching {@code key} do once its queue is used up. @return this */
  public ScriptedProvider always(String key, Function<ProviderCall, ProviderResponse<ChatResponse>> step) {
    script(key).chatAlways = Objects.requireNonNull(step, "step");
    return this;
  }

  /** Makes every chat matching {@code key} throw {@code e} once its queue is used up. @return this */
  public ScriptedProvider alwaysFail(String key, RuntimeException e) {
    Objects.requireNonNull(e, "e");
    return always(key, c -> { throw e; });
  }

  // ---------------------------------------------------------------- stream scripts

  /** Queues one stream for {@code key}. @return this */
  public ScriptedProvider stream(String key, StreamScript stream) {
    Objects.requireNonNull(stream, "stream");
    script(key).stream.add(c -> stream);
    return this;
  }

  /** Queues one failure to open a stream for {@code key}: the next matching stream open throws {@code e}. @return this */
  public ScriptedProvider failStream(String key, RuntimeException e) {
    Objects.requireNonNull(e, "e");
    script(key).stream.add(c -> { throw e; });
    return this;
  }

  /** Sets what stream opens matching {@code key} send once its queue is used up. @return this */
  public ScriptedProvider alwaysStream(String key, StreamScript stream) {
    Objects.requireNonNull(stream, "stream");
    script(key).streamAlways = c -> stream;
    return this;
  }

  // ---------------------------------------------------------------- model-list scripts

  /** Makes {@link #listModels} for endpoints matching {@code key} (typically a prefix) return {@code models}. @return this */
  public ScriptedProvider listing(String key, ModelListing... models) {
    List<ModelListing> list = List.of(models);
    // A fresh mutable copy per call, as a real client parses a fresh list: callers may sort it in place.
    return listing(key, e -> new ProviderResponse<>(new ArrayList<>(list), 200, Map.of(), RateSignal.none(clock.instant())));
  }

  /** Makes {@link #listModels} for endpoints matching {@code key} answer with {@code f} (which may throw). @return this */
  public ScriptedProvider listing(String key, Function<Endpoint, ProviderResponse<List<ModelListing>>> f) {
    script(key).listing = Objects.requireNonNull(f, "f");
    return this;
  }

  /** Makes {@link #listModels} for endpoints matching {@code key} throw {@code e}. @return this */
  public ScriptedProvider failListing(String key, RuntimeException e) {
    Objects.requireNonNull(e, "e");
    return listing(key, ep -> { throw e; });
  }

  // ---------------------------------------------------------------- records

  /** Every chat so far, in arrival order; an immutable snapshot. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /** How many chats so far went to a deployment id, model or prefix equal to {@code key}. */
  public long callsTo(String key) {
    return calls.stream().filter(c -> matches(c.endpoint(), key)).count();
  }

  /** The deployment ids of every chat so far, in arrival order. */
  public List<String> order() {
    return calls.stream().map(Call::deploymentId).toList();
  }

  /** Every stream open so far (failed opens included), in arrival order; an immutable snapshot. */
  public List<Call> streamCalls() {
    return List.copyOf(streamCalls);
  }

  /** Every model list so far, in arrival order; an immutable snapshot. */
  public List<ListCall> listCalls() {
    return List.copyOf(listCalls);
  }

  /**
   * Forgets every recorded chat, stream open and model list (scripts stay), and restarts {@link #maxInFlight()}
   * from the chats in flight now.
   */
  public void clearCalls() {
    calls.clear();
    streamCalls.clear();
    listCalls.clear();
    maxInFlight.set(inFlight.get());
  }

  /**
   * How many chats are being answered right now: come in, and neither returned nor thrown yet (a simulated
   * latency and the scripted step both count). Counted only while recording is on.
   */
  public int inFlight() {
    return inFlight.get();
  }

  /** The most chats that were being answered at once so far (since {@link #clearCalls()}); see {@link #inFlight()}. */
  public int maxInFlight() {
    return maxInFlight.get();
  }

  /** How many streams this provider opened that are not closed yet. */
  public int openStreams() {
    return openStreams.get();
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- responses

  /** A 200 answer to {@code call}: "hello from &lt;deployment id&gt;", {@link #DEFAULT_USAGE}, no headers. */
  public ProviderResponse<ChatResponse> ok(ProviderCall call) {
    return ok(call, "hello from " + call.endpoint().deploymentId());
  }

  /** A 200 answer to {@code call} saying {@code text}, with {@link #DEFAULT_USAGE}, no headers, an empty signal. */
  public ProviderResponse<ChatResponse> ok(ProviderCall call, String text) {
    return ok(call, text, DEFAULT_USAGE, 200, Map.of(), RateSignal.none(clock.instant()));
  }

  /** A 200 answer to {@code call} saying {@code text} with these rate signal and headers, {@link #DEFAULT_USAGE}. */
  public ProviderResponse<ChatResponse> ok(ProviderCall call, String text, RateSignal signal, Map<String, String> headers) {
    return ok(call, text, DEFAULT_USAGE, 200, headers, signal);
  }

  /**
   * An answer to {@code call} saying {@code text}: a {@code chat.completion} of the endpoint's model, created
   * now, one choice finished with {@code stop}.
   *
   * @param usage the reported usage, or null for none
   * @param status the HTTP status
   * @param headers the rate-limit headers
   * @param signal the rate signal (null means an empty one stamped now)
   */
  public ProviderResponse<ChatResponse> ok(
      ProviderCall call, String text, Usage usage, int status, Map<String, String> headers, RateSignal signal) {
    long nowMillis = clock.millis();
    ChatResponse r = chatResponse(call.endpoint().model(), text, usage, Math.floorDiv(nowMillis, 1000L));
    return new ProviderResponse<>(r, status, headers, signal != null ? signal : RateSignal.none(clock.instant()));
  }

  /** A {@code chat.completion} from {@code model} saying {@code text} with one choice finished with {@code stop}. */
  public static ChatResponse chatResponse(String model, String text, Usage usage, long createdEpochSeconds) {
    return ChatResponse.builder().id("chatcmpl-1").object("chat.completion").created(createdEpochSeconds).model(model)
        .choices(Choice.builder().index(0).message(ChatMessage.assistant(text)).finishReason("stop").build())
        .usage(usage).build();
  }

  /** An error context for a scripted failure: no headers, no body, an empty signal. */
  public static ErrorContext errorContext(int status, String provider, String deploymentId) {
    return errorContext(status, provider, deploymentId, null);
  }

  /**
   * An error context for a scripted failure whose response said {@code body} (what a classifier of error
   * wording reads): no headers, an empty signal.
   */
  public static ErrorContext errorContext(int status, String provider, String deploymentId, String body) {
    return new ErrorContext(status, provider, deploymentId, Map.of(), body, null);
  }

  /** A stream chunk whose delta carries {@code text}. */
  public static ChatChunk chunk(String text) {
    return ChatChunk.builder().id("chatcmpl-1").object("chat.completion.chunk").created(1L).model("m")
        .choices(ChunkChoice.builder().index(0).delta(ChatMessage.builder().content(text).build()).build()).build();
  }

  /** The opening stream chunk that carries only {@code role: assistant} and no content. */
  public static ChatChunk roleChunk() {
    return ChatChunk.builder().id("chatcmpl-1").object("chat.completion.chunk").created(1L).model("m")
        .choices(ChunkChoice.builder().index(0).delta(ChatMessage.builder().role("assistant").build()).build()).build();
  }

  /** A chat model of {@code id} with a 131,072-token context window, as a listing would show it. */
  public static ModelListing chatModel(String id) {
    return new ModelListing(id, 131072, true, null, null);
  }

  // ---------------------------------------------------------------- ProviderClient

  /** The prefixes of the info table. */
  @Override
  public Set<String> prefixes() {
    return prefixes;
  }

  /** The info table's entry for {@code prefix}. @throws IllegalArgumentException for a prefix not in the table */
  @Override
  public ProviderInfo info(String prefix) {
    ProviderInfo i = info.get(prefix);
    if (i == null) throw new IllegalArgumentException("unknown prefix " + prefix + "; known: " + prefixes);
    return i;
  }

  /** Records the call, waits the simulated latency on the clock, and answers as scripted (counted in flight meanwhile). */
  @Override
  public ProviderResponse<ChatResponse> chat(ProviderCall call) {
    if (!recording) return answer(call);
    calls.add(new Call(call, clock.millis()));
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      return answer(call);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private ProviderResponse<ChatResponse> answer(ProviderCall call) {
    Endpoint e = call.endpoint();
    Function<ProviderCall, ProviderResponse<ChatResponse>> step = null;
    Duration wait = latency;
    if (scripted) {
      Script s = find(e, Kind.LATENCY);
      if (s != null) wait = s.latency;
      s = find(e, Kind.CHAT);
      if (s != null) step = s.nextChat();
    }
    if (wait != null) clock.advanceQuietly(wait);
    if (step == null) step = otherwise;
    return step.apply(call);
  }

  /** Records the open, waits the simulated latency on the clock, and opens the scripted stream (or throws). */
  @Override
  public ProviderStream stream(ProviderCall call) {
    Endpoint e = call.endpoint();
    if (recording) streamCalls.add(new Call(call, clock.millis()));
    Function<ProviderCall, StreamScript> step = null;
    Duration wait = latency;
    if (scripted) {
      Script s = find(e, Kind.LATENCY);
      if (s != null) wait = s.latency;
      s = find(e, Kind.STREAM);
      if (s != null) step = s.nextStream();
    }
    if (wait != null) clock.advanceQuietly(wait);
    StreamScript script = step == null ? defaultStream : step.apply(call);
    return new Stream(script, script.signal() != null ? script.signal() : RateSignal.none(clock.instant()));
  }

  /** Records the call and answers as scripted; by default lists the endpoint's own model as a chat model. */
  @Override
  public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
    if (recording) listCalls.add(new ListCall(endpoint, timeout, clock.millis()));
    Script s = scripted ? find(endpoint, Kind.LISTING) : null;
    if (s != null) return s.listing.apply(endpoint);
    List<ModelListing> own = new ArrayList<>(List.of(new ModelListing(endpoint.model(), null, true, null, null)));
    return new ProviderResponse<>(own, 200, Map.of(), RateSignal.none(clock.instant()));
  }

  /** Marks this provider closed ({@link #isClosed()}); it keeps answering, as tests may inspect it afterwards. */
  @Override
  public void close() {
    closed = true;
  }

  // ---------------------------------------------------------------- internals

  private enum Kind { CHAT, STREAM, LISTING, LATENCY }

  private static final class Script {
    final ConcurrentLinkedQueue<Function<ProviderCall, ProviderResponse<ChatResponse>>> chat = new ConcurrentLinkedQueue<>();
    volatile Function<ProviderCall, ProviderResponse<ChatResponse>> chatAlways;
    final ConcurrentLinkedQueue<Function<ProviderCall, StreamScript>> stream = new ConcurrentLinkedQueue<>();
    volatile Function<ProviderCall, StreamScript> streamAlways;
    volatile Function<Endpoint, ProviderResponse<List<ModelListing>>> listing;
    volatile Duration latency;

    boolean has(Kind k) {
      return switch (k) {
        case CHAT -> chatAlways != null || !chat.isEmpty();
        case STREAM -> streamAlways != null || !stream.isEmpty();
        case LISTING -> listing != null;
        case LATENCY -> latency != null;
      };
    }

    // Null when another caller took the last queued step between has() and here: the caller falls back.
    Function<ProviderCall, ProviderResponse<ChatResponse>> nextChat() {
      Function<ProviderCall, ProviderResponse<ChatResponse>> f = chat.poll();
      return f != null ? f : chatAlways;
    }

    Function<ProviderCall, StreamScript> nextStream() {
      Function<ProviderCall, StreamScript> f = stream.poll();
      return f != null ? f : streamAlways;
    }
  }

  private Script script(String key) {
    Objects.requireNonNull(key, "key");
    Script s = scripts.computeIfAbsent(key, k -> new Script());
    scripted = true;
    return s;
  }

  private Script find(Endpoint e, Kind kind) {
    Script s = lookup(e.deploymentId(), kind);
    if (s == null) s = lookup(e.model(), kind);
    if (s == null) s = lookup(e.provider(), kind);
    return s;
  }

  private Script lookup(String key, Kind kind) {
    if (key == null) return null;
    Script s = scripts.get(key);
    return s != null && s.has(kind) ? s : null;
  }

  private static boolean matches(Endpoint e, String key) {
    return key.equals(e.deploymentId()) || key.equals(e.model()) || key.equals(e.provider());
  }

  private void setInfo(Map<String, ProviderInfo> table) {
    this.info = Map.copyOf(table);
    this.prefixes = Set.copyOf(table.keySet());
  }

  private static Duration nonNegative(Duration d) {
    if (d.isNegative()) throw new IllegalArgumentException("latency must not be negative: " + d);
    return d;
  }

  private final class Stream implements ProviderStream {
    private final StreamScript script;
    private final RateSignal signal;
    private int sent;
    private final AtomicBoolean closedStream = new AtomicBoolean();

    Stream(StreamScript script, RateSignal signal) {
      this.script = script;
      this.signal = signal;
      openStreams.incrementAndGet();
    }

    @Override
    public int status() {
      return script.status();
    }

    @Override
    public Map<String, String> headers() {
      return script.headers();
    }

    @Override
    public RateSignal signal() {
      return signal;
    }

    @Override
    public ChatChunk next() {
      if (closedStream.get()) return null;
      if (script.failure() != null && sent >= script.failAfter()) throw script.failure();
      return sent < script.chunks().size() ? script.chunks().get(sent++) : null;
    }

    @Override
    public void close() {
      if (closedStream.compareAndSet(false, true)) openStreams.decrementAndGet();
    }
  }
}
