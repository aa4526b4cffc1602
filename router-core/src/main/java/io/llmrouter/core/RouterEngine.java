package io.llmrouter.core;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.HealthCheckMode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterStatus;
import io.llmrouter.api.StreamListener;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.GeneralSettings;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.CooldownRecord;
import io.llmrouter.core.state.DeploymentStateFactory;
import io.llmrouter.core.state.SharedState;
import io.llmrouter.core.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;

/**
 * The router: lifecycle, the public API, and the composition of its policies in the order {@link Router}
 * draws, outermost first:
 *
 * <pre>
 * FallbackPlanner (group plan)
 *   GroupRetry (per group)
 *     Selector + Admission (windows, quotas, cooldown, probe)
 *       AttemptRunner (per-attempt timeout, the provider call)
 *     CooldownPolicy (what a failure does to the deployment)
 * </pre>
 *
 * Its own retry loop (not Failsafe) because each retry re-selects a deployment, moves to another one at
 * once, and waits only for a provider's hint that fits the request's deadline: decisions that need the
 * group's live state between attempts, which a fixed retry policy around one supplier cannot see.
 *
 * <p>Thread-safe. No global lock on the request path: groups are looked up in an immutable map, and all
 * mutable state is per deployment.
 */
final class RouterEngine implements Router {
  private static final int MAX_PREFETCH_CHUNKS = 16;
  private static final long CLOSE_WAIT_SECONDS = 10;

  private final RouterConfig config;
  private final Clock clock;
  private final ProviderClient client;
  private final boolean ownsClient;
  private final Listeners listeners;
  private final StateStore store;
  private final DeploymentRegistry registry;
  private final FallbackPlanner planner;
  private final GroupRetry retry;
  private final MockTesting mocks;
  private final AttemptRunner attempts;
  private final RouterErrors errors;
  private final CooldownPolicy cooldowns;
  private final HealthChecker health;
  private final double requestTimeoutSeconds;
  private final double maxClientTimeoutSeconds;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final ScheduledExecutorService healthScheduler;
  /** Ends streams at their attempt's timeout and at the request's deadline: one daemon thread, tasks removed on cancel. */
  private final java.util.concurrent.ScheduledThreadPoolExecutor watchdog;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Where asynchronous requests wait for capacity. */
  private final Scheduler scheduler;
  /** Asynchronous requests not yet answered: failed by {@link #close()} (one parked in the scheduler has no thread to fail it). */
  private final java.util.Set<CompletableFuture<?>> pendingAsync = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final AtomicLong requestIds;
  private volatile SharedState sharedState;
  private volatile boolean ownsSharedState;

  RouterEngine(RouterConfig config, Env env, Clock clock, Sleeper sleeper, ProviderClient client, boolean ownsClient,
      List<io.llmrouter.api.RouterListener> listeners, StateStore store, DeploymentStateFactory states, RandomGenerator random,
      Executor executor) {
    this(config, env, clock, sleeper, client, ownsClient, listeners, store, states, random, executor,
        LlmRouter.DEFAULT_MAX_CLIENT_TIMEOUT, LlmRouter.DEFAULT_MAX_WAITING, null);
  }

  RouterEngine(RouterConfig config, Env env, Clock clock, Sleeper sleeper, ProviderClient client, boolean ownsClient,
      List<io.llmrouter.api.RouterListener> listeners, StateStore store, DeploymentStateFactory states, RandomGenerator random,
      Executor executor, Duration maxClientTimeout, int maxWaiting, Scheduler scheduler) {
    this(config, env, clock, sleeper, client, ownsClient, listeners, store, states, random, executor, null, new AtomicLong(),
        maxClientTimeout, maxWaiting, scheduler);
  }

