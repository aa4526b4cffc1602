package io.llmrouter.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;

/**
 * Plays the free tiers of Groq, OpenRouter, NVIDIA NIM, a local vLLM, Cerebras and Gemini on 127.0.0.1, one
 * OpenAI-compatible HTTP endpoint per provider, all counting quota on one {@link VirtualClock}.
 *
 * <pre>{@code
 * VirtualClock clock = VirtualClock.manual();
 * try (ProviderSimulator sim = ProviderSimulator.builder().clock(clock).seed(42).build().start()) {
 *   Map<String, String> env = sim.env();          // GROQ_API_BASE, GROQ_API_KEY, OPENROUTER_API_BASE, ...
 *   // point the code under test at env, send requests, clock.advance(Duration.ofMinutes(1)), ...
 *   ModelStats s = sim.stats(SimProvider.GROQ, "llama-3.3-70b-versatile");
 * }
 * }</pre>
 *
 * <p><b>Faithfulness.</b> Every model enforces its RPM/RPD/TPM/TPD with the provider's own algorithm (Groq and
 * Cerebras: continuously refilling buckets; NIM: rolling windows; OpenRouter: minute boundaries and UTC
 * midnight; Gemini: rolling minute, midnight-Pacific day), answers with the provider's headers and value
 * formats, and words its 429, context-length, unknown/decommissioned-model and auth errors as the provider
 * does. Tokens are {@link SimTokens} estimates (characters / 4) of the messages; a request charges its
 * prompt plus the completion it receives. Answers are a deterministic echo of the last user message, or a
 * tool call to the first (or named) tool when the request carries {@code tools}.
 *
 * <p><b>Embeddings.</b> NVIDIA NIM, Gemini and vLLM also serve {@code POST /embeddings} for their
 * {@link SimModel.Kind#EMBEDDING} models, with the same keys, quota windows (an embedding charges its input
 * tokens), outages and faults as chat ({@link Fault#malformedBody()} answers 200 without {@code data}); see
 * {@link SimEmbeddings} for each provider's quirks.
 *
 * <p><b>Time.</b> Quota is counted on the clock only. In manual-clock mode the configured latency is
 * <em>recorded</em> in each {@link SimEvent} and in Groq/Cerebras timing fields but never slept, so a
 * day of traffic replays as fast as the client can send it; with a running clock the response is really
 * delayed by {@code latency / speed}. Only a {@link Fault#stall(Duration)} always waits real time.
 *
 * <p><b>OpenRouter's key endpoint.</b> {@code GET /api/v1/key} answers the key's limits for a valid key, 401
 * without one, and 401 "User not found." once {@link #openRouterKeyRevoked(boolean)} revoked it; with the
 * {@link Fault#userNotFound()} fault a chat request gets that same 401 while the key is valid (the $0-credit
 * Venice case), so a client can tell the two apart only by asking the key endpoint.
 *
 * <p><b>Server.</b> One embedded HTTP/1.1 server (Jetty 12) per provider: a pool thread per request
 * (hundreds of concurrent clients are fine), real connection resets and truncated bodies at the socket, and
 * each provider can be stopped (connection refused) and restarted on its port. No test library comes with
 * it: the testkit puts no JUnit on anyone's class path. SSE
 * bodies are produced whole and sent chunked: the client parses them incrementally, but chunks are not
 * spaced in time (simulated latency applies before the first byte).
 *
 * <p><b>Determinism.</b> Decisions (faults drawn with probability, latency jitter) come from one
 * {@link Random} seeded by {@link Builder#seed(long)} and are taken under one lock in arrival order, so the
 * same requests sent in the same order on the same clock produce the same events and bodies.
 *
 * <p>Thread-safety: all public methods are thread-safe. {@link #start()} once, {@link #close()} any time.
 */
public final class ProviderSimulator implements AutoCloseable {

  private final VirtualClock clock;
  private final Random random;
  private final Set<SimProvider> providers;
  private final Map<SimProvider, Wire> wires = new EnumMap<>(SimProvider.class);
  private final Map<SimProvider, Map<String, ModelState>> states = new EnumMap<>(SimProvider.class);
  private final Map<SimProvider, Duration[]> latency;
  private final int openRouterKeepAlives;
  private final Object lock = new Object();
  // guarded by lock
  private final List<FaultRule> faults = new ArrayList<>();
  // guarded by lock
  private boolean openRouterKeyRevoked;
  private long openRouterKeyChecks;
  private final List<SimEvent> events = new ArrayList<>();
  // The raw chat requests, newest last; bounded so a long scenario does not keep every body.
  private final java.util.ArrayDeque<SimRequest> received = new java.util.ArrayDeque<>();
  private static final int MAX_RECEIVED = 10_000;
  private final Map<SimProvider, Outage> outages = new EnumMap<>(SimProvider.class);
  private final Map<SimProvider, SimServer> servers = new EnumMap<>(SimProvider.class);
  private final Map<SimProvider, Integer> ports = new EnumMap<>(SimProvider.class);
  private long seq;
  private boolean started;
  private boolean closed;

