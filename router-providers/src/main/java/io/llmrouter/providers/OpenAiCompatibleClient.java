package io.llmrouter.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Embedding;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.Json;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.SafeUrls;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.providers.internal.dialect.Dialect;
import io.llmrouter.providers.internal.dialect.Dialects;
import io.llmrouter.providers.internal.dialect.ErrorInput;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;

/**
 * The one HTTP client for every provider: speaks the OpenAI wire protocol ({@code POST /chat/completions}
 * as JSON or SSE, {@code POST /embeddings}, {@code GET /models}) over OkHttp and lets the {@link Dialect} of the endpoint's prefix
 * adapt requests, read rate headers and map errors.
 *
 * <p>What it promises:
 * <ul>
 *   <li>No hidden retries: OkHttp's connection-failure retry is off, redirects are not followed, and a
 *       {@code 503 Retry-After: 0} is not replayed. The router owns the only retry loop.
 *   <li>Every call ends in a value or a typed {@link ProviderException} within its timeout
 *       ({@link ProviderCall#timeout()}: the whole call for JSON; until the first event and between events
 *       for a stream).
 *   <li>It reads no environment: it trusts the {@link Endpoint} it is given. The router resolves the base
 *       URL and key (every variable the dialect declares in {@link ProviderInfo}) before the call. With no
 *       {@link Endpoint#apiBase()}, the dialect's default is used only when it needs nothing from the
 *       environment; a default with a {@code ${NAME}} placeholder fails with a {@link ConfigException}.
 *       Key: {@link Endpoint#apiKey()} only; a placeholder such as {@code none} sends no header.
 *   <li>Bodies are bounded: a success body past {@link Builder#maxResponseBytes} (counted after gzip
 *       decoding) is refused as soon as the cap is passed, an error body is cut at 64 KiB, stream lines are
 *       capped; nothing is buffered whole first.
 *   <li>A {@code User-Agent: llm-router/<version>} on every request (Cloudflare-fronted providers block
 *       default library agents).
 *   <li>Keys never appear in messages, logs or error bodies.
 * </ul>
 *
 * <p>Thread-safe; one instance serves hundreds of concurrent calls over a shared connection pool.
 */
public final class OpenAiCompatibleClient implements ProviderClient {
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final String HIDDEN_RETRY_AFTER = "x-llm-router-retry-after";
  private static final int MAX_ERROR_BODY = 64 * 1024;
  /** The default cap on a response body: 16 MiB. */
  public static final long DEFAULT_MAX_RESPONSE_BYTES = 16L * 1024 * 1024;

  private final OkHttpClient http;
  private final Clock clock;
  private final String userAgent;
  private final Duration defaultTimeout;
  private final Duration connectTimeout;
  private final long maxResponseBytes;
  // Resolved endpoints (base URL, parsed chat URL, prebuilt headers), keyed by the endpoint's value.
  // Whole-call deadlines of JSON calls: one timer thread per client (no okio AsyncTimeout per call).
  private final CallDeadlines deadlines = new CallDeadlines("llm-router-call-deadlines");
  private final java.util.concurrent.ConcurrentHashMap<Endpoint, Target> targets = new java.util.concurrent.ConcurrentHashMap<>();