  /**
   * As the other constructors; {@code previous} is the engine this one replaces on a reload (its unchanged
   * deployments are reused with their state, see {@link DeploymentRegistry}), or null, and {@code requestIds}
   * numbers requests across every engine of one {@link ReloadableRouter}; {@code scheduler} is where
   * asynchronous requests wait (null: through {@code sleeper}, {@link Scheduler#sleeping}).
   */
  RouterEngine(RouterConfig config, Env env, Clock clock, Sleeper sleeper, ProviderClient client, boolean ownsClient,
      List<io.llmrouter.api.RouterListener> listeners, StateStore store, DeploymentStateFactory states, RandomGenerator random,
      Executor executor, RouterEngine previous, AtomicLong requestIds, Duration maxClientTimeout, int maxWaiting,
      Scheduler scheduler) {
    this.requestIds = requestIds;
    this.maxClientTimeoutSeconds = maxClientTimeout.toMillis() / 1000.0;
    this.config = config;
    this.clock = clock;
    this.client = client;
    this.ownsClient = ownsClient;
    this.listeners = new Listeners(listeners);
    this.store = store;
    Duration rt = config.litellm().requestTimeout();
    this.requestTimeoutSeconds = rt == null ? 6000 : rt.toMillis() / 1000.0;
    this.registry = new DeploymentRegistry(config, env, client, states, previous == null ? null : previous.registry);
    CooldownPolicy cooldowns = new CooldownPolicy(config.router(), store, this.listeners, registry::key);
    // A persisted auth or model-not-found cooldown whose cause was fixed (new key, changed model) ends now.
    long startedAt = clock.millis();
    for (Deployment d : registry.deployments()) cooldowns.endFixedCooldown(d, startedAt);
    this.cooldowns = cooldowns;
    this.planner = new FallbackPlanner(config.router(), registry, this.listeners);
    this.attempts = new AttemptRunner(config, registry, cooldowns, this.listeners, clock, (long) (requestTimeoutSeconds * 1000));
    Selector selector = new Selector(SelectionStrategy.of(config.router().routingStrategy()),
        new Admission(registry, config.router(), clock), this.listeners, clock, random, config.general().enableHealthCheckRouting());
    this.mocks = new MockTesting(clock, sleeper);
    this.retry = new GroupRetry(config, selector, attempts, mocks, registry, this.listeners, clock, sleeper, maxWaiting);
    this.errors = new RouterErrors(registry, clock);
    this.health = new HealthChecker(registry, client, this.listeners, clock, config.general().healthCheckMode());
    if (executor != null) {
      this.executor = executor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = RouterExecutors.bounded();
      this.executor = ownedExecutor;
    }
    this.scheduler = scheduler != null ? scheduler : Scheduler.sleeping(sleeper);
    this.watchdog = new java.util.concurrent.ScheduledThreadPoolExecutor(1, RouterExecutors.daemon("llm-router-stream-deadline"));
    watchdog.setRemoveOnCancelPolicy(true);
    if (config.general().backgroundHealthChecks()) {
      long every = Math.max(1, config.general().healthCheckInterval().toMillis());
      this.healthScheduler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(RouterExecutors.daemon("llm-router-health"));
      healthScheduler.scheduleWithFixedDelay(this::backgroundHealth, 0, every, TimeUnit.MILLISECONDS);
    } else {
      this.healthScheduler = null;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  @Override
  public ChatResponse chat(ChatRequest request) {
    RequestState rs = begin(request);
    return chatAnswer(rs, routed(rs, chatCall(rs)));
  }

  private AttemptRunner.Call<ChatResponse> chatCall(RequestState rs) {
    return new ChatCall(rs);
  }

  /** A chat attempt as the attempt runner's call: one object per request (no lambda captured beside it). */
  private final class ChatCall implements AttemptRunner.Call<ChatResponse> {
    private final RequestState rs;

    ChatCall(RequestState rs) {
      this.rs = rs;
    }

    @Override
    public AttemptRunner.Served<ChatResponse> invoke(io.llmrouter.api.spi.ProviderCall pc) {
      ProviderResponse<ChatResponse> r = rs.mockResponse != null ? mocks.chat(pc, rs.mockResponse) : client.chat(pc);
      if (r == null || r.value() == null) throw noResponse("provider client returned no response", pc);
      return new AttemptRunner.Served<>(r.value(), r.status(), r.headers(), r.signal(), r.value().usage());
    }

    @Override
    public boolean holdsTicket() {
      return false;
    }
  }

  private static MalformedResponseException noResponse(String nothing, io.llmrouter.api.spi.ProviderCall pc) {
    return new MalformedResponseException(
        nothing, new ErrorContext(0, pc.endpoint().provider(), pc.endpoint().deploymentId(), Map.of(), null, null), null);
  }

  private ChatResponse chatAnswer(RequestState rs, AttemptRunner.Success<ChatResponse> s) {
    ChatResponse resp = s.value();
    Deployment d = s.ticket().deployment;
    String model = resp.model();
    // The provider echoing the deployment's own id (validated non-blank) needs no scan of the text.
    if (model != d.config.providerModel() && (model == null || model.isBlank())) model = d.config.providerModel();
    Route route = routeOf(rs, d, s.headers());
    end(rs, route, resp.usage(), null);
    return resp.withModelAndRoute(model, route);
  }

  /**
   * {@inheritDoc} The same composition as chat (planner, group retry, selector and admission, attempt
   * runner); only the provider call differs. The client returns the encoding the caller asked for, so a
   * fallback to a provider without base64 support changes nothing the caller sees.
   */
  @Override
  public EmbeddingResponse embed(EmbeddingRequest request) {
    RequestState rs = beginEmbedding(request);
    return embeddingAnswer(rs, routed(rs, embeddingCall(rs)));
  }

  @Override
  public CompletableFuture<EmbeddingResponse> embedAsync(EmbeddingRequest request) {
    return routedAsync(() -> beginEmbedding(request), this::embeddingCall, this::embeddingAnswer);
  }

  private AttemptRunner.Call<EmbeddingResponse> embeddingCall(RequestState rs) {
    return wholeCall("provider client returned no embeddings", pc -> {
      // The ProviderCall carries the endpoint, timeout and drop_params the attempt chose; its chat request is null here.
      EmbeddingRequest upstream = EmbeddingInput.withDeploymentParams(rs.embedding, deploymentParams(pc.endpoint().deploymentId()));
      return client.embed(new EmbeddingCall(pc.endpoint(), upstream, pc.timeout(), pc.dropParams()));
    }, EmbeddingResponse::usage);
  }

  private EmbeddingResponse embeddingAnswer(RequestState rs, AttemptRunner.Success<EmbeddingResponse> s) {
    EmbeddingResponse resp = s.value();
    Deployment d = s.ticket().deployment;
    String model = resp.model() != null && !resp.model().isBlank() ? resp.model() : d.config.providerModel();
    // OpenAI's clients require usage; a provider that sends none gets the router's estimate (the tpm reservation).
    Usage usage = resp.usage() != null ? resp.usage()
        : Usage.builder().promptTokens(rs.promptTokens).totalTokens(rs.promptTokens).build();
    Route route = routeOf(rs, d, s.headers());
    end(rs, route, usage, null);
    return resp.toBuilder().object(resp.object() != null ? resp.object() : "list").model(model).usage(usage).route(route).build();
  }

  @Override
  public ChatStream stream(ChatRequest request) {
    RequestState rs = begin(request);
    return openedStream(rs, routed(rs, streamCall(rs)));
  }

  /** The attempt that opens a stream: served once the first chunk with content (or the end) arrived. */
  private AttemptRunner.Call<RouterChatStream.Opened> streamCall(RequestState rs) {
    return new AttemptRunner.Call<>() {
      @Override
      public AttemptRunner.Served<RouterChatStream.Opened> invoke(io.llmrouter.api.spi.ProviderCall pc) {
        long attemptEnd = clock.millis() + pc.timeout().toMillis();
        ProviderStream ps = rs.mockResponse != null ? mocks.stream(pc, rs.mockResponse) : client.stream(pc);
        // The attempt's timeout bounds the time to the first content, not only each read: a stream that
        // drips empty chunks or comments is closed when it runs out, and the failure may fall back.
        AtomicBoolean timedOut = new AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> dog = rs.mockResponse != null ? null
            : watchdog.schedule(() -> {
              timedOut.set(true);
              ps.close();
            }, Math.max(0, attemptEnd - clock.millis()), TimeUnit.MILLISECONDS);
        try {
          List<ChatChunk> buf = new ArrayList<>(2);
          boolean ended = false;
          // Commit only once content arrives: a failure before that still allows retry and fallback,
          // and nothing has reached the caller yet, so nothing can be repeated.
          while (buf.size() < MAX_PREFETCH_CHUNKS) {
            ChatChunk c = ps.next();
            if (c == null) {
              ended = true;
              break;
            }
            buf.add(c);
            if (hasContent(c)) break;
          }
          if (timedOut.get()) throw attemptTimedOut(pc, null);
          return new AttemptRunner.Served<>(new RouterChatStream.Opened(ps, buf, ended), ps.status(), ps.headers(), ps.signal(), null);
        } catch (RuntimeException e) {
          ps.close();
          if (timedOut.get() && !(e instanceof RequestTimeoutException)) throw attemptTimedOut(pc, e);
          throw e;
        } finally {
          if (dog != null) dog.cancel(false);
        }
      }

      @Override
      public boolean holdsTicket() {
        return true;
      }
    };
  }

  /** The caller's stream over an opened attempt: it settles the ticket and ends the request when it ends. */
  private ChatStream openedStream(RequestState rs, AttemptRunner.Success<RouterChatStream.Opened> s) {
    Ticket t = s.ticket();
    Route route = routeOf(rs, t.deployment, s.headers());
    if (listeners.any()) listeners.onStreamOpen(rs.handle, route, Duration.ofMillis(Math.max(0, clock.millis() - rs.handle.startMillis())));
    return new RouterChatStream(t, s.value(), route, rs.mockResponse != null ? null : watchdog,
        Math.max(0, rs.deadline - clock.millis()), rs.deadlineSeconds, rs.mockResponse == null && rs.addsStreamUsage(t.deployment),
        (usage, contentChars, error) -> {
      attempts.streamEnded(t, rs, usage, contentChars, error);
      Usage reported = usage;
      if (reported == null && rs.mockResponse != null) reported = MockTesting.USAGE;
      if (reported == null) {
        // No usage chunk: report the router's own estimate (the same one the tpm correction uses).
        int completion = (int) Math.min(Integer.MAX_VALUE, contentChars / 4);
        reported = Usage.builder().promptTokens(rs.promptTokens).completionTokens(completion).totalTokens(rs.promptTokens + completion).build();
      }
      end(rs, route, reported, error);
    });
  }

  @Override
  public CompletableFuture<ChatStream> streamAsync(ChatRequest request) {
    refuseIfClosed();
    CompletableFuture<ChatStream> f = new CompletableFuture<>();
    submit(() -> {
      RequestState rs;
      try {
        rs = begin(request);
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
        return;
      }
      CompletableFuture<AttemptRunner.Success<RouterChatStream.Opened>> opened = new CompletableFuture<>();
      opened.whenComplete((s, e) -> {
        if (e != null) {
          f.completeExceptionally(e);
          return;
        }
        ChatStream cs;
        try {
          cs = openedStream(rs, s);
        } catch (RuntimeException ex) {
          f.completeExceptionally(ex);
          return;
        }
        // Cancelled by the caller meanwhile: nobody will read it.
        if (!f.complete(cs)) cs.close();
      });
      f.whenComplete((r, e) -> {
        if (f.isCancelled()) opened.completeExceptionally(new LlmRouterException("stream cancelled", false));
      });
      // Opened after the caller cancelled (or the router closed): the request already ended; settle the ticket only.
      startAsync(rs, streamCall(rs), opened, s -> {
        s.value().stream().close();
        attempts.streamEnded(s.ticket(), rs, null, 0, null);
      });
    });
    return f;
  }

  /**
   * {@inheritDoc} While the chain waits for capacity no thread is held ({@link #streamAsync}); the opened
   * stream is read on the thread that opened it, one of the router's executor.
   */
  @Override
  public AutoCloseable stream(ChatRequest request, StreamListener listener) {
    AtomicBoolean cancelled = new AtomicBoolean();
    AtomicReference<ChatStream> current = new AtomicReference<>();
    CompletableFuture<ChatStream> opening = streamAsync(request);
    opening.whenComplete((s, e) -> {
      if (e == null) {
        pump(s, listener, cancelled, current);
        return;
      }
      Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
      if (c instanceof java.util.concurrent.CancellationException) safeOnError(listener, new LlmRouterException("stream cancelled", false));
      else if (c instanceof LlmRouterException le) safeOnError(listener, le);
      else safeOnError(listener, new LlmRouterException("stream failed: " + c, false, c));
    });
    return () -> {
      cancelled.set(true);
      opening.cancel(false);
      ChatStream s = current.get();
      if (s != null) s.close();
    };
  }

  private static void pump(ChatStream s, StreamListener listener, AtomicBoolean cancelled, AtomicReference<ChatStream> current) {
    try {
      current.set(s);
      if (cancelled.get()) {
        s.close();
        listener.onError(new LlmRouterException("stream cancelled", false));
        return;
      }
      listener.onOpen(s.route());
      ChatChunk c;
      while (!cancelled.get() && (c = s.next()) != null) listener.onChunk(c);
      if (cancelled.get()) listener.onError(new LlmRouterException("stream cancelled", false));
      else listener.onComplete(s.route());
    } catch (LlmRouterException e) {
      safeOnError(listener, e);
    } catch (RuntimeException e) {
      // The listener threw: that cancels the stream (StreamListener's contract).
      safeOnError(listener, new LlmRouterException("stream listener failed: " + e, false, e));
    } finally {
      s.close();
    }
  }

  private static RequestTimeoutException attemptTimedOut(io.llmrouter.api.spi.ProviderCall pc, Throwable cause) {
    return new RequestTimeoutException("no content within the attempt's timeout of " + pc.timeout().toMillis() + " ms",
        new ErrorContext(0, pc.endpoint().provider(), pc.endpoint().deploymentId(), Map.of(), null, null), cause);
  }

  private static void safeOnError(StreamListener l, LlmRouterException e) {
    try {
      l.onError(e);
    } catch (RuntimeException ignored) {
      // Nothing left to tell a listener that cannot take its error.
    }
  }

  @Override
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    return routedAsync(() -> begin(request), this::chatCall, this::chatAnswer);
  }

  /**
   * One whole-answer call routed without holding a thread while it waits: begun and walked on the executor,
   * resumed from the scheduler, answered by {@code answer} from the served attempt. A caller that cancels
   * its future ends the walk at its next step (a wait is not resumed).
   */
  private <T, R> CompletableFuture<R> routedAsync(java.util.function.Supplier<RequestState> begin,
      java.util.function.Function<RequestState, AttemptRunner.Call<T>> call,
      java.util.function.BiFunction<RequestState, AttemptRunner.Success<T>, R> answer) {
    refuseIfClosed();
    CompletableFuture<R> f = new CompletableFuture<>();
    submit(() -> {
      RequestState rs;
      try {
        rs = begin.get();
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
        return;
      }
      CompletableFuture<AttemptRunner.Success<T>> served = new CompletableFuture<>();
      served.whenComplete((s, e) -> {
        if (e != null) {
          f.completeExceptionally(e);
          return;
        }
        try {
          f.complete(answer.apply(rs, s));
        } catch (RuntimeException ex) {
          f.completeExceptionally(ex);
        }
      });
      f.whenComplete((r, e) -> {
        if (f.isCancelled()) served.completeExceptionally(new LlmRouterException("request cancelled", false));
      });
      startAsync(rs, call.apply(rs), served, s -> {});
    });
    return f;
  }


  /**
   * Starts {@code call}'s chain walk without holding a thread while it waits, on this thread first; {@code out}
   * completes with the served attempt or the request's error (the request is then ended, listeners told, by
   * the walk). Tracked until then, so {@link #close()} can
   * fail a request that is parked in the scheduler.
   */
  private <T> void startAsync(RequestState rs, AttemptRunner.Call<T> call, CompletableFuture<AttemptRunner.Success<T>> out,
      java.util.function.Consumer<AttemptRunner.Success<T>> discard) {
    pendingAsync.add(out);
    out.whenComplete((s, e) -> pendingAsync.remove(out));
    if (closed.get()) {
      LlmRouterException e = new LlmRouterException("router is closed", false);
      end(rs, null, null, e);
      out.completeExceptionally(e);
      return;
    }
    new ChainWalk<>(planner.plan(rs), retry, rs, call, errors).start(executor, scheduler, out, discard, e -> end(rs, null, null, e));
  }

  private void submit(Runnable task) {
    refuseIfClosed();
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      throw new LlmRouterException(closed.get() ? "router is closed" : "router is saturated: its executor refused the task", !closed.get(), e);
    }
  }