  private ProviderSimulator(Builder b) {
    this.clock = b.clock != null ? b.clock : VirtualClock.manual();
    this.random = new Random(b.seed);
    this.providers = Collections.unmodifiableSet(EnumSet.copyOf(b.providers));
    this.latency = new EnumMap<>(b.latency);
    this.openRouterKeepAlives = b.openRouterKeepAlives;
    Instant now = clock.instant();
    RateWindow sharedFreeCap = b.freeCapAccountWide && b.freeDailyCap > 0
        ? Wire.of(SimProvider.OPENROUTER).newWindow(Limit.RPD, b.freeDailyCap, now) : null;
    for (SimProvider p : providers) {
      Wire w = Wire.of(p);
      wires.put(p, w);
      Map<String, ModelState> byId = new LinkedHashMap<>();
      for (SimModel m : b.models.values()) {
        if (m.provider() != p) {
          continue;
        }
        ModelState st = new ModelState(m);
        addWindow(st, w, Limit.RPM, m.rpm(), now);
        if (p == SimProvider.OPENROUTER) {
          // The free daily cap is OpenRouter's, not the model's: "free-models-per-day".
          if (m.free() && b.freeDailyCap > 0) {
            st.windows.put(Limit.RPD, sharedFreeCap != null ? sharedFreeCap : w.newWindow(Limit.RPD, b.freeDailyCap, now));
          }
        } else {
          addWindow(st, w, Limit.RPD, m.rpd(), now);
        }
        addWindow(st, w, Limit.TPM, m.tpm(), now);
        addWindow(st, w, Limit.TPD, m.tpd(), now);
        byId.put(m.id(), st);
      }
      states.put(p, byId);
    }
    for (FaultRule r : b.faults) {
      faults.add(r.copy());
    }
  }

  private static void addWindow(ModelState st, Wire w, Limit limit, int capacity, Instant now) {
    if (capacity > 0) {
      st.windows.put(limit, w.newWindow(limit, capacity, now));
    }
  }

  /** A builder with every provider, the {@link SimCatalog#defaults() default catalog}, seed 0 and no latency. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------------------------------ lifecycle

  /**
   * Binds one loopback port per provider and starts serving.
   *
   * @return this simulator
   * @throws IllegalStateException if already started or closed
   * @throws UncheckedIOException if a port cannot be bound
   */
  public ProviderSimulator start() {
    synchronized (lock) {
      if (started || closed) {
        throw new IllegalStateException(closed ? "simulator is closed" : "simulator already started");
      }
      started = true;
    }
    for (SimProvider p : providers) {
      startServer(p, 0);
    }
    return this;
  }

  private void startServer(SimProvider p, int port) {
    SimServer server;
    try {
      server = new SimServer(p.name().toLowerCase(java.util.Locale.ROOT), port, call -> {
        try {
          return handle(p, call);
        } catch (RuntimeException e) {
          // A simulator bug must still end the call with a response, never a hang.
          return new SimServer.Answer(500).header("Content-Type", "text/plain").body("provider simulator failure: " + e);
        }
      });
    } catch (UncheckedIOException e) {
      throw new UncheckedIOException("cannot bind the simulated " + p + " endpoint on 127.0.0.1:" + port, e.getCause());
    }
    synchronized (lock) {
      servers.put(p, server);
      ports.put(p, server.port());
    }
  }

  /** Stops every endpoint. Idempotent; never throws. */
  @Override
  public void close() {
    List<SimServer> toStop;
    synchronized (lock) {
      closed = true;
      toStop = new ArrayList<>(servers.values());
      servers.clear();
    }
    for (SimServer s : toStop) {
      s.stop();
    }
  }

  // ------------------------------------------------------------------------------------------ addresses

  /**
   * The provider's base URL, e.g. {@code http://127.0.0.1:41234/openai/v1} (no trailing slash): what a
   * config's {@code api_base} should hold.
   *
   * @throws IllegalStateException if not started, or the provider is not simulated
   */
  public String baseUrl(SimProvider provider) {
    synchronized (lock) {
      Integer port = ports.get(provider);
      if (!started || port == null) {
        throw new IllegalStateException(!started ? "simulator not started" : provider + " is not simulated");
      }
      return "http://127.0.0.1:" + port + provider.pathPrefix();
    }
  }

  /**
   * {@code <PREFIX>_API_BASE} and {@code <PREFIX>_API_KEY} for every simulated provider (e.g.
   * {@code GROQ_API_BASE}, {@code GROQ_API_KEY}, {@code NVIDIA_NIM_API_BASE}, {@code HOSTED_VLLM_API_BASE}):
   * overlay it on the environment so a config using {@code os.environ/...} keys reaches the simulator.
   * The keys are fake and shaped like the real ones.
   *
   * @return an unmodifiable map
   * @throws IllegalStateException if not started
   */
  public Map<String, String> env() {
    Map<String, String> env = new LinkedHashMap<>();
    for (SimProvider p : providers) {
      env.put(p.apiBaseVariable(), baseUrl(p));
      env.put(p.apiKeyVariable(), p.fakeKey());
    }
    return Collections.unmodifiableMap(env);
  }

  /** The clock every simulated provider counts quota on. */
  public VirtualClock clock() {
    return clock;
  }

  /** The simulated providers. */
  public Set<SimProvider> providers() {
    return providers;
  }