  private OpenAiCompatibleClient(Builder b) {
    this.maxResponseBytes = b.maxResponseBytes;
    this.clock = b.clock;
    this.userAgent = b.userAgent != null ? b.userAgent : "llm-router/" + version();
    this.defaultTimeout = b.defaultTimeout;
    this.connectTimeout = b.connectTimeout;
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(b.maxConnections);
    dispatcher.setMaxRequestsPerHost(b.maxConnections);
    this.http = new OkHttpClient.Builder()
        .dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(b.maxConnections, 5, TimeUnit.MINUTES))
        .retryOnConnectionFailure(false)
        .followRedirects(false)
        .followSslRedirects(false)
        .connectTimeout(b.connectTimeout)
        // Per call, set by the interceptor from the request's CallTimeouts tag: one client for every
        // deployment and timeout (a client per timeout cost a builder copy per call).
        .readTimeout(Duration.ZERO)
        .writeTimeout(Duration.ZERO)
        .socketFactory(new NoDelaySocketFactory())
        .addInterceptor(OpenAiCompatibleClient::applyTimeouts)
        .addNetworkInterceptor(chain -> hideZeroRetryAfter(chain.proceed(chain.request())))
        .build();
  }

  /**
   * The socket timeouts of one call, carried as a request tag: a JSON call is bounded by its whole-call
   * timeout alone (no per-read timer, so no okio {@code AsyncTimeout} enter/exit per socket read); a stream
   * by a read timeout (the wait for the headers, then each read) and its per-event deadline.
   */
  record CallTimeouts(int connectMillis, int readMillis, int writeMillis) {}

  private static Response applyTimeouts(okhttp3.Interceptor.Chain chain) throws IOException {
    CallTimeouts t = chain.request().tag(CallTimeouts.class);
    if (t == null) return chain.proceed(chain.request());
    return chain.withConnectTimeout(t.connectMillis(), TimeUnit.MILLISECONDS)
        .withReadTimeout(t.readMillis(), TimeUnit.MILLISECONDS)
        .withWriteTimeout(t.writeMillis(), TimeUnit.MILLISECONDS)
        .proceed(chain.request());
  }

  /** A duration as OkHttp's int milliseconds: at least 1 (0 would mean none), at most Integer.MAX_VALUE. */
  private static int millis(Duration d) {
    long ms;
    try {
      ms = d.toMillis();
    } catch (ArithmeticException e) {
      ms = Integer.MAX_VALUE;
    }
    if (ms < 1) return 1;
    return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
  }

  /**
   * A JSON call's socket timeouts: the client's own (connect at {@code connectTimeout}, no read or write
   * timeout) unless the call's timeout is shorter than the connect timeout. Null when they are the client's:
   * no tag, so the interceptor passes the call on without copying its chain three times.
   */
  private CallTimeouts jsonTimeouts(Duration timeout) {
    if (timeout.compareTo(connectTimeout) >= 0) return null;
    return new CallTimeouts(millis(timeout.compareTo(connectTimeout) < 0 ? timeout : connectTimeout), 0, 0);
  }

  private CallTimeouts streamTimeouts(Duration timeout) {
    int ms = millis(timeout);
    return new CallTimeouts(millis(timeout.compareTo(connectTimeout) < 0 ? timeout : connectTimeout), ms, ms);
  }

  /** Returns a builder with defaults: system clock, 512 connections. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a client with default settings stamping signals with {@code clock}. */
  public static OpenAiCompatibleClient create(Clock clock) {
    return builder().clock(clock).build();
  }

  /** The User-Agent sent on every request. */
  public String userAgent() {
    return userAgent;
  }

  @Override
  public Set<String> prefixes() {
    return Dialects.prefixes();
  }

  /**
   * {@inheritDoc} Independent of the environment: a default base URL that needs a variable carries it as a
   * {@code ${NAME}} placeholder ({@link ProviderInfo#defaultApiBase(Function)} fills it).
   */
  @Override
  public ProviderInfo info(String prefix) {
    return builtInInfo(prefix);
  }

  /**
   * What the built-in dialect of {@code prefix} declares, without building a client (the same value as
   * {@link #info(String)}: it depends on nothing but the prefix).
   *
   * @throws IllegalArgumentException for an unknown prefix, naming the known ones
   */
  public static ProviderInfo builtInInfo(String prefix) {
    return Dialects.forPrefix(prefix).info();
  }

  /** The prefixes with a built-in dialect, in a stable order. */
  public static Set<String> builtInPrefixes() {
    return Dialects.prefixes();
  }

  /**
   * {@inheritDoc}
   *
   * @throws ConfigException when the endpoint has no base URL and its dialect has no default
   * @throws AuthenticationException when the provider needs a key and none is configured
   * @throws IllegalArgumentException for an unknown provider prefix
   */
  @Override
  public ProviderResponse<ChatResponse> chat(ProviderCall call) {
    Target t = target(call.endpoint());
    Duration timeout = timeoutOf(call.timeout());
    Request req = t.chatRequest(bodyBytes(call, t.dialect, false), false, jsonTimeouts(timeout));
    Raw raw = fetch(t, req, timeout);
    ChatResponse value = completion(t, raw);
    return new ProviderResponse<>(value, raw.status(), RateHeaders.rateRelated(raw.headers()), raw.signal());
  }

  /**
   * The completion in {@code raw}: parsed once, straight from the bytes into the value the router returns
   * (no text copy, no tree). A body that reads without any coercion carries its bytes along
   * ({@link ChatResponse#withSourceJson}), so the facade sends them as they came instead of writing the value
   * again. A body that needs one (a number given as text, ...) is read as before, leniently, and is written
   * from the value. Anything unusual (not JSON, not an object, a field of the wrong type) takes the tree
   * path, which tells an error body from a malformed one in the same words as before.
   */
  private ChatResponse completion(Target t, Raw raw) {
    ChatResponse value = null;
    boolean exact = false;
    byte[] body = raw.body();
    if (plainUtf8Object(body)) {
      try {
        value = EXACT_COMPLETION_READER.readValue(body);
        exact = value != null;
      } catch (IOException | RuntimeException e) {
        // not exact: read leniently below
      }
    }
    if (value == null) {
      try {
        value = COMPLETION_READER.readValue(body);
      } catch (IOException | RuntimeException e) {
        // handled below, on the slow path
      }
    }
    if (value == null) {
      JsonReply reply = jsonReply(t, raw, "completion", OpenAiCompatibleClient::isError);
      try {
        value = Json.mapper().treeToValue(reply.tree(), ChatResponse.class);
      } catch (IOException | IllegalArgumentException e) {
        throw reply.malformed(t, "completion does not match the chat.completion shape", e);
      }
      if (value == null) throw reply.malformed(t, "completion does not match the chat.completion shape", null);
    } else if (isError(value)) {
      throw t.classify(raw.status(), raw.headers(), raw.text(), raw.signal(), raw.at(), false);
    }
    if (value.choices() == null) throw t.malformed(raw.status(), raw.headers(), raw.text(), raw.signal(), "completion has no choices", null);
    return exact ? value.withSourceJson(body) : value;
  }

  private static final com.fasterxml.jackson.databind.ObjectReader COMPLETION_READER = Json.mapper().readerFor(ChatResponse.class);

  /**
   * The shared mapping without its coercions: a value this reads is the body's JSON value exactly (writing
   * it gives the same fields and values). Duplicate keys are not refused: the value keeps the last, as the
   * JSON parsers of the SDKs that read the answer do.
   */
  private static final com.fasterxml.jackson.databind.ObjectReader EXACT_COMPLETION_READER = exactReader();

  private static com.fasterxml.jackson.databind.ObjectReader exactReader() {
    com.fasterxml.jackson.databind.ObjectMapper m = Json.mapper().copy()
        .disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
    m.coercionConfigFor(com.fasterxml.jackson.databind.type.LogicalType.Textual)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Integer, com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Float, com.fasterxml.jackson.databind.cfg.CoercionAction.Fail)
        .setCoercion(com.fasterxml.jackson.databind.cfg.CoercionInputShape.Boolean, com.fasterxml.jackson.databind.cfg.CoercionAction.Fail);
    return m.readerFor(ChatResponse.class)
        .without(com.fasterxml.jackson.databind.DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * True for a body that starts (after ASCII spacing) with an object in UTF-8: no byte-order mark, no UTF-16
   * or UTF-32 (which the parser would read and the facade would have to re-encode). Package-private for tests.
   */
  static boolean plainUtf8Object(byte[] body) {
    int i = 0;
    while (i < body.length && (body[i] == ' ' || body[i] == '\n' || body[i] == '\r' || body[i] == '\t')) i++;
    return i < body.length && body[i] == '{' && (i + 1 == body.length || body[i + 1] != 0);
  }

  /** {@link #isError(JsonNode)} for a completion parsed as a value: the same rule on its fields. */
  static boolean isError(ChatResponse r) {
    JsonNode err = r.extra().get("error");
    boolean hasError = err != null && !err.isNull();
    List<io.llmrouter.api.Choice> choices = r.choices();
    if (hasError && (choices == null || choices.isEmpty())) return true;
    if (choices != null) {
      for (io.llmrouter.api.Choice c : choices) {
        if (c == null) continue;
        if ("error".equals(c.finishReason()) || (hasError && c.extra().containsKey("error"))) return true;
      }
    }
    return hasError;
  }

  /**
   * {@inheritDoc} {@code POST /embeddings} with the dialect's adaptations. The response is checked and
   * normalised: one vector per input, sorted by {@code index}, in the encoding the request asked for (a
   * provider that sends floats where base64 was asked, or cannot do base64 at all, has its floats encoded
   * here, and the other way round).
   *
   * @throws io.llmrouter.api.BadRequestException when the provider has no embeddings endpoint (nothing is sent)
   * @throws MalformedResponseException for a body without a {@code data} array, a vector count that differs
   *     from the input count, duplicate or out-of-range indexes, or a vector that is neither numbers nor base64
   * @throws ConfigException when the endpoint has no base URL and its dialect has no default
   * @throws AuthenticationException when the provider needs a key and none is configured
   */
  @Override
  public ProviderResponse<EmbeddingResponse> embed(EmbeddingCall call) {
    Target t = target(call.endpoint());
    if (!t.dialect.offersEmbeddings()) {
      throw new BadRequestException(t.dialect.prefix() + " has no embeddings endpoint; route embeddings to a provider that offers one",
          new ErrorContext(0, t.dialect.prefix(), call.endpoint().deploymentId(), Map.of(), null, RateSignal.none(clock.instant())));
    }
    EmbeddingRequest request = call.request().withoutRouterFields();
    boolean wantBase64 = request.wantsBase64();
    ObjectNode body = Json.mapper().valueToTree(request);
    body.set("model", TextNode.valueOf(call.endpoint().model()));
    if (wantBase64 && !t.dialect.embeddingsBase64()) body.remove("encoding_format");
    t.dialect.adaptEmbeddingRequest(body, call.dropParams());
    Duration timeout = timeoutOf(call.timeout());
    Request req = t.requestTo(t.dialect.embeddingsUrl(t.base), body, jsonTimeouts(timeout));
    JsonReply reply = fetchJson(t, req, timeout, "embeddings response",
        tree -> isError(tree) || tree.isObject() && Boolean.FALSE.equals(bool(tree.get("success"))));
    EmbeddingResponse value = embeddings(reply, t, request.inputCount(), wantBase64);
    return new ProviderResponse<>(value, reply.status(), RateHeaders.rateRelated(reply.headers()), reply.signal());
  }

  private static EmbeddingResponse embeddings(JsonReply reply, Target t, int inputs, boolean wantBase64) {
    JsonNode tree = reply.tree();
    JsonNode data = tree.get("data");
    if (!tree.isObject() || data == null || !data.isArray()) throw reply.malformed(t, "embeddings response has no data array", null);
    if (data.size() != inputs) {
      throw reply.malformed(t, "embeddings response has " + data.size() + " vectors for " + inputs + " inputs", null);
    }
    Embedding[] ordered = new Embedding[inputs];
    for (int i = 0; i < data.size(); i++) {
      JsonNode item = data.get(i);
      if (!item.isObject()) throw reply.malformed(t, "data[" + i + "] is not an object", null);
      Embedding e;
      try {
        e = Json.mapper().treeToValue(item, Embedding.class);
      } catch (IOException | IllegalArgumentException ex) {
        throw reply.malformed(t, "data[" + i + "] does not match the embedding shape", ex);
      }
      int index = e.index() == null ? i : e.index();
      if (index < 0 || index >= inputs || ordered[index] != null) {
        throw reply.malformed(t, "data[" + i + "] has index " + index + ": expected each of 0.." + (inputs - 1) + " once", null);
      }
      float[] vector;
      try {
        vector = e.vector();
      } catch (IllegalStateException ex) {
        throw reply.malformed(t, "data[" + i + "]: " + ex.getMessage(), ex);
      }
      if (vector.length == 0) throw reply.malformed(t, "data[" + i + "] has an empty vector", null);
      Embedding.Builder b = e.toBuilder().index(index).object(e.object() != null ? e.object() : "embedding");
      // Only re-encode when the form differs: a provider's own floats stay byte-for-byte as sent.
      if (wantBase64 && !e.isBase64()) b.base64(vector);
      else if (!wantBase64 && e.isBase64()) b.vector(vector);
      ordered[index] = b.build();
    }
    EmbeddingResponse parsed;
    try {
      ObjectNode rest = ((ObjectNode) tree).deepCopy();
      rest.remove("data");
      parsed = Json.mapper().treeToValue(rest, EmbeddingResponse.class);
    } catch (IOException | IllegalArgumentException ex) {
      throw reply.malformed(t, "embeddings response does not match the list shape", ex);
    }
    return parsed.toBuilder().data(List.of(ordered)).build();
  }

  /** A 2xx JSON answer that is not an error body, with what its headers said. */
  private record JsonReply(int status, Map<String, String> headers, RateSignal signal, String text, JsonNode tree) {
    ProviderException malformed(Target t, String what, Exception cause) {
      return t.malformed(status, headers, text, signal, what, cause);
    }
  }

  /**
   * One whole-body JSON exchange: the call under a whole-call timeout, the rate signal, and every failure
   * typed by the dialect (an error status, an error body with a 2xx, non-JSON, a broken connection).
   */
  private JsonReply fetchJson(Target t, Request req, Duration timeout, String what, Predicate<JsonNode> errorBody) {
    return jsonReply(t, fetch(t, req, timeout), what, errorBody);
  }

  private static JsonReply jsonReply(Target t, Raw raw, String what, Predicate<JsonNode> errorBody) {
    String text = raw.text();
    JsonNode tree = parseJson(text, t, raw.status(), raw.headers(), raw.signal(), what);
    if (errorBody.test(tree)) throw t.classify(raw.status(), raw.headers(), text, raw.signal(), raw.at(), false);
    return new JsonReply(raw.status(), raw.headers(), raw.signal(), text, tree);
  }

  /**
   * A 2xx answer read whole (up to the cap) as bytes, with what its headers said.
   *
   * @param at when the headers arrived (the instant the rate signal is stamped with)
   */
  private record Raw(int status, Map<String, String> headers, RateSignal signal, Instant at, byte[] body) {
    /** The body as text, for an error or a malformed answer only (the success path never copies it). */
    String text() {
      return new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /**
   * One whole-body exchange under a whole-call timeout: the rate signal, the body up to the cap, an error
   * status typed by the dialect, a broken connection typed as a transport failure.
   */
  private Raw fetch(Target t, Request req, Duration timeout) {
    Call c = http.newCall(req);
    // The whole-call deadline on the client's own timer, not OkHttp's callTimeout (see CallDeadlines).
    CallDeadlines.Entry deadline = deadlines.register(c, nanos(timeout));
    Response r = null;
    try {
      r = c.execute();
      Instant now = clock.instant();
      Map<String, String> headers = headerMap(r.headers());
      RateSignal signal = t.dialect.signal(headers, now);
      byte[] body = readBodyBytes(r, maxResponseBytes);
      if (!r.isSuccessful()) {
        throw t.classify(r.code(), headers, new String(body, java.nio.charset.StandardCharsets.UTF_8), signal, now, false);
      }
      return new Raw(r.code(), headers, signal, now, body);
    } catch (BodyTooLarge e) {
      // Cancel before close: closing would drain the rest of the body to reuse the connection.
      c.cancel();
      throw tooLarge(t, r, e);
    } catch (IOException e) {
      throw t.transport(deadline.fired() ? timedOut(e) : e, r == null ? 0 : r.code(), r == null ? Map.of() : headerMap(r.headers()), false);
    } finally {
      deadlines.done(deadline);
      if (r != null) r.close();
    }
  }

  /** The failure of a call its deadline cancelled, as OkHttp's own call timeout reports it. */
  private static IOException timedOut(IOException cancelled) {
    InterruptedIOException e = new InterruptedIOException("timeout");
    e.initCause(cancelled);
    return e;
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /**
   * {@inheritDoc} Returns once the status and headers are in; an error status or a non-stream body
   * (JSON error, HTML page) is thrown here as a typed exception.
   */
  @Override
  public ProviderStream stream(ProviderCall call) {
    Target t = target(call.endpoint());
    Duration timeout = timeoutOf(call.timeout());
    Request req = t.chatRequest(bodyBytes(call, t.dialect, true), true, streamTimeouts(timeout));
    // No whole-call timeout: a stream may run for minutes. The read timeout bounds the wait for the first
    // byte and each later read; OkHttpProviderStream adds a per-event deadline on top.
    Call c = http.newCall(req);
    Response r = null;
    try {
      r = c.execute();
      Instant now = clock.instant();
      Map<String, String> headers = headerMap(r.headers());
      RateSignal signal = t.dialect.signal(headers, now);
      if (!r.isSuccessful()) {
        String text = readBody(r, maxResponseBytes);
        throw t.classify(r.code(), headers, text, signal, now, false);
      }
      String type = r.header("Content-Type", "").toLowerCase(Locale.ROOT);
      if (type.contains("json") || type.contains("html")) {
        String text = readBody(r, maxResponseBytes);
        if (type.contains("json")) {
          JsonNode tree = parseJson(text, t, r.code(), headers, signal, "stream response");
          if (isError(tree)) throw t.classify(r.code(), headers, text, signal, now, false);
        }
        throw t.malformed(r.code(), headers, text, signal, "expected an event stream, got " + type, null);
      }
      OkHttpProviderStream s = new OkHttpProviderStream(c, r, t, headers, signal, timeout, clock);
      r = null; // owned by the stream now
      return s;
    } catch (BodyTooLarge e) {
      // Cancel before close: closing would drain the rest of the body to reuse the connection.
      c.cancel();
      throw tooLarge(t, r, e);
    } catch (IOException e) {
      throw t.transport(e, r == null ? 0 : r.code(), r == null ? Map.of() : headerMap(r.headers()), false);
    } finally {
      if (r != null) r.close();
    }
  }

  /** {@inheritDoc} Entries are marked chat/free by the dialect's filter. */
  @Override
  public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
    Target t = target(endpoint);
    Request req = t.request(t.dialect.modelsUrl(t.base)).get().tag(CallTimeouts.class, jsonTimeouts(timeoutOf(timeout))).build();
    // Cloudflare's listing answers in its v4 envelope: success:false is an error with a 200.
    JsonReply reply = fetchJson(t, req, timeoutOf(timeout), "model list",
        tree -> tree.isObject() && (tree.has("error") || Boolean.FALSE.equals(bool(tree.get("success")))));
    return new ProviderResponse<>(List.copyOf(t.dialect.parseModels(reply.tree())), reply.status(),
        RateHeaders.rateRelated(reply.headers()), reply.signal());
  }

  /**
   * {@inheritDoc} A {@code GET} of the dialect's key-check path under the base URL, with the key.
   *
   * @throws UnsupportedOperationException when the dialect declares no key-check path
   */
  @Override
  public ProviderResponse<Boolean> checkKey(Endpoint endpoint, Duration timeout) {
    Target t = target(endpoint);
    String path = t.dialect.info().catalog().keyCheckPath();
    if (path == null) throw new UnsupportedOperationException("no key check for " + t.dialect.prefix());
    Request req = t.request(t.base + path).get().tag(CallTimeouts.class, jsonTimeouts(timeoutOf(timeout))).build();
    try {
      JsonReply reply = fetchJson(t, req, timeoutOf(timeout), "key check", OpenAiCompatibleClient::isError);
      return new ProviderResponse<>(Boolean.TRUE, reply.status(), RateHeaders.rateRelated(reply.headers()), reply.signal());
    } catch (ProviderException e) {
      if (e.status() != 401 && e.status() != 403) throw e;
      ErrorContext c = e.context();
      return new ProviderResponse<>(Boolean.FALSE, e.status(), c == null ? Map.of() : RateHeaders.rateRelated(c.headers()),
          c == null ? RateSignal.none(clock.instant()) : c.signal());
    }
  }

  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
    deadlines.close();
  }

  // ------------------------------------------------------------------ request building

  /**
   * The JSON body sent upstream: the request with {@code model} set to the provider's id, {@code stream}
   * set, router-only fields removed, and the dialect's adaptations applied. Package-private for tests.
   */
  static byte[] bodyBytes(ProviderCall call, Dialect dialect, boolean stream) {
    ChatRequest request = call.request().withoutRouterFields();
    try {
      if (dialect.adaptsRequest(request, call.dropParams())) return Json.mapper().writeValueAsBytes(body(call, dialect, stream));
      // Nothing for the dialect to change: the value goes straight to bytes, without a JSON tree between.
      ChatRequest.Builder b = request.toBuilder().model(call.endpoint().model());
      if (stream) b.stream(Boolean.TRUE);
      else b.stream(null).streamOptions(null).removeExtra("stream_options");
      return Json.mapper().writeValueAsBytes(b.build());
    } catch (IOException e) {
      throw new IllegalStateException("request body is not serialisable", e);
    }
  }

  /**
   * The request body as a JSON tree, for a dialect that adapts it ({@link #bodyBytes} writes the same
   * JSON straight from the value otherwise). Package-private for tests.
   */
  static ObjectNode body(ProviderCall call, Dialect dialect, boolean stream) {
    // The router already sent a cleaned request; a caller using the client alone gets the same rule (one list).
    ObjectNode body = Json.mapper().valueToTree(call.request().withoutRouterFields());
    body.set("model", TextNode.valueOf(call.endpoint().model()));
    if (stream) {
      body.set("stream", BooleanNode.TRUE);
    } else {
      body.remove("stream");
      // OpenAI-compatible servers reject stream_options without stream.
      body.remove("stream_options");
    }
    dialect.adaptRequest(body, call.dropParams());
    return body;
  }

  private Target target(Endpoint endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    // The router passes each deployment's one Endpoint instance: found by identity, without hashing the
    // record's every field (its key and headers map included) on each call.
    Target cached = byIdentity.get(endpoint);
    if (cached != null) return cached;
    cached = targets.get(endpoint);
    if (cached != null) return cached;
    Target t = resolve(endpoint);
    // Bounded: endpoints come from the configuration; a flood of distinct ones only costs re-resolving.
    if (targets.size() >= MAX_TARGETS) targets.clear();
    targets.put(endpoint, t);
    // Only the first instance of each endpoint goes into the identity map: a caller that builds an equal
    // Endpoint per call (the LiteLLM baseline, the catalog's probes) finds it by equality, as before, instead
    // of copying the identity map on every call.
    rememberIdentity(endpoint, t);
    return t;
  }

  // Copy on write, read without a lock: a map is never changed once published.
  private volatile java.util.IdentityHashMap<Endpoint, Target> byIdentity = new java.util.IdentityHashMap<>();

  private synchronized void rememberIdentity(Endpoint endpoint, Target t) {
    java.util.IdentityHashMap<Endpoint, Target> next =
        byIdentity.size() >= MAX_TARGETS ? new java.util.IdentityHashMap<>() : new java.util.IdentityHashMap<>(byIdentity);
    next.put(endpoint, t);
    byIdentity = next;
  }

  private static final int MAX_TARGETS = 1024;

  private Target resolve(Endpoint endpoint) {
    Dialect d = Dialects.forPrefix(endpoint.provider());
    String base = endpoint.apiBase();
    if (base == null || base.isBlank()) base = d.defaultApiBase();
    if (base == null || base.isBlank()) {
      throw new ConfigException("api_base", "deployment '" + endpoint.deploymentId() + "' (" + d.prefix()
          + ") needs api_base or " + String.join(" or ", d.apiBaseEnvs()) + ": the provider has no default URL");
    }
    if (base.contains("${")) {
      // The default needs the environment (Cloudflare's account id), which only the router reads.
      throw new ConfigException("api_base", "deployment '" + endpoint.deploymentId() + "' (" + d.prefix()
          + ") has no resolved base URL: give api_base, set " + String.join(" or ", d.apiBaseEnvs())
          + ", or set the variables in the default " + d.defaultApiBase());
    }
    base = base.strip();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    if (base.endsWith("/chat/completions")) base = base.substring(0, base.length() - "/chat/completions".length());
    String key = null;
    Secret secret = endpoint.apiKey();
    if (secret != null && !secret.isPlaceholder()) key = secret.reveal();
    if (secret == null && d.keyRequired()) {
      throw new AuthenticationException(d.prefix() + ": no API key; set api_key or " + String.join(" or ", d.apiKeyEnvs()),
          new ErrorContext(0, d.prefix(), endpoint.deploymentId(), Map.of(), null, RateSignal.none(clock.instant())));
    }
    return new Target(endpoint, d, base, key);
  }

  private Duration timeoutOf(Duration d) {
    return d == null || d.isZero() || d.isNegative() ? defaultTimeout : d;
  }

  // ------------------------------------------------------------------ response helpers

  private static Response hideZeroRetryAfter(Response r) {
    // OkHttp replays a 503 carrying "Retry-After: 0" by itself, even with retryOnConnectionFailure off.
    // Moving the header aside stops that hidden retry; headerMap() moves it back.
    String ra = r.header("Retry-After");
    if (r.code() == 503 && ra != null && ra.strip().equals("0")) {
      return r.newBuilder().removeHeader("Retry-After").header(HIDDEN_RETRY_AFTER, ra).build();
    }
    return r;
  }

  /**
   * The response headers by lower-case name, in name order, the values of a repeated name joined with
   * {@code ", "} in arrival order. One pass over the headers and a sort of their few names, where
   * {@code Headers.names()} built a sorted set and {@code values(name)} scanned every header for each name
   * (a set, a list per name and a join per response).
   */
  static Map<String, String> headerMap(Headers h) {
    int n = h.size();
    Map<String, String> out = new LinkedHashMap<>(Math.max(4, n * 2));
    if (n == 0) return out;
    String[] names = new String[n];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      String name = h.name(i).toLowerCase(Locale.ROOT);
      names[i] = name;
      // An insertion sort, stable (a repeated name keeps its values in arrival order): a response has a few headers.
      int j = i;
      while (j > 0 && names[order[j - 1]].compareTo(name) > 0) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    for (int k = 0; k < n; k++) {
      int i = order[k];
      String name = names[i].equals(HIDDEN_RETRY_AFTER) ? "retry-after" : names[i];
      String value = h.value(i);
      if (k > 0 && names[order[k - 1]].equals(names[i])) out.put(name, out.get(name) + ", " + value);
      else out.put(name, value);
    }
    return out;
  }

  /**
   * Reads a body, never more than {@code max} bytes of a success (counted after OkHttp's transparent gzip
   * decoding, so a gzip bomb stops at the cap too) and never more than {@link #MAX_ERROR_BODY} of an error
   * page. A declared length over the cap is refused before reading a byte.
   *
   * @throws BodyTooLarge when a success body exceeds {@code max}
   */
  static String readBody(Response r, long max) throws IOException {
    return new String(readBodyBytes(r, max), java.nio.charset.StandardCharsets.UTF_8);
  }

  /** {@link #readBody} as bytes, without the text copy. */
  static byte[] readBodyBytes(Response r, long max) throws IOException {
    ResponseBody b = r.body();
    if (b == null) return new byte[0];
    boolean ok = r.isSuccessful();
    long cap = ok ? max : MAX_ERROR_BODY;
    if (ok && b.contentLength() > cap) throw new BodyTooLarge(cap, b.contentLength());
    BufferedSource src = b.source();
    Buffer buf = new Buffer();
    // One byte past the cap tells "exactly the cap" from "more".
    long limit = ok ? cap + 1 : cap;
    while (buf.size() < limit) {
      long n = src.read(buf, Math.min(64 * 1024, limit - buf.size()));
      if (n == -1) break;
    }
    // Error bodies are cut at the cap (an HTML error page or a stream cannot exhaust memory); a success
    // body past it is refused: half a completion is not a completion.
    if (ok && buf.size() > cap) throw new BodyTooLarge(cap, -1);
    return buf.readByteArray();
  }

  private ProviderException tooLarge(Target t, Response r, BodyTooLarge e) {
    Map<String, String> headers = r == null ? Map.of() : headerMap(r.headers());
    RateSignal signal = headers.isEmpty() ? RateSignal.none(clock.instant()) : t.dialect.signal(headers, clock.instant());
    return t.malformed(r == null ? 0 : r.code(), headers, null, signal, e.getMessage(), e);
  }

  /** A success body past the client's {@code maxResponseBytes}; reading stopped at the cap. */
  static final class BodyTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    BodyTooLarge(long cap, long declared) {
      super("response body " + (declared >= 0 ? "of " + declared + " bytes " : "") + "exceeds the " + cap
          + "-byte cap (maxResponseBytes); stopped reading at the cap");
    }
  }

  private static JsonNode parseJson(String text, Target t, int status, Map<String, String> headers, RateSignal signal, String what) {
    try {
      JsonNode tree = Json.tree(text);
      if (tree == null || tree.isMissingNode()) throw new IllegalArgumentException("empty body");
      return tree;
    } catch (IllegalArgumentException e) {
      throw t.malformed(status, headers, text, signal, what + " is not valid JSON (" + e.getMessage() + ")", e);
    }
  }

  /** An error body in a 2xx response: {@code {"error":...}} without choices, or an OpenRouter choice that failed. */
  static boolean isError(JsonNode tree) {
    if (tree.isArray()) return tree.size() > 0 && tree.get(0).has("error");
    if (!tree.isObject()) return false;
    JsonNode err = tree.get("error");
    boolean hasError = err != null && !err.isNull();
    JsonNode choices = tree.get("choices");
    if (hasError && (choices == null || !choices.isArray() || choices.isEmpty())) return true;
    if (choices != null && choices.isArray()) {
      for (JsonNode c : choices) {
        if ("error".equals(c.path("finish_reason").asText()) || (hasError && c.has("error"))) return true;
      }
    }
    return hasError;
  }

  private static Boolean bool(JsonNode n) {
    return n == null || !n.isBoolean() ? null : n.booleanValue();
  }

  private static String version() {
    Properties p = new Properties();
    try (InputStream in = OpenAiCompatibleClient.class.getResourceAsStream("version.properties")) {
      if (in != null) p.load(in);
    } catch (IOException e) {
      return "unknown";
    }
    String v = p.getProperty("version", "unknown");
    return v.startsWith("${") ? "unknown" : v;
  }

  // ------------------------------------------------------------------ per-call target

  /** One resolved endpoint: dialect, base URL and key; builds requests and maps failures for it. */
  final class Target {
    final Endpoint endpoint;
    final Dialect dialect;
    final String base;
    private final String key;

    // Built once per endpoint: the chat URL parsed, the headers of a JSON and of a stream request.
    private final HttpUrl chatUrl;
    private final Headers jsonHeaders;
    private final Headers streamHeaders;

    Target(Endpoint endpoint, Dialect dialect, String base, String key) {
      this.endpoint = endpoint;
      this.dialect = dialect;
      this.base = base;
      this.key = key;
      this.chatUrl = HttpUrl.get(base + "/chat/completions");
      this.jsonHeaders = headers("application/json");
      this.streamHeaders = headers("text/event-stream");
    }

    private Headers headers(String accept) {
      // set(), as Request.Builder.header(): an extra header replaces ours of the same name.
      Headers.Builder h = new Headers.Builder().set("User-Agent", userAgent).set("Accept", accept);
      if (key != null) h.set("Authorization", "Bearer " + key);
      endpoint.extraHeaders().forEach(h::set);
      return h.build();
    }

    Request.Builder request(String url) {
      return new Request.Builder().url(url).headers(jsonHeaders);
    }

    Request requestTo(String url, ObjectNode body, CallTimeouts timeouts) {
      byte[] bytes;
      try {
        bytes = Json.mapper().writeValueAsBytes(body);
      } catch (IOException e) {
        throw new IllegalStateException("request body is not serialisable", e);
      }
      return request(url).post(RequestBody.create(bytes, JSON)).tag(CallTimeouts.class, timeouts).build();
    }

    /** {@code POST /chat/completions} with {@code body}, on the prebuilt URL and headers. */
    Request chatRequest(byte[] body, boolean stream, CallTimeouts timeouts) {
      return new Request.Builder().url(chatUrl).headers(stream ? streamHeaders : jsonHeaders)
          .post(RequestBody.create(body, JSON)).tag(CallTimeouts.class, timeouts).build();
    }

    /** Masks the key wherever a provider echoes it. */
    String mask(String s) {
      if (s == null || key == null || key.length() < 6) return s;
      return s.replace(key, "****");
    }

    ProviderException classify(int status, Map<String, String> headers, String body, RateSignal signal, Instant now, boolean midStream) {
      ErrorInput in = new ErrorInput(endpoint.deploymentId(), status, headers, mask(body), signal, now, midStream);
      return dialect.classify(in);
    }

    ProviderException malformed(int status, Map<String, String> headers, String body, RateSignal signal, String why, Throwable cause) {
      ErrorContext ctx = new ErrorContext(status, dialect.prefix(), endpoint.deploymentId(), headers, mask(body), signal);
      return new MalformedResponseException(dialect.prefix() + " HTTP " + status + ": " + why, ctx, cause);
    }

    ProviderException transport(IOException e, int status, Map<String, String> headers, boolean midStream) {
      RateSignal signal = headers.isEmpty() ? RateSignal.none(clock.instant()) : dialect.signal(headers, clock.instant());
      ErrorContext ctx = new ErrorContext(status, dialect.prefix(), endpoint.deploymentId(), headers, null, signal);
      String where = midStream ? " during the stream" : status == 0 ? " before a response" : " while reading the body";
      // Messages end up in error bodies and logs: no key, and no credential or query of a URL they quote.
      String detail = SafeUrls.redactIn(mask(String.valueOf(e.getMessage())));
      if (e instanceof SocketTimeoutException || (e instanceof InterruptedIOException && !Thread.currentThread().isInterrupted())) {
        return new RequestTimeoutException(dialect.prefix() + ": timed out" + where + " (" + detail + ")", ctx, e);
      }
      if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException) {
        return new ProviderUnavailableException(dialect.prefix() + ": cannot connect to " + SafeUrls.redact(base) + " (" + detail + ")", ctx, e);
      }
      return new ProviderUnavailableException(dialect.prefix() + ": connection failed" + where + " (" + e.getClass().getSimpleName()
          + ": " + detail + ")", ctx, e);
    }
  }

  // ------------------------------------------------------------------ builder

  /** Builds an {@link OpenAiCompatibleClient}. Not thread-safe; the client it builds is. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private String userAgent;
    private int maxConnections = 512;
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Duration defaultTimeout = Duration.ofMinutes(10);
    private long maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

    private Builder() {}

    /**
     * The largest response body read, in bytes (after gzip decoding): a larger one ends the call with a
     * {@link MalformedResponseException} as soon as the cap is passed, without buffering the rest. A
     * completion is kilobytes; a model listing at most a few megabytes. Default
     * {@value OpenAiCompatibleClient#DEFAULT_MAX_RESPONSE_BYTES} (16 MiB). Streams are bounded per line
     * and by the call's timeout instead.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxResponseBytes(long maxResponseBytes) {
      if (maxResponseBytes < 1) throw new IllegalArgumentException("maxResponseBytes must be at least 1, got " + maxResponseBytes);
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    /** The clock that stamps rate signals; relative resets become instants on it. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The User-Agent header. Default {@code llm-router/<version>}. */
    public Builder userAgent(String userAgent) {
      if (userAgent == null || userAgent.isBlank()) throw new IllegalArgumentException("userAgent must not be blank");
      this.userAgent = userAgent;
      return this;
    }

    /** Concurrent requests and pooled connections allowed, per host and in total. Default 512. */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
      this.maxConnections = maxConnections;
      return this;
    }

    /** Upper bound for establishing a connection (never more than the call's own timeout). Default 10 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** The timeout used when a call gives none. Default 10 minutes; never unbounded. */
    public Builder defaultTimeout(Duration defaultTimeout) {
      if (defaultTimeout == null || defaultTimeout.isNegative() || defaultTimeout.isZero()) {
        throw new IllegalArgumentException("defaultTimeout must be positive, got " + defaultTimeout);
      }
      this.defaultTimeout = defaultTimeout;
      return this;
    }

    /** Builds the client. */
    public OpenAiCompatibleClient build() {
      return new OpenAiCompatibleClient(this);
    }
  }

  /**
   * Plain sockets with {@code TCP_NODELAY}. Without it, a request body larger than one segment (a prompt of
   * ~8 KB and up) ends with a small segment that Nagle's algorithm holds until the server's delayed ACK,
   * about 40 ms later: measured against the simulator on loopback, 44 ms per such request instead of 1 ms.
   * TLS sockets are layered over these, so HTTPS calls get it too.
   */
  private static final class NoDelaySocketFactory extends javax.net.SocketFactory {
    private final javax.net.SocketFactory plain = javax.net.SocketFactory.getDefault();

    private static java.net.Socket noDelay(java.net.Socket s) throws java.io.IOException {
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public java.net.Socket createSocket() throws java.io.IOException {
      return noDelay(plain.createSocket());
    }

    @Override
    public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
      return noDelay(plain.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(String host, int port, java.net.InetAddress localHost, int localPort)
        throws java.io.IOException {
      return noDelay(plain.createSocket(host, port, localHost, localPort));
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
      return noDelay(plain.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress localAddress, int localPort)
        throws java.io.IOException {
      return noDelay(plain.createSocket(address, port, localAddress, localPort));
    }
  }
}