  @Override
  public List<ModelGroupStatus> modelGroups() {
    long now = clock.millis();
    List<ModelGroupStatus> out = new ArrayList<>(registry.groups().size());
    for (ModelGroup g : registry.groups()) {
      long best = Long.MAX_VALUE;
      for (Deployment d : g.all) best = Math.min(best, registry.availableAt(d, now, 1));
      boolean nowOk = best <= now;
      Instant at = nowOk || best == Long.MAX_VALUE ? null : Instant.ofEpochMilli(best);
      out.add(new ModelGroupStatus(g.name, g.description, g.contextWindow, g.all.length, nowOk, at));
    }
    return out;
  }

  @Override
  public RouterStatus status() {
    long now = clock.millis();
    Map<String, CooldownRecord> stored = store.cooldownRecords();
    List<RouterStatus.Group> groups = new ArrayList<>(registry.groups().size());
    for (ModelGroup g : registry.groups()) {
      List<RouterStatus.Deployment> ds = new ArrayList<>(g.all.length);
      long best = Long.MAX_VALUE;
      for (Deployment d : g.all) {
        long at = registry.availableAt(d, now, 1);
        best = Math.min(best, at);
        long cooling = d.state.coolingUntil(now);
        CooldownRecord rec = cooling > 0 ? stored.get(d.id) : null;
        String why = cooling > 0 ? rec == null ? null : rec.reason() : null;
        String healthError = d.unhealthy() ? d.healthError() : d.noDialect != null ? d.noDialect : missingKey(d);
        Integer rpm = d.config.rpm() != null && d.config.rpm() > 0 ? d.config.rpm() : null;
        Long tpm = d.config.tpm() != null && d.config.tpm() > 0 ? d.config.tpm() : null;
        ds.add(new RouterStatus.Deployment(d.group, d.id, d.config.provider(), d.config.providerModel(), at <= now,
            at <= now || at == Long.MAX_VALUE ? null : Instant.ofEpochMilli(at), cooling > 0 ? Instant.ofEpochMilli(cooling) : null, why,
            d.state.quota(now), rpm, rpm == null ? 0 : d.state.requestsInWindow(now), tpm, tpm == null ? 0 : d.state.tokensInWindow(now),
            healthError == null, healthError, d.inFlight.get(), d.calls.lastHour(now)));
      }
      boolean ok = best <= now;
      groups.add(new RouterStatus.Group(g.name, ok, ok || best == Long.MAX_VALUE ? null : Instant.ofEpochMilli(best),
          g.requests.lastHour(now), g.fallbacks.lastHour(now), ds));
    }
    return new RouterStatus(Instant.ofEpochMilli(now), groups);
  }