  /** The models {@code provider} serves or lists, in catalog order. */
  public List<SimModel> models(SimProvider provider) {
    synchronized (lock) {
      Map<String, ModelState> byId = states.getOrDefault(provider, Map.of());
      List<SimModel> out = new ArrayList<>();
      for (ModelState st : byId.values()) {
        out.add(st.model);
      }
      return List.copyOf(out);
    }
  }

  // ------------------------------------------------------------------------------------------ knobs

  /**
   * Injects {@code fault} into the next {@code count} chat requests to {@code provider} (any model when
   * {@code model} is null).
   *
   * @throws IllegalArgumentException if {@code count} is not positive or the fault is OpenRouter-only
   */
  public void failNext(SimProvider provider, String model, Fault fault, int count) {
    FaultRule rule = FaultRule.next(provider, model, fault, count);
    synchronized (lock) {
      faults.add(rule);
    }
  }

  /**
   * Injects {@code fault} into each chat request to {@code provider} (any model when {@code model} is null)
   * with {@code probability}, drawn from the seeded random.
   *
   * @throws IllegalArgumentException if the probability is outside (0, 1] or the fault is OpenRouter-only
   */
  public void failWithProbability(SimProvider provider, String model, Fault fault, double probability) {
    FaultRule rule = FaultRule.probability(provider, model, fault, probability);
    synchronized (lock) {
      faults.add(rule);
    }
  }

  /**
   * Makes OpenRouter treat its key as revoked ({@code true}) or valid again: when revoked,
   * {@code GET /api/v1/key} and every chat request answer 401 "User not found.", as OpenRouter does for a
   * deleted key. Valid by default, so {@link Fault#userNotFound()} alone gives the misleading 401 on a good key.
   */
  public void openRouterKeyRevoked(boolean revoked) {
    synchronized (lock) {
      openRouterKeyRevoked = revoked;
    }
  }

  /** How many times OpenRouter's {@code GET /api/v1/key} was called. */
  public long openRouterKeyChecks() {
    synchronized (lock) {
      return openRouterKeyChecks;
    }
  }

  /** Removes every injected fault (spent or not). */
  public void clearFaults() {
    synchronized (lock) {
      faults.clear();
    }
  }

  /**
   * Takes a whole provider down: {@link Outage#REFUSE_CONNECTIONS} closes its port, {@link
   * Outage#SERVICE_UNAVAILABLE} answers 503 to everything. Quota state is kept.
   *
   * @throws IllegalStateException if not started or the provider is not simulated
   */
  public void takeDown(SimProvider provider, Outage outage) {
    Objects.requireNonNull(outage, "outage");
    SimServer toStop = null;
    synchronized (lock) {
      requireServed(provider);
      outages.put(provider, outage);
      if (outage == Outage.REFUSE_CONNECTIONS) {
        toStop = servers.remove(provider);
      }
    }
    if (toStop != null) {
      toStop.stop();
    }
  }

  /**
   * Brings a provider back on the same port and base URL.
   *
   * @throws IllegalStateException if not started or the provider is not simulated
   * @throws UncheckedIOException if the port cannot be bound again
   */
  public void bringUp(SimProvider provider) {
    Outage was;
    int port;
    synchronized (lock) {
      requireServed(provider);
      was = outages.remove(provider);
      port = ports.get(provider);
    }
    if (was == Outage.REFUSE_CONNECTIONS) {
      startServer(provider, port);
    }
  }

  /**
   * Makes one model answer 503 (in the provider's wording) until {@link #bringUp(SimProvider, String)}.
   *
   * @throws IllegalArgumentException if the model is unknown
   */
  public void takeDown(SimProvider provider, String model) {
    synchronized (lock) {
      state(provider, model).down = true;
    }
  }

  /**
   * Ends a model outage.
   *
   * @throws IllegalArgumentException if the model is unknown
   */
  public void bringUp(SimProvider provider, String model) {
    synchronized (lock) {
      state(provider, model).down = false;
    }
  }

  private void requireServed(SimProvider provider) {
    if (!started || !ports.containsKey(provider)) {
      throw new IllegalStateException(!started ? "simulator not started" : provider + " is not simulated");
    }
  }

  private ModelState state(SimProvider provider, String model) {
    ModelState st = states.getOrDefault(provider, Map.of()).get(model);
    if (st == null) {
      throw new IllegalArgumentException("no simulated model " + provider + "/" + model);
    }
    return st;
  }

  // ------------------------------------------------------------------------------------------ introspection

  /** Every chat and embeddings request seen so far, in arrival order. A copy. */
  public List<SimEvent> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** The chat requests {@code provider}/{@code model} received, in arrival order. A copy. */
  public List<SimEvent> events(SimProvider provider, String model) {
    synchronized (lock) {
      List<SimEvent> out = new ArrayList<>();
      for (SimEvent e : events) {
        if (e.provider() == provider && e.model().equals(model)) {
          out.add(e);
        }
      }
      return out;
    }
  }

  /**
   * The chat requests as they arrived (headers and raw body), oldest first; the last 10,000 are kept. A copy.
   */
  public List<SimRequest> receivedRequests() {
    synchronized (lock) {
      return List.copyOf(received);
    }
  }

  /** How many chat requests arrived, all providers together. */
  public long requestCount() {
    synchronized (lock) {
      return seq;
    }
  }

