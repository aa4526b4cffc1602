package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterSettings;
import io.llmrouter.core.config.SecretRef;
import io.llmrouter.core.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * The router: deployment registry, selection, admission, the retry loop and the fallback plan. See
 * {@link Router} for the policy order. Its own retry loop (not Failsafe) because each retry re-selects a
 * deployment, moves to another one at once, and waits only for a provider's hint that fits the request's
 * deadline: decisions that need the group's live state between attempts, which a fixed retry policy
 * around one supplier cannot see.
 *
 * <p>Thread-safe. No global lock on the request path: groups are looked up in an immutable map, and all
 * mutable state is per deployment.
 */
final class RouterEngine implements Router {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);
  private static final long MAX_BACKOFF_MILLIS = 8_000;
  static final long TRANSIENT_COOLDOWN_CAP_MILLIS = 60_000;
  private static final int MAX_PREFETCH_CHUNKS = 16;

  enum Strategy { SHUFFLE, LEAST_BUSY, LATENCY, USAGE }

  private final RouterConfig config;
  private final RouterSettings settings;
  private final Env env;
  private final io.llmrouter.core.config.EndpointResolver resolver;
  private final Clock clock;
  private final Sleeper sleeper;
  private final ProviderClient client;
  private final boolean ownsClient;
  private final Listeners listeners;
  private final StateStore store;
  private final RandomGenerator random;
  private final Strategy strategy;
  private final Map<String, ModelGroup> groups;
  private final List<ModelGroup> groupList;
  private final List<Deployment> deployments;
  private final long cooldownMillis;
  private final long retryAfterFloor;
  private final double requestTimeoutSeconds;
  private final boolean healthRouting;
  private final ExecutorService executor;
  private final ScheduledExecutorService healthScheduler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile HealthReport lastHealth = HealthReport.empty();

  /** Functional shape of one provider call: chat returns a response, stream an opened stream. */
  private interface Call<T> {
    Served<T> invoke(ProviderCall call);

    boolean holdsTicket();
  }

  private record Served<T>(T value, int status, Map<String, String> headers, RateSignal signal, Usage usage) {}

  /** An upstream stream with the chunks read before committing to it. */
  record Opened(ProviderStream stream, List<ChatChunk> prefetched, boolean ended) {}

  RouterEngine(RouterConfig config, Env env, Clock clock, Sleeper sleeper, ProviderClient client, boolean ownsClient,
      List<io.llmrouter.api.RouterListener> listeners, StateStore store, RandomGenerator random) {
    this.config = config;
    this.settings = config.router();
    this.env = env;
    this.resolver = new io.llmrouter.core.config.EndpointResolver(env);
    this.clock = clock;
    this.sleeper = sleeper;
    this.client = client;
    this.ownsClient = ownsClient;
    this.listeners = new Listeners(listeners);
    this.store = store;
    this.random = random;
    this.strategy = switch (settings.routingStrategy()) {
      case "least-busy" -> Strategy.LEAST_BUSY;
      case "latency-based-routing" -> Strategy.LATENCY;
      case "usage-based-routing", "usage-based-routing-v2" -> Strategy.USAGE;
      default -> Strategy.SHUFFLE;
    };
    this.cooldownMillis = settings.cooldownTime() == null ? 0 : settings.cooldownTime().toMillis();
    this.retryAfterFloor = settings.retryAfter() == null ? 0 : settings.retryAfter().toMillis();
    Duration rt = config.litellm().requestTimeout();
    this.requestTimeoutSeconds = rt == null ? 6000 : rt.toMillis() / 1000.0;
    this.healthRouting = config.general().enableHealthCheckRouting();

    Map<String, List<Deployment>> byGroup = new LinkedHashMap<>();
    List<Deployment> all = new ArrayList<>();
    Map<String, Instant> persisted = store.cooldowns();
    for (DeploymentConfig dc : config.deployments()) {
      Deployment d = newDeployment(dc);
      Instant until = persisted.get(d.id);
      if (until != null) d.breaker.restore(until.toEpochMilli());
      all.add(d);
      byGroup.computeIfAbsent(dc.modelName(), k -> new ArrayList<>()).add(d);
    }
    Map<String, ModelGroup> gm = new HashMap<>();
    List<ModelGroup> gl = new ArrayList<>();
    byGroup.forEach((name, ds) -> {
      ModelGroup g = new ModelGroup(name, ds);
      gm.put(name, g);
      gl.add(g);
    });
    this.groups = Map.copyOf(gm);
    this.groupList = List.copyOf(gl);
    this.deployments = List.copyOf(all);
    this.executor = Executors.newCachedThreadPool(daemon("llm-router-async"));
    if (config.general().backgroundHealthChecks()) {
      long every = Math.max(1, config.general().healthCheckInterval().toMillis());
      this.healthScheduler = Executors.newSingleThreadScheduledExecutor(daemon("llm-router-health"));
      healthScheduler.scheduleWithFixedDelay(this::backgroundHealth, 0, every, TimeUnit.MILLISECONDS);
    } else {
      this.healthScheduler = null;
    }
  }

  private Deployment newDeployment(DeploymentConfig dc) {
    ProviderInfo info = null;
    String noDialect = null;
    try {
      info = client.info(dc.provider());
    } catch (RuntimeException e) {
      noDialect = "no provider dialect for '" + dc.provider() + "'";
    }
    String base = resolver.apiBase(info, dc.apiBase());
    Map<String, String> headers = new LinkedHashMap<>();
    Object eh = dc.extraParams().get("extra_headers");
    if (eh instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        // A header such as an api-key given as os.environ/NAME arrives as a SecretRef: send its value, never the reference.
        String value = v instanceof SecretRef ref ? ref.resolve(env).map(Secret::reveal).orElse(null) : String.valueOf(v);
        if (value != null) headers.put(String.valueOf(k), value);
      });
    }
    return new Deployment(dc, info, noDialect, base, Map.copyOf(headers), dc.weight() == null ? 0 : dc.weight());
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private RandomGenerator rng() {
    return random != null ? random : ThreadLocalRandom.current();
  }

  // ---------------------------------------------------------------------------------------------
  // Public API

  @Override
  public ChatResponse chat(ChatRequest request) {
    RequestState rs = begin(request);
    Call<ChatResponse> call = new Call<>() {
      @Override
      public Served<ChatResponse> invoke(ProviderCall pc) {
        ProviderResponse<ChatResponse> r = client.chat(pc);
        if (r == null || r.value() == null) throw new io.llmrouter.api.MalformedResponseException(
            "provider client returned no response", new ErrorContext(0, pc.endpoint().provider(), pc.endpoint().deploymentId(), Map.of(), null, null), null);
        return new Served<>(r.value(), r.status(), r.headers(), r.signal(), r.value().usage());
      }

      @Override
      public boolean holdsTicket() {
        return false;
      }
    };
    ChatResponse resp = route(rs, call);
    Ticket t = rs.served;
    Deployment d = t.deployment;
    Map<String, String> headers = rs.scratchHeaders;
    String model = resp.model() != null && !resp.model().isBlank() ? resp.model() : d.config.providerModel();
    return resp.toBuilder().model(model).route(routeOf(rs, d, headers)).build();
  }

  @Override
  public ChatStream stream(ChatRequest request) {
    RequestState rs = begin(request);
    Call<Opened> call = new Call<>() {
      @Override
      public Served<Opened> invoke(ProviderCall pc) {
        ProviderStream ps = client.stream(pc);
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
          return new Served<>(new Opened(ps, buf, ended), ps.status(), ps.headers(), ps.signal(), null);
        } catch (RuntimeException e) {
          ps.close();
          throw e;
        }
      }

      @Override
      public boolean holdsTicket() {
        return true;
      }
    };
    Opened opened = route(rs, call);
    Ticket t = rs.served;
    Map<String, String> headers = rs.scratchHeaders;
    Route route = routeOf(rs, t.deployment, headers);
    return new RouterChatStream(this, t, rs, opened, route);
  }

  @Override
  public AutoCloseable stream(ChatRequest request, StreamListener listener) {
    AtomicBoolean cancelled = new AtomicBoolean();
    java.util.concurrent.atomic.AtomicReference<ChatStream> current = new java.util.concurrent.atomic.AtomicReference<>();
    executor.execute(() -> {
      ChatStream s = null;
      try {
        s = stream(request);
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
        if (s != null) s.close();
      }
    });
    return () -> {
      cancelled.set(true);
      ChatStream s = current.get();
      if (s != null) s.close();
    };
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
    return CompletableFuture.supplyAsync(() -> chat(request), executor);
  }

  @Override
  public List<ModelGroupStatus> modelGroups() {
    long now = clock.millis();
    List<ModelGroupStatus> out = new ArrayList<>(groupList.size());
    for (ModelGroup g : groupList) {
      long best = Long.MAX_VALUE;
      for (Deployment d : g.all) best = Math.min(best, d.availableAt(now, 1, keyMissing(d) != null));
      boolean nowOk = best <= now;
      Instant at = nowOk || best == Long.MAX_VALUE ? null : Instant.ofEpochMilli(best);
      out.add(new ModelGroupStatus(g.name, g.description, g.contextWindow, g.all.length, nowOk, at));
    }
    return out;
  }

  @Override
  public HealthReport health() {
    return lastHealth;
  }

  @Override
  public HealthReport checkHealth() {
    List<HealthReport.Endpoint> ok = new ArrayList<>();
    List<HealthReport.Endpoint> bad = new ArrayList<>();
    for (Deployment d : deployments) {
      String error = probe(d);
      Instant at = clock.instant();
      HealthReport.Endpoint ep = new HealthReport.Endpoint(d.group, d.id, d.config.model(), d.effectiveApiBase, error, at);
      (error == null ? ok : bad).add(ep);
      if (d.setHealth(error)) {
        groups.get(d.group).unhealthy.addAndGet(error == null ? -1 : 1);
        listeners.onHealthChange(d.id, error == null, error);
      }
    }
    HealthReport r = new HealthReport(ok, bad, clock.instant());
    lastHealth = r;
    return r;
  }

  private void backgroundHealth() {
    try {
      checkHealth();
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(RouterEngine.class).warn("background health check failed: {}", firstLine(e));
    }
  }

  // Cheap first: the model listing costs no tokens. Fall back to a one-token completion only when the
  // provider has no listing endpoint.
  private String probe(Deployment d) {
    if (d.noDialect != null) return d.noDialect;
    String missing = keyMissing(d);
    if (missing != null) return "api key variable " + missing + " is not set";
    Endpoint ep = endpoint(d, resolveKey(d));
    Duration timeout = d.config.timeout() != null ? min(d.config.timeout(), HEALTH_TIMEOUT) : HEALTH_TIMEOUT;
    try {
      ProviderResponse<List<ModelListing>> r = client.listModels(ep, timeout);
      List<ModelListing> list = r == null ? null : r.value();
      if (list == null || list.isEmpty()) return null;
      for (ModelListing m : list) if (d.config.providerModel().equals(m.id())) return null;
      return "model '" + d.config.providerModel() + "' is not in the provider's model list";
    } catch (ProviderException e) {
      if (e.status() != 404 && e.status() != 405 && e.status() != 501) return firstLine(e);
    } catch (RuntimeException e) {
      return firstLine(e);
    }
    try {
      ChatRequest ping = ChatRequest.builder().model(d.group).messages(ChatMessage.user("ping")).maxTokens(1).build();
      client.chat(new ProviderCall(ep, ping, timeout, true));
      return null;
    } catch (RuntimeException e) {
      return firstLine(e);
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    if (healthScheduler != null) healthScheduler.shutdownNow();
    executor.shutdown();
    store.close();
    if (ownsClient) client.close();
  }

  // ---------------------------------------------------------------------------------------------
  // Request path

  private RequestState begin(ChatRequest request) {
    if (request == null) throw new LlmRouterException("request is null", false);
    if (request.model() == null || request.model().isBlank()) throw new LlmRouterException("request has no 'model'", false);
    if (!groups.containsKey(request.model())) throw new UnknownModelException(request.model(), config.modelNames());
    if (request.fallbacks() != null) {
      for (String f : request.fallbacks()) {
        if (!groups.containsKey(f)) throw new UnknownModelException(f, config.modelNames());
      }
    }
    if (request.messages() == null || request.messages().isEmpty()) throw new LlmRouterException("request has no 'messages'", false);
    return new RequestState(request, clock.millis(), requestTimeoutSeconds);
  }

  @SuppressWarnings("unchecked")
  private <T> T route(RequestState rs, Call<T> call) {
    ModelGroup g = groups.get(rs.requested);
    ArrayDeque<String[]> queue = null;
    HashSet<String> visited = null;
    boolean firstChoice = true;
    while (true) {
      LlmRouterException err = runGroup(g, rs, call, firstChoice, fallbackLeft(g, rs, queue, visited));
      if (err == null) return (T) rs.result;
      firstChoice = false;
      if (rs.deadlineHit || rs.disableFallbacks) break;
      if (visited == null) {
        visited = new HashSet<>();
        visited.add(rs.requested);
        queue = new ArrayDeque<>();
      }
      String[] kind = new String[1];
      for (String n : fallbacksFor(g.name, err, rs, kind)) {
        if (visited.add(n)) queue.add(new String[] {n, kind[0], g.name});
      }
      String[] next = queue.poll();
      if (next == null || rs.fallbacks().size() >= settings.maxFallbacks()) break;
      listeners.onFallback(next[2], next[0], next[1], err);
      rs.fallbacks().add(next[0]);
      g = groups.get(next[0]);
    }
    throw finalError(rs);
  }

  private List<String> fallbacksFor(String group, LlmRouterException e, RequestState rs, String[] kind) {
    if (e instanceof ContextWindowExceededException) {
      kind[0] = "context_window_fallbacks";
      List<String> l = settings.contextWindowFallbacks().get(group);
      if (l != null) return l;
      // LiteLLM: a configured map without an entry for this group means "no fallback" for this error.
      if (!settings.contextWindowFallbacks().isEmpty()) return List.of();
    } else if (e instanceof ContentPolicyException) {
      kind[0] = "content_policy_fallbacks";
      List<String> l = settings.contentPolicyFallbacks().get(group);
      if (l != null) return l;
      if (!settings.contentPolicyFallbacks().isEmpty()) return List.of();
    }
    if (group.equals(rs.requested) && rs.original.fallbacks() != null) {
      kind[0] = "request_fallbacks";
      return rs.original.fallbacks();
    }
    List<String> l = settings.fallbacks().get(group);
    if (l != null) {
      kind[0] = "fallbacks";
      return l;
    }
    kind[0] = "default_fallbacks";
    return settings.defaultFallbacks();
  }

  // True when a limit or a failure in g would move the request to another group: then it never waits in g.
  private boolean fallbackLeft(ModelGroup g, RequestState rs, ArrayDeque<String[]> queue, HashSet<String> visited) {
    if (rs.disableFallbacks || rs.fallbacks().size() >= settings.maxFallbacks()) return false;
    if (queue != null && !queue.isEmpty()) return true;
    List<String> next = g.name.equals(rs.requested) && rs.original.fallbacks() != null ? rs.original.fallbacks()
        : settings.fallbacks().getOrDefault(g.name, settings.defaultFallbacks());
    for (String n : next) if (!n.equals(rs.requested) && (visited == null || !visited.contains(n))) return true;
    return false;
  }

  /**
   * Serves one group with its retries. After a failed call the group retries, waiting for the provider's
   * hint when it fits the deadline. But a group whose every deployment was skipped for a limit or a
   * cooldown before any call waits for its own windows only when no fallback group is left: waiting for a
   * full window (or a dead server's cooldown) while the next group could answer now makes the caller wait,
   * or time out, for nothing (LiteLLM too falls back at once when no deployment of the group is healthy).
   *
   * @return null on success (rs.result set), else the error that ended it
   */
  private <T> LlmRouterException runGroup(ModelGroup g, RequestState rs, Call<T> call, boolean firstChoice, boolean canFallBack) {
    if (firstChoice) {
      LlmRouterException mock = mockFailure(g, rs);
      if (mock != null) return mock;
    }
    boolean mockRate = firstChoice && rs.mockRateLimit;
    int retries = 0;
    boolean owed = false;
    LlmRouterException groupErr = null;
    Deployment lastFailed = null;
    List<Deployment> excluded = null;
    while (true) {
      long now = clock.millis();
      if (now >= rs.deadline) {
        rs.deadlineHit = true;
        return groupErr != null ? groupErr : deadlineError(rs);
      }
      if (mockRate) {
        mockRate = false;
        LlmRouterException e = mockError(g, rs, "mock_testing_rate_limit_error", 429,
            (c) -> new RateLimitedException("mock_testing_rate_limit_error: simulated RateLimitError for " + g.name, c, RateScope.MINUTE, null, null));
        groupErr = e;
        if (retries >= allowedRetries(e, g, rs)) return e;
        retries++;
        owed = true;
        continue;
      }
      Ticket t = select(g, rs, excluded);
      if (t == null) {
        long target;
        if (!owed) {
          if (rs.considered > 0 && rs.contextSkips == rs.considered) return localContextError(g, rs);
          if (canFallBack) return groupErr != null ? groupErr : noneAdmissible(g);
          if (groupErr != null || retries >= numRetries(rs)) return groupErr != null ? groupErr : noneAdmissible(g);
          target = rs.selEarliest;
        } else {
          if (!groupErr.retriable() && !settings.retryPolicy().containsKey(ErrorKind.of(groupErr).retriesKey)) return groupErr;
          long hint = hintMillis(groupErr, now);
          // The failure opened the deployment's breaker (a dead server, not a provider's wait hint): a retry
          // could only come after the cooldown, and the fallback can answer now.
          if (canFallBack && hint == 0 && lastFailed != null && lastFailed.breaker.coolingUntil(now) > 0) return groupErr;
          // A day-scope limit (Groq's TPD, a daily cap) does not clear within a retry: waiting for its hint would
          // spend the request's deadline and leave nothing for the fallbacks.
          if (canFallBack && groupErr instanceof RateLimitedException rl && rl.scope().isLong()) return groupErr;
          long base = hint > 0 ? hint : now + backoff(retries);
          if (lastFailed != null) base = Math.max(base, lastFailed.availableAt(now, rs.estTokens, false));
          target = Math.min(base, rs.selEarliest);
        }
        if (target == Long.MAX_VALUE) return groupErr != null ? groupErr : noneAdmissible(g);
        long wait = Math.max(target - now, retryAfterFloor);
        if (now + wait > rs.deadline) return groupErr != null ? groupErr : noneAdmissible(g);
        // Waiting for capacity (a limit, a rate-limit hint) is the last resort: a fallback that can serve now
        // beats it ("route around the wall"). Retries of failures (5xx, retry_policy) keep LiteLLM's
        // same-model-first order.
        if ((groupErr == null || groupErr instanceof RateLimitedException) && fallbackReadyNow(g, rs, groupErr, now)) {
          return groupErr != null ? groupErr : noneAdmissible(g);
        }
        if (!owed) retries++;
        listeners.onRetry(g.name, retries, wait, groupErr != null ? groupErr : noneAdmissible(g));
        sleep(wait);
        owed = false;
        excluded = null;
        lastFailed = null;
        continue;
      }
      if (owed) {
        listeners.onRetry(g.name, retries, 0, groupErr);
        owed = false;
      }
      Deployment d = t.deployment;
      ProviderException failure = callOnce(g, t, rs, call);
      if (failure == null) return null;
      groupErr = failure;
      rs.lastError = failure;
      lastFailed = d;
      if (excluded == null) excluded = new ArrayList<>(2);
      excluded.add(d);
      // Too large for this deployment's budget: another deployment may take it; not a retry.
      if (failure instanceof RequestTooLargeException) continue;
      if (failure instanceof ContextWindowExceededException && !settings.retryPolicy().containsKey(ErrorKind.BAD_REQUEST.retriesKey)) return failure;
      if (failure instanceof ContentPolicyException && !settings.retryPolicy().containsKey(ErrorKind.CONTENT_POLICY.retriesKey)) return failure;
      if (retries >= allowedRetries(failure, g, rs)) return failure;
      retries++;
      owed = true;
    }
  }

  /** True when a group this request would fall back to from {@code g} has a deployment that admits it now. */
  private boolean fallbackReadyNow(ModelGroup g, RequestState rs, LlmRouterException err, long now) {
    if (rs.disableFallbacks || rs.fallbacks().size() >= settings.maxFallbacks()) return false;
    String[] kind = new String[1];
    for (String name : fallbacksFor(g.name, err, rs, kind)) {
      if (name.equals(g.name) || name.equals(rs.requested) || rs.fallbacks().contains(name)) continue;
      ModelGroup fg = groups.get(name);
      if (fg == null) continue;
      for (Deployment d : fg.all) {
        if (d.availableAt(now, rs.estTokens, keyMissing(d) != null) <= now) return true;
      }
    }
    return false;
  }

  private int numRetries(RequestState rs) {
    return rs.requestNumRetries != null ? rs.requestNumRetries : config.effectiveNumRetries();
  }

  private int allowedRetries(LlmRouterException e, ModelGroup g, RequestState rs) {
    Integer p = settings.retryPolicy().get(ErrorKind.of(e).retriesKey);
    if (p != null) return p;
    if (e.retriable()) return numRetries(rs);
    // A bad key or a missing model is one deployment's problem: another deployment of the group may work.
    if ((e instanceof AuthenticationException || e instanceof ModelNotFoundException) && g.all.length > 1) return numRetries(rs);
    return 0;
  }

  private static long backoff(int retries) {
    long b = 500L << Math.min(10, Math.max(0, retries - 1));
    return Math.min(b, MAX_BACKOFF_MILLIS);
  }

  // The provider's own word on when to come back, as epoch ms; 0 when it said nothing.
  private static long hintMillis(LlmRouterException e, long now) {
    if (!(e instanceof ProviderException pe)) return 0;
    Instant at = null;
    if (pe instanceof RateLimitedException r) {
      if (r.resetAt() != null) at = r.resetAt();
      else if (r.retryAfter() != null) at = Instant.ofEpochMilli(now).plus(r.retryAfter());
    }
    RateSignal s = pe.rateSignal();
    if (at == null && s != null && s.retryAfter() != null) at = s.retryAt();
    if (at == null && s != null) at = exhaustedReset(s);
    return at == null ? 0 : at.toEpochMilli();
  }

  private static Instant exhaustedReset(RateSignal s) {
    Instant at = null;
    if (s.requests() != null && s.requests().exhausted() && s.requests().resetAt() != null) at = s.requests().resetAt();
    if (s.tokens() != null && s.tokens().exhausted() && s.tokens().resetAt() != null) {
      Instant t = s.tokens().resetAt();
      if (at == null || t.isAfter(at)) at = t;
    }
    return at;
  }

  private void sleep(long millis) {
    if (millis <= 0) return;
    try {
      sleeper.sleep(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmRouterException("interrupted while waiting to retry", false, e);
    }
  }

  /** One call to an admitted deployment. @return null on success, else the failure (already recorded) */
  private <T> ProviderException callOnce(ModelGroup g, Ticket t, RequestState rs, Call<T> call) {
    Deployment d = t.deployment;
    long start = clock.millis();
    store.incrementDaily(d.id, LocalDate.ofEpochDay(Math.floorDiv(start, 86_400_000L)), 1);
    listeners.onAttemptStart(g.name, d.id);
    Duration timeout = attemptTimeout(d, rs, start);
    boolean drop = rs.requestDropParams || config.litellm().dropParams() || Boolean.TRUE.equals(d.config.extraParams().get("drop_params"));
    ProviderCall pc = new ProviderCall(endpoint(d, t.apiKey), rs.upstream, timeout, drop);
    Served<T> served;
    try {
      served = call.invoke(pc);
    } catch (ProviderException e) {
      ProviderException pe = e.deploymentId() == null ? e.withDeployment(d.id) : e;
      onFailure(g, t, rs, pe, start);
      return pe;
    } catch (RuntimeException e) {
      ProviderException pe = new ProviderUnavailableException("provider client failed: " + firstLine(e),
          new ErrorContext(0, d.config.provider(), d.id, Map.of(), null, null), e);
      onFailure(g, t, rs, pe, start);
      return pe;
    }
    long end = clock.millis();
    d.applySignal(served.signal());
    if (served.usage() != null && served.usage().totalTokens() != null) d.window.correct(t.tokens, served.usage().totalTokens());
    if (!call.holdsTicket()) t.release();
    if (d.breaker.onSuccess(t.probe)) cooldownEnded(d);
    d.recordLatency(end - start);
    Attempt a = new Attempt(g.name, d.id, d.config.providerModel(), Attempt.Outcome.SUCCESS, served.status(), null,
        Instant.ofEpochMilli(start), Duration.ofMillis(end - start));
    rs.attempts.add(a);
    listeners.onAttemptEnd(a);
    rs.result = served.value();
    rs.served = t;
    rs.scratchHeaders = served.headers();
    return null;
  }

  private Duration attemptTimeout(Deployment d, RequestState rs, long now) {
    Duration own = d.config.timeout() != null ? d.config.timeout() : Duration.ofMillis((long) (requestTimeoutSeconds * 1000));
    Duration left = Duration.ofMillis(Math.max(1, rs.deadline - now));
    return min(own, left);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void onFailure(ModelGroup g, Ticket t, RequestState rs, ProviderException e, long start) {
    Deployment d = t.deployment;
    long now = clock.millis();
    d.applySignal(e.rateSignal());
    // A refused call consumed no tokens; a timed-out one may have.
    if (!(e instanceof RequestTimeoutException)) d.window.correct(t.tokens, 0);
    t.release();
    d.recordLatency(Math.max(now - start, 1) * 10.0);
    boolean fatal = !e.retriable() && !(e instanceof AuthenticationException) && !(e instanceof ModelNotFoundException)
        && !(e instanceof RequestTooLargeException);
    Attempt a = new Attempt(g.name, d.id, d.config.providerModel(), fatal ? Attempt.Outcome.FAILED_FATAL : Attempt.Outcome.FAILED,
        e.status(), describe(e), Instant.ofEpochMilli(start), Duration.ofMillis(now - start));
    rs.attempts.add(a);
    listeners.onAttemptEnd(a);
    long until = recordCooldown(d, e, now, t.probe);
    rs.reason(new Reason(g.name, d.id, Kind.FAILED, until > 0 ? Instant.ofEpochMilli(until) : null, describe(e)));
  }

  /** Applies the cooldown rules to a failure. @return the deadline in force when it cooled, else 0 */
  long recordCooldown(Deployment d, ProviderException e, long now, boolean probe) {
    ErrorKind kind = ErrorKind.of(e);
    Integer kindAllowed = settings.allowedFailsPolicy().get(kind.allowedFailsKey);
    long until;
    if (e instanceof RateLimitedException r) {
      long known = hintMillis(r, now);
      if (known > now) until = d.breaker.open(known, probe);
      else if (r.scope().isLong()) until = cooldownMillis > 0 ? d.breaker.open(now + cooldownMillis, probe) : 0;
      else until = d.breaker.recordFailure(now, kind, settings.allowedFails(), kindAllowed, cooldownMillis, probe);
    } else if (e instanceof AuthenticationException || e instanceof ModelNotFoundException) {
      until = cooldownMillis > 0 ? d.breaker.open(now + cooldownMillis, probe) : 0;
    } else if ((kind == ErrorKind.BAD_REQUEST || kind == ErrorKind.CONTENT_POLICY) && kindAllowed == null) {
      // The request's fault, not the deployment's; a probe that gets this far proves the deployment answers.
      if (d.breaker.onNeutral(probe)) cooldownEnded(d);
      until = 0;
    } else {
      // A 5xx, a timeout or a refused connection says nothing about how long the outage lasts: cap the
      // cooldown so the half-open probe finds a recovered server within a minute. cooldown_time is sized
      // for daily caps (the guide's 86400 s); applied blindly it would keep a local vLLM that was down for
      // minutes out of the pool for a day.
      until = d.breaker.recordFailure(now, kind, settings.allowedFails(), kindAllowed,
          Math.min(cooldownMillis, TRANSIENT_COOLDOWN_CAP_MILLIS), probe);
    }
    if (until > 0) {
      Instant at = Instant.ofEpochMilli(until);
      String why = describe(e);
      store.putCooldown(d.id, at, why);
      listeners.onCooldownStart(d.id, at, why);
    }
    return until;
  }

  private void cooldownEnded(Deployment d) {
    store.clearCooldown(d.id);
    listeners.onCooldownEnd(d.id);
  }

  /** Bookkeeping when a committed stream ends. */
  void streamEnded(Ticket t, RequestState rs, Usage usage, long contentChars, ProviderException error) {
    Deployment d = t.deployment;
    if (usage != null && usage.totalTokens() != null) d.window.correct(t.tokens, usage.totalTokens());
    else d.window.correct(t.tokens, rs.promptTokens + contentChars / 4);
    t.release();
    if (error != null) {
      d.applySignal(error.rateSignal());
      recordCooldown(d, error, clock.millis(), false);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Selection and admission

  private Ticket select(ModelGroup g, RequestState rs, List<Deployment> excluded) {
    long now = clock.millis();
    rs.selEarliest = Long.MAX_VALUE;
    rs.considered = 0;
    rs.contextSkips = 0;
    // Health-check routing fails open: when every deployment is unhealthy, try them anyway.
    boolean useHealth = healthRouting && g.unhealthy.get() < g.all.length;
    for (int ti = 0; ti < g.tiers.length; ti++) {
      Deployment[] tier = g.tiers[ti];
      int first = firstIndex(g, ti, tier);
      Ticket t = tryAdmit(g, tier[first], rs, excluded, useHealth, now);
      if (t != null) return t;
      if (tier.length == 1) continue;
      for (int i : restOrder(tier, first)) {
        t = tryAdmit(g, tier[i], rs, excluded, useHealth, now);
        if (t != null) return t;
      }
    }
    return null;
  }

  private int firstIndex(ModelGroup g, int ti, Deployment[] tier) {
    int n = tier.length;
    if (n == 1) return 0;
    RandomGenerator r = rng();
    switch (strategy) {
      case SHUFFLE: {
        double[] cum = g.cumulative[ti];
        if (cum == null) return r.nextInt(n);
        double x = r.nextDouble() * cum[n - 1];
        int i = Arrays.binarySearch(cum, x);
        i = i >= 0 ? i + 1 : -i - 1;
        return Math.min(i, n - 1);
      }
      default: {
        int best = -1;
        double bestV = Double.MAX_VALUE;
        int ties = 0;
        long now = clock.millis();
        for (int i = 0; i < n; i++) {
          double v = metric(tier[i], now);
          if (v < bestV) {
            bestV = v;
            best = i;
            ties = 1;
          } else if (v == bestV && r.nextInt(++ties) == 0) {
            best = i;
          }
        }
        return best;
      }
    }
  }

  private double metric(Deployment d, long now) {
    return switch (strategy) {
      case LEAST_BUSY -> d.inFlight.get();
      case LATENCY -> d.latencyMillis();
      case USAGE -> d.window.tokensInWindow(now);
      default -> 0;
    };
  }

  private int[] restOrder(Deployment[] tier, int first) {
    int n = tier.length;
    int[] out = new int[n - 1];
    int k = 0;
    for (int i = 1; i < n; i++) out[k++] = (first + i) % n;
    if (strategy != Strategy.SHUFFLE) {
      long now = clock.millis();
      Integer[] boxed = new Integer[out.length];
      for (int i = 0; i < out.length; i++) boxed[i] = out[i];
      Arrays.sort(boxed, (a, b) -> Double.compare(metric(tier[a], now), metric(tier[b], now)));
      for (int i = 0; i < out.length; i++) out[i] = boxed[i];
    }
    return out;
  }

  private Ticket tryAdmit(ModelGroup g, Deployment d, RequestState rs, List<Deployment> excluded, boolean useHealth, long now) {
    if (excluded != null && excluded.contains(d)) return null;
    rs.considered++;
    if (d.noDialect != null) return skip(g, d, rs, Kind.FAILED, 0, d.noDialect);
    if (useHealth && d.unhealthy()) return skip(g, d, rs, Kind.UNHEALTHY, 0, d.healthError());
    Integer max = d.config.maxInputTokens();
    if (settings.enablePreCallChecks() && max != null && rs.promptTokens > max) {
      rs.contextSkips++;
      return skip(g, d, rs, Kind.CONTEXT_TOO_SMALL, 0, "~" + rs.promptTokens + " prompt tokens > max_input_tokens " + max);
    }
    String missing = keyMissing(d);
    if (missing != null) return skip(g, d, rs, Kind.MISSING_KEY, 0, "variable " + missing + " is not set");
    long q = d.quotaUntil(now);
    if (q != 0) return skip(g, d, rs, Kind.QUOTA_EXHAUSTED, q, "provider reported remaining 0");
    Ticket t = new Ticket(d);
    long b = d.breaker.tryPass(now, t);
    if (b != Breaker.PASS) {
      return skip(g, d, rs, Kind.COOLING, b > 0 ? b : 0, b == Breaker.PROBE_BUSY ? "half-open: probe in flight" : null);
    }
    if (d.parallel != null) {
      if (!d.parallel.tryAcquire()) {
        if (t.probe) d.breaker.abortProbe();
        return skip(g, d, rs, Kind.MAX_PARALLEL, 0, null);
      }
      t.permit = true;
    }
    if (!d.window.unlimited()) {
      t.tokens = d.window.tryReserve(clock, rs.estTokens, rs.scratch);
      if (rs.scratch[0] != RateWindow.OK) {
        if (t.permit) d.parallel.release();
        if (t.probe) d.breaker.abortProbe();
        long until = rs.scratch[1] == Long.MAX_VALUE ? 0 : rs.scratch[1];
        // Larger than the deployment's whole tpm: it can never fit, like a prompt over the context window.
        // Counting it as such sends the request to context_window_fallbacks, as LiteLLM does with Groq's
        // 413 "Request too large" (which this local check pre-empts).
        if (rs.scratch[0] == RateWindow.OVER_TPM && rs.scratch[1] == Long.MAX_VALUE) rs.contextSkips++;
        return rs.scratch[0] == RateWindow.OVER_RPM
            ? skip(g, d, rs, Kind.OVER_RPM, until, "rpm " + d.config.rpm())
            : skip(g, d, rs, Kind.OVER_TPM, until, "tpm " + d.config.tpm() + ", request ~" + rs.estTokens + " tokens");
      }
    }
    d.inFlight.incrementAndGet();
    t.apiKey = resolveKey(d);
    return t;
  }

  private Ticket skip(ModelGroup g, Deployment d, RequestState rs, Kind kind, long until, String detail) {
    Instant at = until > 0 ? Instant.ofEpochMilli(until) : null;
    if (until > 0 && kind.isLimit()) rs.selEarliest = Math.min(rs.selEarliest, until);
    rs.reason(new Reason(g.name, d.id, kind, at, detail));
    rs.attempts.add(new Attempt(g.name, d.id, d.config.providerModel(), Attempt.Outcome.SKIPPED, 0,
        kind.name() + (detail == null ? "" : ": " + detail), Instant.ofEpochMilli(clock.millis()), Duration.ZERO));
    listeners.onAdmissionSkip(g.name, d.id, kind, at);
    return null;
  }

  /** The name of the unset key variable of {@code d}, or null when it has what it needs. */
  private String keyMissing(Deployment d) {
    return resolver.missingKey(d.info, d.config.apiKey());
  }

  // Resolved at call time, so a key set after start-up is picked up and an unset one stops only this deployment.
  private Secret resolveKey(Deployment d) {
    return resolver.apiKey(d.info, d.config.apiKey()).orElse(null);
  }

  private static Endpoint endpoint(Deployment d, Secret key) {
    return new Endpoint(d.id, d.config.provider(), d.config.providerModel(), d.effectiveApiBase, key, d.extraHeaders);
  }

  // ---------------------------------------------------------------------------------------------
  // Errors and routes

  private LlmRouterException mockFailure(ModelGroup g, RequestState rs) {
    if (rs.mockFallbacks) {
      return mockError(g, rs, "mock_testing_fallbacks", 500,
          c -> new ProviderUnavailableException("mock_testing_fallbacks: simulated InternalServerError for " + g.name, c));
    }
    if (rs.mockContextWindow) {
      return mockError(g, rs, "mock_testing_context_window_fallbacks", 400,
          c -> new ContextWindowExceededException("mock_testing_context_window_fallbacks: simulated ContextWindowExceededError for " + g.name, c));
    }
    if (rs.mockContentPolicy) {
      return mockError(g, rs, "mock_testing_content_policy_fallbacks", 400,
          c -> new ContentPolicyException("mock_testing_content_policy_fallbacks: simulated ContentPolicyViolationError for " + g.name, c, null));
    }
    return null;
  }

  private LlmRouterException mockError(ModelGroup g, RequestState rs, String field, int status,
      java.util.function.Function<ErrorContext, LlmRouterException> make) {
    LlmRouterException e = make.apply(new ErrorContext(status, null, null, Map.of(), null, null));
    rs.lastError = e;
    Instant now = clock.instant();
    rs.attempts.add(new Attempt(g.name, null, null, Attempt.Outcome.SKIPPED, status, field, now, Duration.ZERO));
    rs.reason(new Reason(g.name, "*", Kind.MOCK, null, field));
    return e;
  }

  private LlmRouterException localContextError(ModelGroup g, RequestState rs) {
    ContextWindowExceededException e = new ContextWindowExceededException(
        "pre-call check: the prompt (~" + rs.promptTokens + " tokens) exceeds the context window of every deployment of " + g.name,
        new ErrorContext(0, null, null, Map.of(), null, null));
    rs.lastError = e;
    return e;
  }

  private static LlmRouterException noneAdmissible(ModelGroup g) {
    return new LlmRouterException("no deployment of '" + g.name + "' can take the request now", true);
  }

  private static LlmRouterException deadlineError(RequestState rs) {
    return new RequestTimeoutException("request deadline of " + rs.deadlineSeconds + " s reached",
        new ErrorContext(0, null, null, Map.of(), null, null));
  }

  private LlmRouterException finalError(RequestState rs) {
    LlmRouterException last = rs.lastError;
    if (rs.deadlineHit) {
      return new RequestTimeoutException("request deadline of " + rs.deadlineSeconds + " s reached after " + rs.attempts.size()
          + " attempts" + (last == null ? "" : "; last error: " + firstLine(last)),
          new ErrorContext(0, null, null, Map.of(), null, null), last);
    }
    if (last != null && !last.retriable()) return last;
    List<Reason> reasons = rs.reasons == null ? List.of() : new ArrayList<>(rs.reasons.values());
    long now = clock.millis();
    long earliest = Long.MAX_VALUE;
    Collection<String> tried = new ArrayList<>();
    tried.add(rs.requested);
    if (rs.fallbacks != null) tried.addAll(rs.fallbacks);
    for (String name : tried) {
      for (Deployment d : groups.get(name).all) {
        long at = d.availableAt(now, rs.estTokens, keyMissing(d) != null);
        if (at > now) earliest = Math.min(earliest, at);
      }
    }
    Instant at = earliest == Long.MAX_VALUE ? null : Instant.ofEpochMilli(earliest);
    String lastGroup = rs.fallbacks == null || rs.fallbacks.isEmpty() ? rs.requested : rs.fallbacks.get(rs.fallbacks.size() - 1);
    Route route = new Route(rs.requested, lastGroup, null, null, null, null, rs.attempts,
        rs.fallbacks == null ? List.of() : rs.fallbacks, Map.of());
    return new NoDeploymentAvailableException(rs.requested, reasons, at, route, last);
  }

  Route routeOf(RequestState rs, Deployment d, Map<String, String> headers) {
    return new Route(rs.requested, d.group, d.id, d.config.provider(), d.config.providerModel(), d.effectiveApiBase,
        rs.attempts, rs.fallbacks == null ? List.of() : rs.fallbacks, ErrorContext.redact(headers));
  }

  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + ": " + firstLine(e);
  }

  static String firstLine(Throwable e) {
    if (e == null) return "";
    String m = e.getMessage();
    if (m == null) return e.getClass().getSimpleName();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
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

  Clock clock() {
    return clock;
  }
}