  private String missingKey(Deployment d) {
    String v = registry.keyMissing(d);
    return v == null ? null : "api key variable " + v + " is not set";
  }

  /**
   * The background report while it is no older than twice the interval; otherwise a report at most
   * {@link GeneralSettings#ON_DEMAND_HEALTH_CACHE} old, or a check run now and shared by concurrent callers.
   */
  @Override
  public List<CooldownStatus> cooldowns() {
    long now = clock.millis();
    Map<String, CooldownRecord> stored = store.cooldownRecords();
    List<CooldownStatus> out = new ArrayList<>();
    for (Deployment d : registry.deployments()) {
      long cooling = d.state.coolingUntil(now);
      if (cooling > 0) {
        CooldownRecord c = stored.get(d.id);
        out.add(new CooldownStatus(d.group, d.id, d.config.providerModel(), CooldownStatus.Kind.COOLING,
            Instant.ofEpochMilli(cooling), c == null ? null : c.reason()));
      }
      long quota = d.state.quotaUntil(now);
      if (quota > 0) {
        out.add(new CooldownStatus(d.group, d.id, d.config.providerModel(), CooldownStatus.Kind.QUOTA,
            Instant.ofEpochMilli(quota), "the provider reported no requests or tokens left until its reset"));
      }
    }
    return out;
  }