  /**
   * A snapshot of one model's counters; the window figures are measured back from the clock's now.
   *
   * @throws IllegalArgumentException if the model is unknown
   */
  public ModelStats stats(SimProvider provider, String model) {
    synchronized (lock) {
      ModelState st = state(provider, model);
      Instant now = clock.instant();
      Instant minuteAgo = now.minus(Duration.ofMinutes(1));
      Instant dayAgo = now.minus(Duration.ofDays(1));
      long rMin = 0;
      long rDay = 0;
      long tMin = 0;
      long tDay = 0;
      for (SimEvent e : events) {
        if (e.provider() != provider || !e.model().equals(model) || !e.admitted() || e.time().isAfter(now)) {
          continue;
        }
        if (e.time().isAfter(dayAgo)) {
          rDay++;
          tDay += e.totalTokens();
          if (e.time().isAfter(minuteAgo)) {
            rMin++;
            tMin += e.totalTokens();
          }
        }
      }
      return new ModelStats(provider, model, st.received, st.served, st.limited, st.errors, rMin, rDay, tMin, tDay);
    }
  }

  // ------------------------------------------------------------------------------------------ serving

  private SimServer.Answer handle(SimProvider p, SimServer.Call request) {
    Wire w = wires.get(p);
    String path = request.pathAndQuery();
    int q = path.indexOf('?');
    path = (q >= 0 ? path.substring(0, q) : path).replaceAll("/{2,}", "/");
    if (path.length() > 1 && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    synchronized (lock) {
      if (outages.get(p) == Outage.SERVICE_UNAVAILABLE) {
        return toAnswer(w.unavailable(), Duration.ZERO);
      }
    }
    if (p == SimProvider.HOSTED_VLLM && path.equals("/health")) {
      return new SimServer.Answer(200);
    }
    String prefix = p.pathPrefix();
    String rest = path.startsWith(prefix + "/") ? path.substring(prefix.length()) : null;
    if ("/models".equals(rest) && "GET".equals(request.method())) {
      if (w.requiresAuth() && p != SimProvider.OPENROUTER && !hasKey(request)) {
        return toAnswer(w.unauthorized(), Duration.ZERO);
      }
      List<SimModel> listed = new ArrayList<>();
      for (SimModel m : models(p)) {
        if (!m.decommissioned()) {
          listed.add(m);
        }
      }
      return toAnswer(Reply.json(200, w.listing(listed)), Duration.ZERO);
    }
    if ("/chat/completions".equals(rest) && "POST".equals(request.method())) {
      return chat(p, w, request);
    }
    if ("/embeddings".equals(rest) && "POST".equals(request.method()) && SimEmbeddings.offeredBy(p)) {
      return embeddings(p, w, request);
    }
    if (p == SimProvider.OPENROUTER && "/key".equals(rest) && "GET".equals(request.method())) {
      Wire.OpenRouter or = (Wire.OpenRouter) w;
      synchronized (lock) {
        openRouterKeyChecks++;
        if (!hasKey(request)) {
          return toAnswer(w.unauthorized(), Duration.ZERO);
        }
        if (openRouterKeyRevoked) {
          return toAnswer(or.userNotFound(), Duration.ZERO);
        }
      }
      return toAnswer(or.keyInfo(request.header("Authorization").substring(7).strip()), Duration.ZERO);
    }
    return new SimServer.Answer(404).header("Content-Type", "application/json").body("{\"detail\":\"Not Found\"}");
  }

  private static boolean hasKey(SimServer.Call request) {
    String auth = request.header("Authorization");
    return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) && !auth.substring(7).isBlank();
  }

