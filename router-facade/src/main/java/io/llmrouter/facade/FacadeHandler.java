package io.llmrouter.facade;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.Json;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.SafeUrls;
import io.llmrouter.api.UnknownModelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade's endpoints on Jetty's core API. Each request runs on a pool thread and blocks while the
 * router works (the router's calls are blocking), so the pool size bounds the in-flight requests.
 * Thread-safe: all state is per request.
 */
final class FacadeHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(FacadeHandler.class);
  private static final String JSON = "application/json";
  // LiteLLM answers every model's "created" with this constant; SDKs only need a plausible epoch second.
  private static final long MODEL_CREATED = 1677610602L;
  private static final Set<String> CHAT_PATHS = Set.of("/v1/chat/completions", "/chat/completions");
  private static final Set<String> MODELS_PATHS = Set.of("/v1/models", "/models");
  private static final Set<String> EMBEDDINGS_PATHS = Set.of("/v1/embeddings", "/embeddings");
  private static final String COOLDOWNS_PATH = "/cooldowns";

  private final Router router;
  private final MasterKeyAuth auth;
  private final long maxBodyBytes;
  private final Duration bodyTimeout;
  private final BrowserGuard guard;
  private final Clock clock;
  // The access and decision log: the caller's, or one of ours made on start and closed (flushed) on stop.
  private final AccessLog givenAccessLog;
  private volatile AccessLog accessLog;
  private final java.util.function.Supplier<ReloadStatus> reloadStatus;
  private final java.util.function.Supplier<String> metricsText;
  private final boolean metricsPublic;

  /** Every stream keep-alive writer thread's name starts with this. */
  static final String PUMP_THREAD_PREFIX = "llm-router-stream-keepalive-";
  // How long a stop waits for the keep-alive writers once their streams are closed; a write that ignores
  // both the close and an interrupt is left to its daemon thread rather than holding the stop up.
  private static final Duration PUMP_STOP_WAIT = Duration.ofSeconds(5);
  private static final AtomicInteger PUMP_THREAD_IDS = new AtomicInteger();

  private final Duration keepAlive;
  // Stream keep-alive writers (see StreamWriter): made on start, shut down and awaited on stop (Jetty stops
  // the handler after the graceful drain). Daemon threads, so a stuck write never holds the JVM open either.
  private volatile ExecutorService pumpThreads;
  private final Set<StreamWriter> livePumps = ConcurrentHashMap.newKeySet();

  FacadeHandler(Router router, FacadeOptions options) {
    this.router = router;
    this.auth = new MasterKeyAuth(options.masterKey());
    this.maxBodyBytes = options.maxBodyBytes();
    this.bodyTimeout = options.bodyTimeout();
    this.guard = new BrowserGuard(options.host());
    this.clock = options.clock();
    this.keepAlive = options.streamKeepAlive();
    this.givenAccessLog = options.accessLog();
    this.accessLog = givenAccessLog;
    this.reloadStatus = options.reloadStatus();
    this.metricsText = options.metricsText();
    this.metricsPublic = options.metricsPublic();
  }

  @Override
  protected void doStart() throws Exception {
    if (givenAccessLog == null) accessLog = AccessLog.toSlf4j(LogFormat.TEXT);
    pumpThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, PUMP_THREAD_PREFIX + PUMP_THREAD_IDS.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    super.doStart();
  }

  @Override
  protected void doStop() throws Exception {
    ExecutorService pumps = pumpThreads;
    if (pumps != null) {
      pumps.shutdown();
      // Streams still open outlived the grace period; closing them unblocks their readers' provider reads.
      for (StreamWriter p : livePumps) p.cancel();
      if (!pumps.awaitTermination(PUMP_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        pumps.shutdownNow();
        if (!pumps.awaitTermination(PUMP_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          LOG.warn("stream reader threads still running {} ms after stop", 2 * PUMP_STOP_WAIT.toMillis());
        }
      }
    }
    super.doStop();
    // After the drain: every request that ended has queued its line; write them all out.
    if (givenAccessLog == null && accessLog != null) accessLog.close();
  }

  /** What one request did, for its access-log line. */
  private static final class Exchange {
    String requestId;
    // The request has a body this server has not read (it answers before reading: 401, 404, 405, ...).
    boolean unreadBody;
    String modelGroup;
    String deployment;
    int status;
    String note;
    Integer attempts;
    List<String> fallbacks;
    // The routed call went to the router asynchronously; its answer comes later, through resume.
    boolean dispatched;
    java.util.function.Consumer<Step> resume;

    void route(Route r) {
      if (r == null) return;
      modelGroup = r.servedModelGroup() != null ? r.servedModelGroup() : r.requestedModel();
      deployment = r.deploymentId();
      attempts = r.attempts().size();
      fallbacks = r.fallbacks();
    }
  }

  /** What {@link #dispatch} left to do once it returned. */
  private enum Next { DONE, READ_CHAT_BODY, READ_EMBEDDINGS_BODY, ANSWERED_LATER }

  /** What runs once a request body has arrived whole. */
  private interface BodyStep {
    void run(byte[] body) throws IOException;
  }

  /** One step of a request that may throw what {@link #run} turns into an answer. */
  private interface Step {
    Next run() throws IOException;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    Exchange ex = new Exchange();
    String method = request.getMethod();
    String path = normalise(request.getHttpURI().getDecodedPath());
    ex.requestId = RequestIds.of(request.getHeaders().get(RequestIds.HEADER));
    response.getHeaders().put(RequestIds.HEADER, ex.requestId);
    ex.unreadBody = request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    run(started, method, path, request, response, callback, ex, () -> dispatch(method, path, request, response, ex));
    return true;
  }

  /**
   * Runs {@code step}; when it leaves the chat body to read, reads it without a thread (see
   * {@link BodyReader}) and runs the chat on the thread that completes the body. Completes the callback
   * and writes the access-log line exactly once, when the request is answered.
   */
  private void run(long started, String method, String path, Request request, Response response, Callback callback,
      Exchange ex, Step step) {
    Next next = Next.DONE;
    boolean logged = false;
    ex.resume = later -> run(started, method, path, request, response, callback, ex, later);
    try {
      // A step that dispatched the routed call asynchronously is answered by the call's completion (a later
      // run of this method), which may even come before this one returns: only the step that dispatched waits.
      boolean dispatchedBefore = ex.dispatched;
      next = step.run();
      if (next == Next.DONE && !dispatchedBefore && ex.dispatched) next = Next.ANSWERED_LATER;
      if (next == Next.DONE) {
        // Queued before the answer completes: a client that has its answer may stop the server at once
        // (SIGTERM), and a graceful stop writes only what was queued.
        writeAccessLine(started, method, path, ex);
        logged = true;
        callback.succeeded();
      }
    } catch (IOException e) {
      // The client went away (or the connection broke) mid-answer; nothing more can be sent.
      if (ex.note == null) ex.note = "client disconnected";
      callback.failed(e);
    } catch (RuntimeException e) {
      LOG.warn("{} {} failed: {}", AccessLog.escape(method), AccessLog.escape(path), AccessLog.escape(e.toString()));
      if (!response.isCommitted()) {
        sendError(response, ex, ApiError.from(e, clock.instant()), callback);
      } else {
        callback.failed(e);
      }
    } finally {
      if (next == Next.DONE && !logged) writeAccessLine(started, method, path, ex);
    }
    if (next == Next.READ_CHAT_BODY || next == Next.READ_EMBEDDINGS_BODY) {
      BodyStep onBody = next == Next.READ_CHAT_BODY ? b -> chat(b, response, ex) : b -> embeddings(b, response, ex);
      BodyReader.read(request, maxBodyBytes, bodyTimeout, body -> {
        ex.unreadBody = body.outcome() != BodyReader.Outcome.COMPLETE;
        run(started, method, path, request, response, callback, ex, () -> withBody(body, response, ex, onBody));
      });
    }
  }

  private void writeAccessLine(long started, String method, String path, Exchange ex) {
    long ms = (System.nanoTime() - started) / 1_000_000;
    // Never the headers or the body: they carry keys and user content. Queued, written off this thread.
    accessLog.log(ex.status >= 500 ? "WARN" : "INFO", "access", "request_id", ex.requestId, "method", method, "path", path,
        "group", ex.modelGroup, "deployment", ex.deployment, "status", ex.status, "latency_ms", ms,
        "attempts", ex.attempts, "fallbacks", ex.fallbacks, "note", ex.note);
  }

  private Next dispatch(String method, String path, Request request, Response response, Exchange ex) throws IOException {
    switch (path) {
      case "/health/liveliness":
      case "/health/liveness":
        if (!allowMethod(method, "GET", response, ex)) return Next.DONE;
        writeJson(response, ex, 200, Json.write("I'm alive!"));
        return Next.DONE;
      case "/health/readiness":
        if (!allowMethod(method, "GET", response, ex)) return Next.DONE;
        readiness(response, ex);
        return Next.DONE;
      default:
        break;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (method.equals("OPTIONS") && origin != null) {
      preflight(origin, response, ex);
      return Next.DONE;
    }
    if (auth.open()) {
      String refusal = guard.refusal(request);
      if (refusal != null) {
        send(response, ex, ApiError.of(403, "invalid_request_error", "forbidden", null, refusal));
        return Next.DONE;
      }
    }
    // A loopback page may read the answers (its preflight was answered above); no other origin may.
    if (BrowserGuard.loopbackOrigin(origin)) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin.strip());
      response.getHeaders().put(HttpHeader.VARY, "Origin");
    }
    if (operatorView(method, path, request, response, ex)) return Next.DONE;
    boolean chat = CHAT_PATHS.contains(path);
    boolean embeddings = EMBEDDINGS_PATHS.contains(path);
    boolean models = MODELS_PATHS.contains(path);
    String modelId = modelIdOf(path);
    boolean health = path.equals("/health");
    boolean cooldowns = path.equals(COOLDOWNS_PATH);
    String clearName = path.startsWith(COOLDOWNS_PATH + "/") && path.length() > COOLDOWNS_PATH.length() + 1
        ? path.substring(COOLDOWNS_PATH.length() + 1) : null;
    if (!chat && !embeddings && !models && modelId == null && !health && !cooldowns && clearName == null) {
      send(response, ex, ApiError.of(404, "invalid_request_error", "not_found", null,
          "Unknown path " + path + ". This server offers /v1/chat/completions, /v1/embeddings, /v1/models, /health, /cooldowns and /ui."));
      return Next.DONE;
    }
    if (!allowMethod(method, chat || embeddings ? "POST" : clearName != null ? "DELETE" : "GET", response, ex)) return Next.DONE;
    if (!authorised(request, response, ex)) return Next.DONE;
    if (chat || embeddings) {
      // While this thread waits on the router nothing moves on the connection; that is not an idle client.
      // Deadlines are the router's job. A pending read or write still times out (Jetty skips listeners then).
      request.addIdleTimeoutListener(timeout -> false);
      return chat ? Next.READ_CHAT_BODY : Next.READ_EMBEDDINGS_BODY;
    }
    if (cooldowns) cooldowns(response, ex);
    else if (clearName != null) clearCooldowns(clearName, response, ex);
    else if (models) models(response, ex);
    else if (modelId != null) model(modelId, response, ex);
    else health(response, ex);
    return Next.DONE;
  }

  /** A CORS preflight: allowed for loopback origins only, whatever the master key. */
  private void preflight(String origin, Response response, Exchange ex) throws IOException {
    if (!BrowserGuard.loopbackOrigin(origin)) {
      send(response, ex, ApiError.of(403, "invalid_request_error", "forbidden", null,
          "Cross-origin requests are allowed from localhost pages only."));
      return;
    }
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin.strip());
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE, OPTIONS");
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "authorization, content-type, x-api-key");
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, "600");
    response.getHeaders().put(HttpHeader.VARY, "Origin");
    response.setStatus(204);
    ex.status = 204;
    write(response, true, "");
  }

  // ---- metrics and the status page ----------------------------------------------------------------

  /**
   * {@code /metrics}, the status page's files and {@code /ui/status}. The page's files carry no data and
   * are served to anyone (they hold the login form); its data and the metrics need the master key.
   *
   * @return true when {@code path} was one of these and has been answered
   */
  private boolean operatorView(String method, String path, Request request, Response response, Exchange ex) throws IOException {
    boolean metrics = path.equals("/metrics") && metricsText != null;
    boolean status = path.equals("/ui/status");
    StatusPage.Asset asset = StatusPage.asset(path);
    if (!metrics && !status && asset == null) return false;
    if (!allowMethod(method, "GET", response, ex)) return true;
    if (asset != null) {
      response.getHeaders().put("content-security-policy", StatusPage.CSP);
      response.getHeaders().put("x-content-type-options", "nosniff");
      response.getHeaders().put("referrer-policy", "no-referrer");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      writeText(response, ex, 200, asset.contentType(), asset.body());
      return true;
    }
    if (!(metrics && metricsPublic) && !authorised(request, response, ex)) return true;
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (metrics) {
      writeText(response, ex, 200, "text/plain; version=0.0.4; charset=utf-8", metricsText.get().getBytes(StandardCharsets.UTF_8));
    } else {
      response.getHeaders().put("x-content-type-options", "nosniff");
      writeJson(response, ex, 200, StatusPage.json(router.status(), reloadStatus == null ? null : reloadStatus.get(),
          io.llmrouter.core.LlmRouter.sharedStateStatus(router).orElse(null)));
    }
    return true;
  }

  private static void writeText(Response response, Exchange ex, int status, String contentType, byte[] body) throws IOException {
    response.setStatus(status);
    ex.status = status;
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(true, ByteBuffer.wrap(body), cb);
      cb.block();
    }
  }

  /** True when the master key is not required or was presented; otherwise answers 401 and returns false. */
  private boolean authorised(Request request, Response response, Exchange ex) throws IOException {
    if (auth.accepts(request.getHeaders().get(HttpHeader.AUTHORIZATION), request.getHeaders().get("x-api-key"))) return true;
    boolean presented = request.getHeaders().contains(HttpHeader.AUTHORIZATION) || request.getHeaders().contains("x-api-key");
    send(response, ex, ApiError.of(401, "invalid_request_error", "invalid_api_key", null, presented
        ? "Incorrect API key provided. Use the master key configured for this llm-router."
        : "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or 'x-api-key: <key>'."));
    return false;
  }

  // ---- chat ---------------------------------------------------------------------------------------

  /** Answers a body that did not arrive whole (too large, too slow, badly framed), else runs {@code step} on it. */
  private Next withBody(BodyReader.Result read, Response response, Exchange ex, BodyStep step) throws IOException {
    switch (read.outcome()) {
      case TOO_LARGE -> tooLarge(response, ex);
      case TIMED_OUT -> {
        // The rest of the body never came, so this connection cannot carry another request.
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        ex.note = "body not received in time";
        send(response, ex, ApiError.of(408, "invalid_request_error", "request_timeout", null,
            "The request body did not arrive within " + bodyTimeout.toSeconds() + " s."));
      }
      case FAILED -> {
        // A body Jetty could not parse (bad chunk framing) is the client's fault: a 4xx, not a broken connection.
        if (!(read.failure() instanceof HttpException bad) || response.isCommitted()) {
          throw new IOException("reading the request body failed", read.failure());
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        send(response, ex, JsonErrorHandler.of(bad.getCode()));
      }
      case COMPLETE -> step.run(read.body());
    }
    return Next.DONE;
  }

  /** Parses a request body. */
  private interface BodyParser<T> {
    T parse(byte[] body) throws RequestBody.MalformedJsonException;
  }

  /**
   * {@code body} as a {@code what} request with a model, or null when it is not one (empty, malformed,
   * mistyped or without a model: answered with the 400 that says so).
   */
  private <T> T parsed(byte[] body, String what, BodyParser<T> parser, java.util.function.Function<T, String> modelOf,
      Response response, Exchange ex) throws IOException {
    if (blank(body)) {
      send(response, ex, ApiError.badRequest("invalid_json", null, "The request body is empty; expected a JSON " + what + " request."));
      return null;
    }
    T request;
    try {
      request = parser.parse(body);
    } catch (RequestBody.MalformedJsonException e) {
      send(response, ex, ApiError.badRequest("invalid_json", null, e.getMessage()));
      return null;
    } catch (InvalidRequestException e) {
      send(response, ex, ApiError.from(e, clock.instant()));
      return null;
    }
    String model = modelOf.apply(request);
    if (model == null || model.isBlank()) {
      send(response, ex, ApiError.badRequest("missing_required_parameter", "model", "You must provide a model parameter."));
      return null;
    }
    ex.modelGroup = model;
    return request;
  }

  /** True for a body of whitespace only (no text copy: the first byte of a request is normally '{'). */
  static boolean blank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != 0x0b && b != 0x0c && (b < 0x1c || b > 0x1f)) {
        // ASCII content ends the scan at once; a non-ASCII byte (rare) is decided as String.isBlank would.
        return b < 0 && new String(body, StandardCharsets.UTF_8).isBlank();
      }
    }
    return true;
  }

  private void chat(byte[] body, Response response, Exchange ex) throws IOException {
    ChatRequest chatRequest = parsed(body, "chat completion", RequestBody::parseChat, ChatRequest::model, response, ex);
    if (chatRequest == null) return;
    if (chatRequest.messages() == null || chatRequest.messages().isEmpty()) {
      send(response, ex, ApiError.badRequest("missing_required_parameter", "messages", "You must provide a non-empty messages array."));
      return;
    }
    // The router hands the id to listeners (RequestHandle.requestId()): the decision log carries it too.
    chatRequest = chatRequest.withRequestId(ex.requestId);
    if (Boolean.TRUE.equals(chatRequest.stream())) {
      stream(chatRequest, response, ex);
      return;
    }
    ChatRequest finalRequest = chatRequest;
    java.util.concurrent.CompletableFuture<ChatResponse> answer;
    try {
      answer = RequestThreadExecutor.inline(() -> router.chatAsync(finalRequest));
    } catch (LlmRouterException e) {
      send(response, ex, ApiError.from(e, clock.instant()));
      return;
    }
    // Jetty's async handling: handle() has returned; the callback completes when the router answers, so a
    // request waiting for capacity holds no request thread. A client gone meanwhile cancels the wait. Most
    // answers are complete by now (the call ran on this thread): they need no listener, and registering one
    // takes the request's lock (contended at 64 clients: 1 % of the request threads' samples).
    ex.dispatched = true;
    if (!answer.isDone()) response.getRequest().addFailureListener(failure -> answer.cancel(false));
    answer.whenComplete((r, e) -> ex.resume.accept(() -> answered(r, e, response, ex)));
  }

  /** Writes the routed chat's answer (or its error) once the router completed it. */
  private Next answered(ChatResponse answer, Throwable failure, Response response, Exchange ex) throws IOException {
    Throwable e = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (e instanceof LlmRouterException le) {
      send(response, ex, ApiError.from(le, clock.instant()));
      return Next.DONE;
    }
    // Cancelled by the failure listener: the client went away while the request waited.
    if (e instanceof java.util.concurrent.CancellationException) throw new IOException("client gone while waiting", e);
    if (e instanceof RuntimeException re) throw re;
    if (e != null) throw new IllegalStateException("chat failed: " + e, e);
    ex.route(answer.route());
    Headers.putRoute(response.getHeaders(), answer.route());
    // The provider's own bytes when they are exactly this answer (read without coercion, model unchanged):
    // the same JSON value the facade would write, without writing it. Otherwise written once, straight from
    // the value to the bytes sent.
    ByteBuffer source = answer.sourceJson();
    if (source != null) writeJson(response, ex, 200, source);
    else writeJson(response, ex, 200, Json.mapper().writeValueAsBytes(answer));
    return Next.DONE;
  }

  // ---- embeddings ---------------------------------------------------------------------------------

  /** {@code POST /v1/embeddings}: parsed, routed and answered like a non-streamed chat (same errors and headers). */
  private void embeddings(byte[] body, Response response, Exchange ex) throws IOException {
    EmbeddingRequest embeddingRequest = parsed(body, "embeddings", RequestBody::parseEmbedding, EmbeddingRequest::model, response, ex);
    if (embeddingRequest == null) return;
    java.util.concurrent.CompletableFuture<EmbeddingResponse> answer;
    try {
      answer = RequestThreadExecutor.inline(() -> router.embedAsync(embeddingRequest));
    } catch (LlmRouterException e) {
      send(response, ex, ApiError.from(e, clock.instant()));
      return;
    } catch (UnsupportedOperationException e) {
      send(response, ex, notImplemented());
      return;
    }
    // As for chat: while the router waits for capacity this request holds no Jetty thread.
    ex.dispatched = true;
    if (!answer.isDone()) response.getRequest().addFailureListener(failure -> answer.cancel(false));
    answer.whenComplete((r, e) -> ex.resume.accept(() -> embedded(r, e, response, ex)));
  }

  /** Writes the routed embeddings' answer (or its error) once the router completed it. */
  private Next embedded(EmbeddingResponse answer, Throwable failure, Response response, Exchange ex) throws IOException {
    Throwable e = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (e instanceof LlmRouterException le) {
      send(response, ex, ApiError.from(le, clock.instant()));
      return Next.DONE;
    }
    if (e instanceof UnsupportedOperationException) {
      send(response, ex, notImplemented());
      return Next.DONE;
    }
    if (e instanceof java.util.concurrent.CancellationException) throw new IOException("client gone while waiting", e);
    if (e instanceof RuntimeException re) throw re;
    if (e != null) throw new IllegalStateException("embeddings failed: " + e, e);
    ex.route(answer.route());
    Headers.putRoute(response.getHeaders(), answer.route());
    writeJson(response, ex, 200, Json.mapper().writeValueAsBytes(answer));
    return Next.DONE;
  }

  private static ApiError notImplemented() {
    return ApiError.of(501, "api_error", "not_implemented", null, "This router does not serve embeddings.");
  }

  /**
   * SSE: the router returns only once a deployment produced its first chunk, so the status line and the
   * route headers go out with that chunk and a fallback before it is invisible. After it, an error can
   * only be told in-band: one {@code data: {"error":...}} event, then the stream ends without [DONE].
   */
  private void stream(ChatRequest chatRequest, Response response, Exchange ex) throws IOException {
    java.util.concurrent.CompletableFuture<ChatStream> opening;
    try {
      opening = RequestThreadExecutor.inline(() -> router.streamAsync(chatRequest));
    } catch (LlmRouterException e) {
      send(response, ex, ApiError.from(e, clock.instant()));
      return;
    }
    // As for JSON: while the router waits for capacity this request holds no Jetty thread. The opened stream
    // is written from a Jetty thread again (the router's threads are not held for a whole stream).
    ex.dispatched = true;
    Request request = response.getRequest();
    request.addFailureListener(failure -> opening.cancel(false));
    Thread requestThread = Thread.currentThread();
    opening.whenComplete((s, e) -> {
      Runnable write = () -> ex.resume.accept(() -> streamOpened(s, e, response, ex));
      // Opened on this request thread (the router ran its first step here, see RequestThreadExecutor):
      // written from here too, without a dispatch to another pool thread.
      if (Thread.currentThread() == requestThread) {
        write.run();
        return;
      }
      try {
        request.getContext().execute(write);
      } catch (RejectedExecutionException stopping) {
        if (s != null) s.close();
        ex.resume.accept(() -> {
          response.getHeaders().put(HttpHeader.CONNECTION, "close");
          send(response, ex, ApiError.of(503, "api_error", "server_stopping", null, "The server is stopping; retry on another instance."));
          return Next.DONE;
        });
      }
    });
  }

  /** Streams an opened stream (or answers the error it failed to open with). */
  private Next streamOpened(ChatStream stream, Throwable openFailure, Response response, Exchange ex) throws IOException {
    Throwable cause = openFailure instanceof java.util.concurrent.CompletionException && openFailure.getCause() != null
        ? openFailure.getCause() : openFailure;
    if (cause instanceof LlmRouterException le) {
      send(response, ex, ApiError.from(le, clock.instant()));
      return Next.DONE;
    }
    // Cancelled by the failure listener: the client went away while the request waited.
    if (cause instanceof java.util.concurrent.CancellationException) throw new IOException("client gone while waiting", cause);
    if (cause instanceof RuntimeException re) throw re;
    if (cause != null) throw new IllegalStateException("stream failed: " + cause, cause);
    Request request = response.getRequest();
    // Jetty reports a broken connection only when it reads or writes; the keep-alive writes below make sure
    // it does even while the provider is silent.
    request.addFailureListener(failure -> stream.close());
    ExecutorService keepAlives = pumpThreads;
    StreamWriter writer = new StreamWriter(response, stream, request.getComponents().getScheduler(), keepAlives, keepAlive);
    // Registered before the check, so a stop that has already shut the executor down is seen here, and
    // one that has not yet finds this writer in the set and closes its stream.
    livePumps.add(writer);
    if (keepAlives.isShutdown()) {
      livePumps.remove(writer);
      stream.close();
      response.getHeaders().put(HttpHeader.CONNECTION, "close");
      send(response, ex, ApiError.of(503, "api_error", "server_stopping", null, "The server is stopping; retry on another instance."));
      return Next.DONE;
    }
    try (stream) {
      ex.route(stream.route());
      response.setStatus(200);
      ex.status = 200;
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
      // Reverse proxies (nginx) would otherwise buffer the stream and defeat it.
      response.getHeaders().put("x-accel-buffering", "no");
      Headers.putRoute(response.getHeaders(), stream.route());
      writer.start();
      // This thread reads and writes each chunk itself, with no hand-off between threads. The first chunks,
      // up to the first with content, were read by the router while it chose the deployment (it commits
      // only then): they are in memory, and go out together in one write.
      java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream(1024);
      int held = 0;
      boolean holding = true;
      while (true) {
        ChatChunk chunk;
        LlmRouterException failure = null;
        try {
          chunk = stream.next();
        } catch (LlmRouterException e) {
          chunk = null;
          failure = e;
        } catch (RuntimeException e) {
          chunk = null;
          failure = new LlmRouterException("stream failed: " + e.getClass().getSimpleName(), true, e);
        }
        if (failure != null) {
          ApiError err = ApiError.from(failure, clock.instant());
          ex.note = "stream failed after first chunk: " + err.status() + " " + err.code();
          first.write(("data: " + err.body() + "\n\n").getBytes(StandardCharsets.UTF_8));
          writer.write(true, ByteBuffer.wrap(first.toByteArray()));
          return Next.DONE;
        }
        if (chunk == null) break;
        byte[] ev = event(chunk);
        if (holding) {
          first.write(ev);
          if (StreamChunks.hasContent(chunk) || ++held >= StreamChunks.MAX_FIRST_BATCH) {
            writer.write(false, ByteBuffer.wrap(first.toByteArray()));
            first.reset();
            holding = false;
          }
          continue;
        }
        writer.write(false, ByteBuffer.wrap(ev));
      }
      if (writer.cancelled()) {
        // Closed under it (a stop, or a keep-alive that found the client gone): not a complete answer.
        ex.note = "stream closed before its end";
        writer.write(true, ByteBuffer.wrap(first.toByteArray()));
        return Next.DONE;
      }
      first.write(DONE);
      writer.write(true, ByteBuffer.wrap(first.toByteArray()));
    } finally {
      writer.stop();
      livePumps.remove(writer);
    }
    return Next.DONE;
  }

  private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

  /** One SSE event, {@code data: <json>\n\n}, written from the value straight to bytes. */
  static byte[] event(Object item) throws IOException {
    byte[] json = Json.mapper().writeValueAsBytes(item);
    byte[] ev = new byte[DATA.length + json.length + 2];
    System.arraycopy(DATA, 0, ev, 0, DATA.length);
    System.arraycopy(json, 0, ev, DATA.length, json.length);
    ev[ev.length - 2] = '\n';
    ev[ev.length - 1] = '\n';
    return ev;
  }

  private void tooLarge(Response response, Exchange ex) throws IOException {
    // The rest of the body is not read, so this connection cannot carry another request.
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    send(response, ex, ApiError.of(413, "invalid_request_error", "request_too_large", null,
        "Request body is larger than the limit of " + maxBodyBytes + " bytes."));
  }

  // ---- models and health --------------------------------------------------------------------------

  private void models(Response response, Exchange ex) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (ModelGroupStatus g : router.modelGroups()) data.add(modelEntry(g));
    writeJson(response, ex, 200, Json.write(root));
  }

  private void model(String id, Response response, Exchange ex) throws IOException {
    List<ModelGroupStatus> groups = router.modelGroups();
    for (ModelGroupStatus g : groups) {
      if (g.name().equals(id)) {
        ex.modelGroup = id;
        writeJson(response, ex, 200, Json.write(modelEntry(g)));
        return;
      }
    }
    send(response, ex, ApiError.of(404, "invalid_request_error", "model_not_found", "model",
        "The model '" + id + "' does not exist. Known models: "
            + String.join(", ", groups.stream().map(ModelGroupStatus::name).toList())));
  }

  private static ObjectNode modelEntry(ModelGroupStatus g) {
    ObjectNode m = Json.mapper().createObjectNode();
    m.put("id", g.name());
    m.put("object", "model");
    m.put("created", MODEL_CREATED);
    m.put("owned_by", "llm-router");
    if (g.description() != null) m.put("description", g.description());
    if (g.contextWindow() == null) m.putNull("context_window"); else m.put("context_window", g.contextWindow());
    m.put("deployments", g.deployments());
    m.put("available_now", g.availableNow());
    if (g.availableNow() || g.availableAt() == null) m.putNull("cooling_until");
    else m.put("cooling_until", g.availableAt().toString());
    return m;
  }

  // ---- cooldowns ----------------------------------------------------------------------------------

  /** {@code GET /cooldowns}: every cooling or quota-blocked deployment, until when and why. */
  private void cooldowns(Response response, Exchange ex) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (CooldownStatus c : router.cooldowns()) {
      ObjectNode n = data.addObject();
      n.put("model_group", c.modelGroup());
      n.put("deployment_id", c.deploymentId());
      n.put("model", c.model());
      n.put("kind", c.kind() == CooldownStatus.Kind.COOLING ? "cooling" : "quota");
      n.put("until", c.until().toString());
      if (c.reason() == null) n.putNull("reason"); else n.put("reason", c.reason());
    }
    writeJson(response, ex, 200, Json.write(root));
  }

  /** {@code DELETE /cooldowns/{model group | deployment id | all}}: ends those cooldowns now. */
  private void clearCooldowns(String name, Response response, Exchange ex) throws IOException {
    int n;
    try {
      n = router.clearCooldowns(name);
    } catch (UnknownModelException e) {
      send(response, ex, ApiError.of(404, "invalid_request_error", "model_not_found", "model",
          "'" + name + "' is neither a model group nor a deployment id (or all). Known: " + String.join(", ", e.knownModels())));
      return;
    }
    ex.modelGroup = name;
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("object", "cooldowns.cleared");
    root.put("model", name);
    root.put("cleared", n);
    writeJson(response, ex, 200, Json.write(root));
  }

  private void health(Response response, Exchange ex) throws IOException {
    HealthReport report = router.health();
    ObjectNode root = Json.mapper().createObjectNode();
    ArrayNode healthy = root.putArray("healthy_endpoints");
    for (HealthReport.Endpoint e : report.healthy()) healthy.add(endpoint(e));
    ArrayNode unhealthy = root.putArray("unhealthy_endpoints");
    for (HealthReport.Endpoint e : report.unhealthy()) unhealthy.add(endpoint(e));
    root.put("healthy_count", report.healthy().size());
    root.put("unhealthy_count", report.unhealthy().size());
    if (report.checkedAt() == null) root.putNull("checked_at"); else root.put("checked_at", report.checkedAt().toString());
    writeJson(response, ex, 200, Json.write(root));
  }

  private static ObjectNode endpoint(HealthReport.Endpoint e) {
    ObjectNode n = Json.mapper().createObjectNode();
    n.put("model", e.model());
    n.put("model_name", e.modelGroup());
    n.put("model_id", e.deploymentId());
    // User info and a query string may carry a credential (Azure-style ?api-key=); never needed to read health.
    if (e.apiBase() != null) n.put("api_base", SafeUrls.redact(e.apiBase()));
    if (e.checkedAt() != null) n.put("checked_at", e.checkedAt().toString());
    if (e.error() != null) n.put("error", e.error());
    HealthReport.Quota q = e.quota();
    if (q != null) {
      // LiteLLM shows the provider's rate-limit headers beside each endpoint; these are the same numbers.
      if (q.requests() != null && q.requests().remaining() != null) n.put("x-ratelimit-remaining-requests", q.requests().remaining());
      if (q.tokens() != null && q.tokens().remaining() != null) n.put("x-ratelimit-remaining-tokens", q.tokens().remaining());
      ObjectNode qn = n.putObject("quota");
      window(qn, "requests", q.requests());
      window(qn, "tokens", q.tokens());
      if (q.blockedUntil() == null) qn.putNull("blocked_until"); else qn.put("blocked_until", q.blockedUntil().toString());
      if (q.observedAt() != null) qn.put("observed_at", q.observedAt().toString());
    }
    return n;
  }

  private static void window(ObjectNode parent, String name, io.llmrouter.api.RateSignal.Window w) {
    if (w == null) {
      parent.putNull(name);
      return;
    }
    ObjectNode n = parent.putObject(name);
    if (w.limit() == null) n.putNull("limit"); else n.put("limit", w.limit());
    if (w.remaining() == null) n.putNull("remaining"); else n.put("remaining", w.remaining());
    if (w.resetAt() == null) n.putNull("reset_at"); else n.put("reset_at", w.resetAt().toString());
    n.put("scope", w.scope().name().toLowerCase(java.util.Locale.ROOT));
  }

  private void readiness(Response response, Exchange ex) throws IOException {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("status", "ready");
    root.put("model_groups", router.modelGroups().size());
    ReloadStatus rs = reloadStatus == null ? null : reloadStatus.get();
    if (rs != null) {
      // Still 200: the last good configuration keeps serving, so a balancer must not pull this instance.
      ObjectNode c = root.putObject("config");
      c.put("status", rs.failing() ? "reload_failed" : "ok");
      if (rs.loadedAt() == null) c.putNull("loaded_at"); else c.put("loaded_at", rs.loadedAt().toString());
      c.put("reloads", rs.reloads());
      if (rs.failing()) {
        c.put("failed_at", rs.failedAt().toString());
        c.put("error", rs.error());
      }
    }
    io.llmrouter.core.LlmRouter.sharedStateStatus(router).ifPresent(s -> {
      // Still ready while apart: the router admits under local limits, so callers are served either way.
      ObjectNode shared = root.putObject("shared_state");
      shared.put("backend", s.backend());
      shared.put("connected", s.connected());
      if (s.detail() != null) shared.put("detail", s.detail());
    });
    writeJson(response, ex, 200, Json.write(root));
  }

  // ---- plumbing -----------------------------------------------------------------------------------

  private boolean allowMethod(String method, String allowed, Response response, Exchange ex) throws IOException {
    if (method.equals(allowed)) return true;
    response.getHeaders().put(HttpHeader.ALLOW, allowed);
    send(response, ex, ApiError.of(405, "invalid_request_error", "method_not_allowed", null,
        "Method " + method + " is not allowed here; use " + allowed + "."));
    return false;
  }

  private void send(Response response, Exchange ex, ApiError error) throws IOException {
    if (error.route() != null) {
      ex.route(error.route());
      Headers.putRoute(response.getHeaders(), error.route());
    }
    error.headers().forEach((k, v) -> response.getHeaders().put(k, v));
    // An answer given before the body was read: the client may still be sending it, and a connection
    // whose request body was not consumed is one Jetty closes after the answer. Say so, so a client does
    // not reuse it for its next request (which would then find it closed).
    if (ex.unreadBody && !response.isCommitted()) response.getHeaders().put(HttpHeader.CONNECTION, "close");
    if (error.status() >= 500) ex.note = error.code();
    writeJson(response, ex, error.status(), error.body());
  }

  private void sendError(Response response, Exchange ex, ApiError error, Callback callback) {
    try {
      send(response, ex, error);
      callback.succeeded();
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
    }
  }

  private static final HttpField JSON_TYPE = new HttpField(HttpHeader.CONTENT_TYPE, JSON);

  private static void writeJson(Response response, Exchange ex, int status, String json) throws IOException {
    writeJson(response, ex, status, json.getBytes(StandardCharsets.UTF_8));
  }

  private static void writeJson(Response response, Exchange ex, int status, byte[] json) throws IOException {
    writeJson(response, ex, status, ByteBuffer.wrap(json));
  }

  private static void writeJson(Response response, Exchange ex, int status, ByteBuffer json) throws IOException {
    response.setStatus(status);
    ex.status = status;
    response.getHeaders().put(JSON_TYPE);
    write(response, true, json);
  }

  private static void write(Response response, boolean last, ByteBuffer bytes) throws IOException {
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, bytes, cb);
      cb.block();
    }
  }

  private static void write(Response response, boolean last, String text) throws IOException {
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), cb);
      cb.block();
    }
  }

  private static String normalise(String path) {
    if (path == null || path.isEmpty()) return "/";
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String modelIdOf(String path) {
    for (String prefix : new String[] {"/v1/models/", "/models/"}) {
      if (path.startsWith(prefix) && path.length() > prefix.length()) return path.substring(prefix.length());
    }
    return null;
  }
}