  @Override
  public int clearCooldowns(String groupOrDeploymentId) {
    refuseIfClosed();
    List<Deployment> targets;
    if ("all".equals(groupOrDeploymentId)) {
      targets = registry.deployments();
    } else if (groupOrDeploymentId != null && registry.has(groupOrDeploymentId)) {
      targets = List.of(registry.group(groupOrDeploymentId).all);
    } else {
      targets = registry.deployments().stream().filter(d -> d.id.equals(groupOrDeploymentId)).toList();
      if (targets.isEmpty()) {
        List<String> known = new ArrayList<>(config.modelNames());
        registry.deployments().forEach(d -> known.add(d.id));
        throw new UnknownModelException(String.valueOf(groupOrDeploymentId), known);
      }
    }
    return cooldowns.clear(targets, clock.millis());
  }

  @Override
  public HealthReport health() {
    long cache = GeneralSettings.ON_DEMAND_HEALTH_CACHE.toMillis();
    GeneralSettings g = config.general();
    long maxAge = g.backgroundHealthChecks() ? Math.max(cache, 2 * Math.max(1, g.healthCheckInterval().toMillis())) : cache;
    HealthReport last = health.last();
    if (closed.get() || last.checkedAt() != null && clock.millis() - last.checkedAt().toEpochMilli() < maxAge) return last;
    return health.recent(maxAge);
  }