  private SimServer.Answer chat(SimProvider p, Wire w, SimServer.Call request) {
    synchronized (lock) {
      if (received.size() == MAX_RECEIVED) received.removeFirst();
      received.addLast(new SimRequest(p, request.pathAndQuery(), request.allHeaders(), request.body()));
    }
    JsonNode body;
    try {
      body = Reply.JSON.readTree(request.body());
    } catch (IOException | RuntimeException e) {
      body = null;
    }
    ChatCall call = ChatCall.parse(body);
    boolean authorized = !w.requiresAuth() || hasKey(request);
    synchronized (lock) {
      Instant now = clock.instant();
      Wire.Ctx ctx = new Wire.Ctx(++seq, now, drawLatency(p));
      Duration realDelay = clock.toReal(ctx.latency());
      String requested = call == null ? "" : call.model;
      if (!authorized) {
        return record(p, requested, call, ctx, Outcome.UNAUTHORIZED, null, null, null, w.unauthorized(), realDelay);
      }
      if (openRouterKeyRevoked && w instanceof Wire.OpenRouter or) {
        return record(p, requested, call, ctx, Outcome.UNAUTHORIZED, null, null, null, or.userNotFound(), realDelay);
      }
      if (call == null) {
        return record(p, requested, null, ctx, Outcome.BAD_REQUEST, null, null, null,
            w.badRequest("Request body must be a JSON object with 'model' and a non-empty 'messages' array."), realDelay);
      }
      String id = p == SimProvider.GEMINI && requested.startsWith("models/") ? requested.substring(7) : requested;
      ModelState st = states.get(p).get(id);
      if (st == null) {
        return record(p, requested, call, ctx, Outcome.UNKNOWN_MODEL, null, null, null, w.unknownModel(id), realDelay);
      }
      st.received++;
      SimModel m = st.model;
      if (st.down) {
        return record(p, requested, call, ctx, Outcome.UNAVAILABLE, st, null, null, w.unavailable(), realDelay);
      }
      if (m.decommissioned()) {
        return record(p, requested, call, ctx, Outcome.DECOMMISSIONED, st, null, null, w.decommissioned(id), realDelay);
      }
      if (!m.entitled()) {
        return record(p, requested, call, ctx, Outcome.UNKNOWN_MODEL, st, null, null, w.notEntitled(m), realDelay);
      }
      if (m.kind() != SimModel.Kind.CHAT) {
        return record(p, requested, call, ctx, Outcome.UNKNOWN_MODEL, st, null, null, w.notChatModel(m), realDelay);
      }
      Fault fault = drawFault(p, id);
      if (fault != null && fault.kind() != Fault.Kind.STALL && fault.kind() != Fault.Kind.MID_STREAM_ERROR) {
        Reply r = switch (fault.kind()) {
          case SERVER_ERROR -> w.serverError(fault.status());
          case UPSTREAM_RATE_LIMIT -> ((Wire.OpenRouter) w).upstreamRateLimited(m);
          case USER_NOT_FOUND -> ((Wire.OpenRouter) w).userNotFound();
          case MALFORMED_BODY -> SimEmbeddings.malformed("chat.completion");
          default -> null; // CONNECTION_RESET: no response at all
        };
        return record(p, requested, call, ctx, Outcome.FAULT, st, null, fault, r, realDelay);
      }
      if (w instanceof Wire.OpenRouter or) {
        if (!m.free()) {
          return record(p, requested, call, ctx, Outcome.PAYMENT_REQUIRED, st, null, null, or.paymentRequired(m, call), realDelay);
        }
        if (call.tools != null && !m.supportsTools()) {
          return record(p, requested, call, ctx, Outcome.TOOLS_UNSUPPORTED, st, null, null, or.toolsUnsupported(), realDelay);
        }
      }
      if ((long) call.promptTokens + call.maxTokens > m.contextWindow()) {
        return record(p, requested, call, ctx, Outcome.CONTEXT_EXCEEDED, st, null, null, w.contextExceeded(m, call), realDelay);
      }
      Wire.Plan plan = plan(m, call, ctx);
      long tokens = (long) call.promptTokens + plan.completionTokens();
      RateWindow tpm = st.window(Limit.TPM);
      if (w instanceof Wire.Groq groq && tpm != null && tokens > tpm.capacity) {
        return record(p, requested, call, ctx, Outcome.REQUEST_TOO_LARGE, st, null, null,
            groq.requestTooLarge(m, tpm.capacity, tokens), realDelay);
      }
      Throttle throttle = admit(st, tokens, now);
      if (throttle != null) {
        st.limited.merge(throttle.limit(), 1L, Long::sum);
        return record(p, requested, call, ctx, Outcome.RATE_LIMITED, st, throttle, null, w.rateLimited(st, throttle, ctx), realDelay);
      }
      boolean breaks = fault != null && fault.kind() == Fault.Kind.MID_STREAM_ERROR;
      Reply reply;
      if (call.stream) {
        reply = new Reply(200, w.stream(m, plan, call, ctx, openRouterKeepAlives, breaks), "text/event-stream");
      } else {
        reply = w.completion(m, plan, call, ctx);
      }
      if (w instanceof Wire.OpenRouter) {
        reply.header("X-Generation-Id", w.completionId(ctx));
      }
      Outcome outcome = breaks ? Outcome.FAULT : Outcome.SERVED;
      if (!breaks) {
        st.served++;
      }
      SimEvent event = new SimEvent(ctx.seq(), now, p, requested, outcome, 200, null, fault == null ? null : fault.kind(),
          call.promptTokens, plan.completionTokens(), call.stream, call.tools != null, ctx.latency());
      if (breaks) {
        st.errors++;
      }
      events.add(event);
      w.rateHeaders(reply, st, ctx);
      SimServer.Answer answer = toAnswer(reply, realDelay.plus(fault != null ? fault.stallDuration() : Duration.ZERO));
      if (breaks && !call.stream) {
        answer.ending(SimServer.Ending.DISCONNECT_DURING_BODY);
      }
      return answer;
    }
  }

  // ------------------------------------------------------------------------------------------ embeddings