  @Override
  public HealthReport checkHealth() {
    refuseIfClosed();
    return health.check();
  }

  @Override
  public HealthReport checkHealth(HealthCheckMode mode) {
    refuseIfClosed();
    return health.check(java.util.Objects.requireNonNull(mode, "mode"));
  }

  /** Callers waiting for a shared on-demand health check (tests). */
  int healthWaiters() {
    return health.waiting();
  }

  private void backgroundHealth() {
    try {
      // Through the single-flight path: an on-demand caller that arrives meanwhile shares this run.
      health.recent(0);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(RouterEngine.class).warn("background health check failed: {}", RouterErrors.firstLine(e));
    }
  }

  /**
   * Stops the router: no new request is accepted (each call throws), background health checks stop, an
   * executor the router created is shut down and awaited (up to 10 s, then interrupted), the state store
   * is flushed and closed, and a provider client the router created is closed. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (healthScheduler != null) healthScheduler.shutdownNow();
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        if (!ownedExecutor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) ownedExecutor.shutdownNow();
      } catch (InterruptedException e) {
        ownedExecutor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    watchdog.shutdownNow();
    failWaiting();
    store.close();
    if (ownsClient) client.close();
    if (sharedState != null && ownsSharedState) sharedState.close();
  }

  /** Fails every asynchronous request not yet served (one parked in the scheduler has no thread to fail it). */
  void failWaiting() {
    LlmRouterException closing = new LlmRouterException("router is closed while the request waited for capacity", false);
    for (CompletableFuture<?> f : pendingAsync) f.completeExceptionally(closing);
  }