  /**
   * {@code POST /embeddings} for the providers that serve it ({@link SimEmbeddings#offeredBy}): the same key
   * check, model lookup, outages, faults and quota windows as chat (an embedding charges its input tokens),
   * then one deterministic unit vector per input, as floats or (where the provider honours it) base64.
   */
  private SimServer.Answer embeddings(SimProvider p, Wire w, SimServer.Call request) {
    JsonNode body;
    try {
      body = Reply.JSON.readTree(request.body());
    } catch (IOException | RuntimeException e) {
      body = null;
    }
    SimEmbeddings.Call call = SimEmbeddings.Call.parse(body);
    boolean authorized = !w.requiresAuth() || hasKey(request);
    synchronized (lock) {
      Instant now = clock.instant();
      Wire.Ctx ctx = new Wire.Ctx(++seq, now, drawLatency(p));
      Duration realDelay = clock.toReal(ctx.latency());
      String requested = call.model() == null ? "" : call.model();
      if (!authorized) {
        return recordEmbedding(p, requested, call, ctx, Outcome.UNAUTHORIZED, null, null, null, w.unauthorized(), realDelay);
      }
      if (call.error() != null) {
        return recordEmbedding(p, requested, call, ctx, Outcome.BAD_REQUEST, null, null, null, w.badRequest(call.error()), realDelay);
      }
      String id = p == SimProvider.GEMINI && requested.startsWith("models/") ? requested.substring(7) : requested;
      ModelState st = states.get(p).get(id);
      if (st == null) {
        return recordEmbedding(p, requested, call, ctx, Outcome.UNKNOWN_MODEL, null, null, null, w.unknownModel(id), realDelay);
      }
      st.received++;
      SimModel m = st.model;
      if (st.down) {
        return recordEmbedding(p, requested, call, ctx, Outcome.UNAVAILABLE, st, null, null, w.unavailable(), realDelay);
      }
      if (m.decommissioned() || !m.entitled()) {
        return recordEmbedding(p, requested, call, ctx, Outcome.UNKNOWN_MODEL, st, null, null,
            m.decommissioned() ? w.decommissioned(id) : w.notEntitled(m), realDelay);
      }
      if (m.kind() != SimModel.Kind.EMBEDDING) {
        return recordEmbedding(p, requested, call, ctx, Outcome.BAD_REQUEST, st, null, null,
            w.badRequest("Model " + id + " does not support embeddings."), realDelay);
      }
      String quirk = SimEmbeddings.refusal(p, m, call);
      if (quirk != null) {
        return recordEmbedding(p, requested, call, ctx, Outcome.BAD_REQUEST, st, null, null, w.badRequest(quirk), realDelay);
      }
      Fault fault = drawFault(p, id);
      if (fault != null && fault.kind() != Fault.Kind.STALL && fault.kind() != Fault.Kind.MID_STREAM_ERROR) {
        Reply r = switch (fault.kind()) {
          case SERVER_ERROR -> w.serverError(fault.status());
          case UPSTREAM_RATE_LIMIT -> ((Wire.OpenRouter) w).upstreamRateLimited(m);
          case USER_NOT_FOUND -> ((Wire.OpenRouter) w).userNotFound();
          case MALFORMED_BODY -> SimEmbeddings.malformed("list");
          default -> null; // CONNECTION_RESET: no response at all
        };
        return recordEmbedding(p, requested, call, ctx, Outcome.FAULT, st, null, fault, r, realDelay);
      }
      Throttle throttle = admit(st, call.tokens(), now);
      if (throttle != null) {
        st.limited.merge(throttle.limit(), 1L, Long::sum);
        return recordEmbedding(p, requested, call, ctx, Outcome.RATE_LIMITED, st, throttle, null, w.rateLimited(st, throttle, ctx), realDelay);
      }
      boolean breaks = fault != null && fault.kind() == Fault.Kind.MID_STREAM_ERROR;
      Reply reply = Reply.json(200, SimEmbeddings.response(p, id, call));
      if (breaks) {
        st.errors++;
      } else {
        st.served++;
      }
      events.add(new SimEvent(ctx.seq(), now, p, requested, breaks ? Outcome.FAULT : Outcome.SERVED, 200, null,
          fault == null ? null : fault.kind(), call.tokens(), 0, false, false, ctx.latency()));
      w.rateHeaders(reply, st, ctx);
      SimServer.Answer answer = toAnswer(reply, realDelay.plus(fault != null ? fault.stallDuration() : Duration.ZERO));
      if (breaks) {
        answer.ending(SimServer.Ending.DISCONNECT_DURING_BODY);
      }
      return answer;
    }
  }

  // record() for an embeddings call. Caller holds the lock.
  private SimServer.Answer recordEmbedding(SimProvider p, String model, SimEmbeddings.Call call, Wire.Ctx ctx, Outcome outcome,
      ModelState st, Throttle throttle, Fault fault, Reply reply, Duration realDelay) {
    if (st != null && outcome != Outcome.RATE_LIMITED) {
      st.errors++;
    }
    events.add(new SimEvent(ctx.seq(), ctx.now(), p, model, outcome, reply == null ? 0 : reply.status,
        throttle == null ? null : throttle.limit(), fault == null ? null : fault.kind(), call.tokens(), 0, false, false, ctx.latency()));
    if (reply == null) {
      return SimServer.Answer.reset();
    }
    if (st != null) {
      wires.get(p).rateHeaders(reply, st, ctx);
    }
    return toAnswer(reply, realDelay);
  }

  // Records a non-served outcome and renders it (null reply = connection reset). Caller holds the lock.
  private SimServer.Answer record(SimProvider p, String model, ChatCall call, Wire.Ctx ctx, Outcome outcome, ModelState st,
      Throttle throttle, Fault fault, Reply reply, Duration realDelay) {
    if (st != null && outcome != Outcome.RATE_LIMITED) {
      st.errors++;
    }
    events.add(new SimEvent(ctx.seq(), ctx.now(), p, model, outcome, reply == null ? 0 : reply.status,
        throttle == null ? null : throttle.limit(), fault == null ? null : fault.kind(),
        call == null ? 0 : call.promptTokens, 0, call != null && call.stream, call != null && call.tools != null, ctx.latency()));
    if (reply == null) {
      return SimServer.Answer.reset();
    }
    if (st != null) {
      wires.get(p).rateHeaders(reply, st, ctx);
    }
    return toAnswer(reply, realDelay);
  }

  private static SimServer.Answer toAnswer(Reply reply, Duration delay) {
    SimServer.Answer answer = new SimServer.Answer(reply.status);
    if ("text/event-stream".equals(reply.contentType)) {
      answer.chunkedBody(reply.body, 1024);
      answer.header("Cache-Control", "no-cache");
    } else {
      answer.body(reply.body);
    }
    answer.header("Content-Type", reply.contentType);
    reply.headers.forEach(answer::header);
    return answer.headersDelay(delay);
  }

  // Checks every window; admits (consuming all) or names the window with the longest wait. Caller holds the lock.
  private static Throttle admit(ModelState st, long tokens, Instant now) {
    Throttle worst = null;
    for (RateWindow w : st.windows.values()) {
      long amount = w.limit.countsTokens() ? tokens : 1;
      Duration wait = w.waitFor(amount, now);
      if (!wait.isZero() && (worst == null || wait.compareTo(worst.delay()) > 0)) {
        Instant resetAt = w instanceof RateWindow.Calendar c ? c.resetAt(now) : now.plus(wait);
        worst = new Throttle(w.limit, wait, w.capacity, w.used(now), amount, resetAt);
      }
    }
    if (worst == null) {
      for (RateWindow w : st.windows.values()) {
        w.consume(w.limit.countsTokens() ? tokens : 1, now);
      }
    }
    return worst;
  }

  private Duration drawLatency(SimProvider p) {
    Duration[] l = latency.get(p);
    if (l == null) {
      return Duration.ZERO;
    }
    long base = l[0].toNanos();
    long jitter = l[1].toNanos();
    if (jitter > 0) {
      base += (long) ((random.nextDouble() * 2 - 1) * jitter);
    }
    return Duration.ofNanos(Math.max(0, base));
  }

  private Fault drawFault(SimProvider p, String model) {
    for (FaultRule r : faults) {
      if (r.matches(p, model) && r.fire(random)) {
        return r.fault;
      }
    }
    return null;
  }

  // Decides the answer before admission so that the quota charge equals the usage the client will see.
  static Wire.Plan plan(SimModel m, ChatCall c, Wire.Ctx ctx) {
    int cap = c.maxTokens > 0 ? Math.min(c.maxTokens, m.maxCompletionTokens()) : m.maxCompletionTokens();
    if (c.wantsToolCall()) {
      JsonNode tool = c.chosenTool();
      String name = tool.path("function").path("name").asText("tool");
      ObjectNode args = Wire.F.objectNode();
      String excerpt = excerpt(c.lastUserText, 40);
      tool.path("function").path("parameters").path("properties").fields().forEachRemaining(e -> {
        switch (e.getValue().path("type").asText("string")) {
          case "integer", "number" -> args.put(e.getKey(), 1);
          case "boolean" -> args.put(e.getKey(), true);
          case "array" -> args.putArray(e.getKey());
          case "object" -> args.putObject(e.getKey());
          default -> args.put(e.getKey(), excerpt);
        }
      });
      String a = Reply.write(args);
      return new Wire.Plan(null, name, a, "tool_calls", SimTokens.count(name + a));
    }
    String text = c.lastIsToolResult
        ? "Simulated " + m.id() + " answer based on the tool result."
        : "Simulated " + m.id() + " reply: " + excerpt(c.lastUserText, 160);
    String finish = "stop";
    if (SimTokens.count(text) > cap) {
      text = text.substring(0, cap * 4);
      finish = "length";
    }
    return new Wire.Plan(text, null, null, finish, SimTokens.count(text));
  }

  private static String excerpt(String s, int max) {
    String t = s.strip().replaceAll("\\s+", " ");
    return t.length() > max ? t.substring(0, max) : t;
  }

  @Override
  public String toString() {
    return "ProviderSimulator" + providers + " on " + clock;
  }

  // ------------------------------------------------------------------------------------------ faults

  /** One injected fault: for the next N matching requests, or each with a probability. Guarded by the simulator's lock. */
  private static final class FaultRule {
    final SimProvider provider;
    final String model;
    final Fault fault;
    final double probability; // 0 when count-based
    int remaining; // -1 when probability-based

    private FaultRule(SimProvider provider, String model, Fault fault, double probability, int remaining) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.model = model;
      this.fault = Objects.requireNonNull(fault, "fault");
      this.probability = probability;
      this.remaining = remaining;
      if ((fault.kind() == Fault.Kind.UPSTREAM_RATE_LIMIT || fault.kind() == Fault.Kind.USER_NOT_FOUND)
          && provider != SimProvider.OPENROUTER) {
        throw new IllegalArgumentException(fault + " is an OpenRouter behaviour; cannot inject it into " + provider);
      }
    }

    static FaultRule next(SimProvider provider, String model, Fault fault, int count) {
      if (count <= 0) {
        throw new IllegalArgumentException("count must be > 0, got " + count);
      }
      return new FaultRule(provider, model, fault, 0, count);
    }

    static FaultRule probability(SimProvider provider, String model, Fault fault, double probability) {
      if (!(probability > 0 && probability <= 1)) {
        throw new IllegalArgumentException("probability must be in (0, 1], got " + probability);
      }
      return new FaultRule(provider, model, fault, probability, -1);
    }