  /** The shared state this router's deployments live in, or null when in-process. */
  SharedState sharedState() {
    return sharedState;
  }

  /** Set by the builder right after construction: the shared state (closed with the router when owned). */
  void sharedState(SharedState shared, boolean owned) {
    this.sharedState = shared;
    this.ownsSharedState = owned;
  }

  /**
   * Stops this engine after a reload replaced it: refuses new calls and stops its background checks and
   * its own executor, but leaves the state store and the provider client open (the next engine uses them).
   */
  void retire() {
    if (!closed.compareAndSet(false, true)) return;
    if (healthScheduler != null) healthScheduler.shutdownNow();
    if (ownedExecutor != null) ownedExecutor.shutdown();
  }

  /** The configuration this engine routes by. */
  RouterConfig config() {
    return config;
  }

  /** The deployment ids of this engine, in configuration order. */
  List<String> deploymentIds() {
    return registry.deployments().stream().map(d -> d.id).toList();
  }

  // ---------------------------------------------------------------------------------------------
  // Request path

  private void refuseIfClosed() {
    if (closed.get()) throw new LlmRouterException("router is closed: create a new one to send requests", false);
  }

  private RequestState begin(ChatRequest request) {
    refuseIfClosed();
    if (request == null) throw new InvalidRequestException(null, "request is null");
    if (request.model() == null || request.model().isBlank()) throw new InvalidRequestException("model", "request has no 'model'");
    ModelGroup group = registry.group(request.model());
    if (group == null) throw new UnknownModelException(request.model(), config.modelNames());
    if (request.fallbacks() != null) {
      for (String f : request.fallbacks()) {
        if (!registry.has(f)) throw new UnknownModelException(f, config.modelNames());
      }
    }
    if (request.messages() == null || request.messages().isEmpty()) {
      throw new InvalidRequestException("messages", "request has no 'messages': expected a non-empty array of messages");
    }
    if (!group.servesChat) {
      String mode = group.all[0].config.mode();
      throw new InvalidRequestException("model", "model group '" + request.model() + "' has no chat deployment (model_info.mode: " + mode + ")"
          + (DeploymentConfig.MODE_EMBEDDING.equals(mode) ? ": send it to /v1/embeddings (Router.embed)" : ""));
    }
    long now = clock.millis();
    RequestHandle handle = new RequestHandle(requestIds.incrementAndGet(), request.model(), now, request.requestId());
    RequestState rs = new RequestState(handle, request, now, requestTimeoutSeconds, maxClientTimeoutSeconds);
    rs.requestedGroup = group;
    listeners.onRequestStart(handle);
    return rs;
  }

  private Map<String, Object> deploymentParams(String deploymentId) {
    for (Deployment d : registry.deployments()) if (d.id.equals(deploymentId)) return d.config.extraParams();
    return Map.of();
  }