    FaultRule copy() {
      return new FaultRule(provider, model, fault, probability, remaining);
    }

    boolean matches(SimProvider p, String m) {
      return provider == p && (model == null || model.equals(m));
    }

    boolean fire(Random random) {
      if (remaining >= 0) {
        if (remaining == 0) {
          return false;
        }
        remaining--;
        return true;
      }
      return random.nextDouble() < probability;
    }
  }

  // ------------------------------------------------------------------------------------------ builder

  /** Configures a {@link ProviderSimulator}. Not thread-safe; {@link #build()} copies everything. */
  public static final class Builder {
    private VirtualClock clock;
    private long seed;
    private final Set<SimProvider> providers = EnumSet.allOf(SimProvider.class);
    private final Map<String, SimModel> models = new LinkedHashMap<>();
    private final Map<SimProvider, Duration[]> latency = new EnumMap<>(SimProvider.class);
    private final List<FaultRule> faults = new ArrayList<>();
    private int freeDailyCap = 200;
    private boolean freeCapAccountWide;
    private int openRouterKeepAlives = 2;

    private Builder() {
      for (SimModel m : SimCatalog.defaults()) {
        models.put(key(m.provider(), m.id()), m);
      }
    }

    private static String key(SimProvider p, String id) {
      return p + "\u0000" + id;
    }

    /** The clock all providers count on (default: a fresh {@link VirtualClock#manual()}). */
    public Builder clock(VirtualClock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /** Seeds fault draws and latency jitter (default 0). */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /**
     * Simulates only these providers (default: all).
     *
     * @throws IllegalArgumentException if none is given
     */
    public Builder providers(SimProvider... value) {
      if (value.length == 0) {
        throw new IllegalArgumentException("at least one provider must be simulated");
      }
      providers.clear();
      providers.addAll(List.of(value));
      return this;
    }

    /** Adds a model, or replaces the catalog entry with the same provider and id. */
    public Builder model(SimModel value) {
      models.put(key(value.provider(), value.id()), Objects.requireNonNull(value, "model"));
      return this;
    }

    /**
     * Removes a catalog model.
     *
     * @throws IllegalArgumentException if there is no such model
     */
    public Builder removeModel(SimProvider provider, String id) {
      if (models.remove(key(provider, id)) == null) {
        throw new IllegalArgumentException("no catalog model " + provider + "/" + id);
      }
      return this;
    }

    /** Removes every catalog model of {@code provider}, e.g. before adding the exact models a test needs. */
    public Builder clearModels(SimProvider provider) {
      models.values().removeIf(m -> m.provider() == provider);
      return this;
    }

    /**
     * Simulated latency of {@code provider}: {@code base} plus a uniform draw in {@code [-jitter, +jitter]}.
     * Recorded (manual clock) or really waited at {@code 1/speed} (running clock).
     *
     * @throws IllegalArgumentException if a duration is negative
     */
    public Builder latency(SimProvider provider, Duration base, Duration jitter) {
      if (base.isNegative() || jitter.isNegative()) {
        throw new IllegalArgumentException("latency and jitter must be >= 0");
      }
      latency.put(Objects.requireNonNull(provider, "provider"), new Duration[] {base, jitter});
      return this;
    }

    /** The same latency for every provider. @throws IllegalArgumentException if a duration is negative */
    public Builder latency(Duration base, Duration jitter) {
      for (SimProvider p : SimProvider.values()) {
        latency(p, base, jitter);
      }
      return this;
    }

    /**
     * OpenRouter's daily cap on {@code :free} models ({@code free-models-per-day}), resetting at 00:00 UTC; it
     * replaces the catalog's RPD for OpenRouter. Default 200 per model, as the guide states; real accounts
     * have 50 (or 1000 after a credit purchase) shared by all free models, which {@code accountWide} gives.
     *
     * @throws IllegalArgumentException if {@code perDay} is negative (0 disables the cap)
     */
    public Builder openRouterFreeDailyCap(int perDay, boolean accountWide) {
      if (perDay < 0) {
        throw new IllegalArgumentException("perDay must be >= 0, got " + perDay);
      }
      this.freeDailyCap = perDay;
      this.freeCapAccountWide = accountWide;
      return this;
    }

    /** How many {@code : OPENROUTER PROCESSING} comments precede an OpenRouter stream (default 2). */
    public Builder openRouterKeepAlives(int count) {
      if (count < 0) {
        throw new IllegalArgumentException("count must be >= 0, got " + count);
      }
      this.openRouterKeepAlives = count;
      return this;
    }

    /** Like {@link ProviderSimulator#failNext}, from the first request. */
    public Builder failNext(SimProvider provider, String model, Fault fault, int count) {
      faults.add(FaultRule.next(provider, model, fault, count));
      return this;
    }

    /** Like {@link ProviderSimulator#failWithProbability}, from the first request. */
    public Builder failWithProbability(SimProvider provider, String model, Fault fault, double probability) {
      faults.add(FaultRule.probability(provider, model, fault, probability));
      return this;
    }

    /** Builds a simulator (not yet listening: call {@link ProviderSimulator#start()}). */
    public ProviderSimulator build() {
      return new ProviderSimulator(this);
    }
  }
}