  private RequestState beginEmbedding(EmbeddingRequest request) {
    refuseIfClosed();
    if (request == null) throw new InvalidRequestException(null, "request is null");
    checkGroups(request.model(), request.fallbacks());
    EmbeddingInput.validate(request);
    ModelGroup g = registry.group(request.model());
    boolean any = false;
    for (Deployment d : g.all) any |= d.config.servesEmbeddings();
    if (!any) {
      throw new InvalidRequestException("model", "model group '" + g.name + "' has no embedding deployment: each declares a model_info.mode"
          + " other than embedding");
    }
    long now = clock.millis();
    RequestHandle handle = new RequestHandle(requestIds.incrementAndGet(), request.model(), now);
    RequestState rs = new RequestState(handle, request, now, requestTimeoutSeconds, maxClientTimeoutSeconds);
    rs.requestedGroup = g;
    listeners.onRequestStart(handle);
    return rs;
  }

  private void checkGroups(String model, List<String> fallbacks) {
    if (model == null || model.isBlank()) throw new InvalidRequestException("model", "request has no 'model'");
    if (!registry.has(model)) throw new UnknownModelException(model, config.modelNames());
    if (fallbacks != null) {
      for (String f : fallbacks) {
        if (!registry.has(f)) throw new UnknownModelException(f, config.modelNames());
      }
    }
  }

  /**
   * A provider call answered whole (chat or embeddings) as the attempt runner's call; a client that returns
   * nothing is a malformed response ({@code nothing} says what was missing).
   */
  private static <T> AttemptRunner.Call<T> wholeCall(String nothing,
      java.util.function.Function<io.llmrouter.api.spi.ProviderCall, ProviderResponse<T>> call, java.util.function.Function<T, Usage> usage) {
    return new AttemptRunner.Call<>() {
      @Override
      public AttemptRunner.Served<T> invoke(io.llmrouter.api.spi.ProviderCall pc) {
        ProviderResponse<T> r = call.apply(pc);
        if (r == null || r.value() == null) throw noResponse(nothing, pc);
        return new AttemptRunner.Served<>(r.value(), r.status(), r.headers(), r.signal(), usage.apply(r.value()));
      }

      @Override
      public boolean holdsTicket() {
        return false;
      }
    };
  }

  /**
   * Fallback -> Retry -> (Selector + Admission -> AttemptRunner) on the caller's thread, waiting through the
   * sleeper: the served attempt, or the request's final error, which ends the request (listeners) before it
   * is thrown.
   */
  private <T> AttemptRunner.Success<T> routed(RequestState rs, AttemptRunner.Call<T> call) {
    try {
      return new ChainWalk<>(planner.plan(rs), retry, rs, call, errors).run();
    } catch (LlmRouterException e) {
      end(rs, null, null, e);
      throw e;
    }
  }

  private void end(RequestState rs, Route route, Usage usage, LlmRouterException error) {
    countForStatus(rs);
    if (!listeners.any()) return;
    Route r = route != null ? route : error instanceof NoDeploymentAvailableException n ? n.route() : null;
    Duration took = Duration.ofMillis(Math.max(0, clock.millis() - rs.handle.startMillis()));
    listeners.onRequestEnd(rs.handle, new RequestEnd(error == null ? RequestEnd.Outcome.SERVED : RequestEnd.Outcome.FAILED,
        r, rs.attempts, error == null ? usage : null, error, took));
  }

  // The hourly counts Router.status() shows: the requested group, and each group a fallback left.
  private void countForStatus(RequestState rs) {
    long now = rs.handle.startMillis();
    String from = rs.requested;
    ModelGroup requested = rs.requestedGroup != null ? rs.requestedGroup : registry.group(from);
    requested.requests.increment(now);
    List<String> moves = rs.fallbacksSoFar();
    for (int i = 0; i < moves.size(); i++) {
      (i == 0 ? requested : registry.group(from)).fallbacks.increment(now);
      from = moves.get(i);
    }
  }

  private Route routeOf(RequestState rs, Deployment d, Map<String, String> headers) {
    return new Route(rs.requested, d.group, d.id, d.config.provider(), d.config.providerModel(), d.redactedApiBase,
        // One attempt (the usual case) as an immutable list of one, which Route keeps as it is rather than copying.
        rs.attempts.size() == 1 ? List.of(rs.attempts.get(0)) : rs.attempts, rs.fallbacksSoFar(), ErrorContext.redact(headers));
  }

  static boolean hasContent(ChatChunk c) {
    if (c.choices() == null) return c.usage() != null;
    for (ChunkChoice ch : c.choices()) {
      if (ch.finishReason() != null) return true;
      ChatMessage delta = ch.delta();
      if (delta == null) continue;
      String t = delta.text();
      if (t != null && !t.isEmpty()) return true;
      if (delta.toolCalls() != null && !delta.toolCalls().isEmpty()) return true;
    }
    return false;
  }
}
