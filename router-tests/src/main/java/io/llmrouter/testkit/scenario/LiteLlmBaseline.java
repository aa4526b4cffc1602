package io.llmrouter.testkit.scenario;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.Route;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.core.Sleeper;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.EndpointResolver;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * LiteLLM's router as documented in {@code shared/reference/litellm-router-behaviour.md} (sections 2-4,
 * Python implementation v1.80 to mid-2026), as a baseline policy over the same provider client as ours. It
 * is <b>reactive only</b>: declared {@code rpm}/{@code tpm} are selection weights, not limits (simple-shuffle
 * without pre-call checks, the guide's settings), and rate-limit headers on successful responses are not
 * read. What it does, rule by rule:
 *
 * <ul>
 *   <li><b>Retries</b> ({@code async_function_with_retries}): up to {@code num_retries} per group; 400/404/422
 *       are not retried; a context-window error with {@code context_window_fallbacks} configured goes straight
 *       to the fallbacks; a 429 when no deployment of the group is healthy goes to the fallbacks. The wait
 *       ({@code _time_to_sleep_before_retry}): 0 when the group has another healthy deployment, else the
 *       {@code retry-after} header when it is in (0, 60] s, else {@code max(0.5 s * 2^n, retry_after)} capped
 *       at 8 s; plus 0-0.75 s of jitter.</li>
 *   <li><b>Cooldowns</b> ({@code allowed_fails} set, so {@code should_cooldown_based_on_allowed_fails_policy}):
 *       a per-deployment failure counter living {@code cooldown_time}; the failure that finds it already at
 *       {@code allowed_fails} cools the deployment. Only 429, 401, 404, 408 and 5xx count; a connection error
 *       never cools. The cooldown lasts the {@code retry-after} header when there is one, else
 *       {@code cooldown_time} (the guide's 24 h) — no reset headers, no body hints, no half-open probe.</li>
 *   <li><b>Fallbacks</b> ({@code async_function_with_fallbacks}): on a group's final error, its
 *       {@code context_window_fallbacks} (context errors; Groq's 413 "Request too large" is mapped to a
 *       context-window error by its message) or {@code fallbacks} are tried in order, each with its own full
 *       retry budget and its own fallbacks, depth at most {@code max_fallbacks}, each group at most once.
 *       A group whose deployments are all cooling fails at once ("No deployments available").</li>
 * </ul>
 *
 * <p>Left out on purpose: background health checks (with one deployment per group the health filter fails
 * open, so they change nothing here), the per-minute usage counters (only used by other strategies) and
 * the rpm concurrency semaphore (the replay never has that many requests in flight per deployment).
 *
 * <p>Listeners hear the same events as from our router, so one report covers both. Thread-safe.
 */
public final class LiteLlmBaseline implements ChatPolicy {
  private static final double JITTER = 0.75;

  private final RouterSettings settings;
  private final Env env;
  private final EndpointResolver resolver;
  private final ProviderClient client;
  private final Clock clock;
  private final Sleeper sleeper;
  private final List<RouterListener> listeners;
  private final boolean dropParams;
  private final Duration timeout;
  private final Map<String, List<DeploymentConfig>> groups = new LinkedHashMap<>();
  private final Map<String, long[]> failCounters = new HashMap<>(); // id -> {count, expiresAtMillis}
  private final Map<String, Long> cooldowns = new HashMap<>(); // id -> until epoch ms
  private final Random random;

  /**
   * A baseline over {@code config}'s deployments.
   *
   * @param config the router config (the guide's)
   * @param env where {@code os.environ/} keys are read
   * @param client the provider client (the same one our router uses)
   * @param clock the clock of cooldowns
   * @param sleeper how retries wait
   * @param seed the seed of the retry jitter and of weighted selection
   * @param listeners told about attempts, retries, fallbacks, cooldowns and cooling skips
   */
  public LiteLlmBaseline(RouterConfig config, Env env, ProviderClient client, Clock clock, Sleeper sleeper, long seed,
      List<RouterListener> listeners) {
    this.settings = config.router();
    this.env = env;
    this.resolver = new EndpointResolver(env);
    this.client = client;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listeners = List.copyOf(listeners);
    this.dropParams = config.litellm().dropParams();
    Duration rt = config.litellm().requestTimeout();
    this.timeout = rt == null ? Duration.ofSeconds(6000) : rt;
    this.random = new Random(seed);
    for (DeploymentConfig d : config.deployments()) groups.computeIfAbsent(d.modelName(), k -> new ArrayList<>()).add(d);
  }

  // The request being served on this thread, for the listener events.
  private final ThreadLocal<RequestHandle> current = new ThreadLocal<>();
  private final java.util.concurrent.atomic.AtomicLong requestIds = new java.util.concurrent.atomic.AtomicLong();

  @Override
  public String name() {
    return "LiteLLM baseline";
  }

  @Override
  public Served serve(ChatRequest request) {
    current.set(new RequestHandle(requestIds.incrementAndGet(), request.model(), clock.millis()));
    List<String> entered = new ArrayList<>();
    Set<String> attempted = new HashSet<>();
    attempted.add(request.model());
    Object r = withFallbacks(request.model(), request, 0, entered, attempted);
    if (r instanceof Served s) return s;
    throw (LlmRouterException) r;
  }

  // Returns a Served or the LlmRouterException that ended the group (and its fallbacks).
  private Object withFallbacks(String group, ChatRequest request, int depth, List<String> entered, Set<String> attempted) {
    Object r = withRetries(group, request, entered);
    if (r instanceof Served) return r;
    LlmRouterException err = (LlmRouterException) r;
    List<String> next;
    String kind;
    if (isContextError(err)) {
      kind = "context_window_fallbacks";
      next = settings.contextWindowFallbacks().get(group);
      if (next == null && !settings.contextWindowFallbacks().isEmpty()) return err;
    } else {
      kind = "fallbacks";
      next = null;
    }
    if (next == null) next = settings.fallbacks().getOrDefault(group, settings.defaultFallbacks());
    if (depth >= settings.maxFallbacks()) return err;
    LlmRouterException last = err;
    for (String fb : next) {
      if (!groups.containsKey(fb) || !attempted.add(fb)) continue;
      for (RouterListener l : listeners) l.onFallback(current.get(), group, fb, kind, last);
      entered.add(fb);
      Object fr = withFallbacks(fb, request, depth + 1, entered, attempted);
      if (fr instanceof Served) return fr;
      last = (LlmRouterException) fr;
    }
    return last;
  }

  private Object withRetries(String group, ChatRequest request, List<String> entered) {
    List<DeploymentConfig> deps = groups.get(group);
    int retries = settings.numRetries();
    LlmRouterException last = null;
    for (int attempt = 0; ; attempt++) {
      DeploymentConfig d = pick(group, deps);
      if (d == null) {
        // RouterRateLimitError: every deployment cooling. No healthy deployment -> not retried.
        return last != null ? last : noneAvailable(group);
      }
      try {
        return call(group, d, request, entered);
      } catch (ProviderException e) {
        last = e;
        onFailure(d, e);
      }
      if (attempt >= retries || !shouldRetry(group, deps, last)) return last;
      long wait = sleepBeforeRetry(group, deps, last, retries - attempt - 1, retries);
      for (RouterListener l : listeners) l.onRetry(current.get(), group, attempt + 1, wait, last);
      try {
        sleeper.sleep(Duration.ofMillis(wait));
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return last;
      }
    }
  }

  private boolean shouldRetry(String group, List<DeploymentConfig> deps, LlmRouterException e) {
    int status = e instanceof ProviderException pe ? pe.status() : 0;
    boolean healthy = healthyCount(deps) > 0;
    if (isContextError(e) && !settings.contextWindowFallbacks().isEmpty()) return false;
    if (e instanceof ContentPolicyException && !settings.contentPolicyFallbacks().isEmpty()) return false;
    // _should_retry: 408, 409, 429, >= 500 (and a missing status: a connection error) are retried; 401/403 pass on.
    boolean retryable = status == 0 || status == 408 || status == 409 || status == 429 || status >= 500
        || status == 401 || status == 403;
    if (!retryable) return false;
    boolean hasFallbacks = settings.fallbacks().containsKey(group) || !settings.defaultFallbacks().isEmpty();
    if (e instanceof RateLimitedException && !healthy && hasFallbacks) return false;
    if (e instanceof AuthenticationException && deps.size() <= 1) return false;
    return healthy;
  }

  private long sleepBeforeRetry(String group, List<DeploymentConfig> deps, LlmRouterException e, int remaining, int max) {
    if (deps.size() > 1 && healthyCount(deps) >= 1) return 0;
    double jitter = JITTER * nextDouble();
    long ra = retryAfterHeaderSeconds(e);
    if (ra > 0 && ra <= 60) return (long) ((ra + jitter) * 1000);
    double sleep = 0.5 * Math.pow(2, max - remaining);
    double minTimeout = settings.retryAfter() == null ? 0 : settings.retryAfter().toMillis() / 1000.0;
    sleep = Math.min(Math.max(sleep, minTimeout), 8.0);
    return (long) ((sleep + jitter) * 1000);
  }

  private Served call(String group, DeploymentConfig d, ChatRequest request, List<String> entered) {
    for (RouterListener l : listeners) l.onAttemptStart(current.get(), group, d.id());
    Instant start = clock.instant();
    // LiteLLM reads <PREFIX>_API_BASE and the key variables itself; here the one resolution rule does it,
    // since the provider client reads no environment.
    ProviderInfo info = client.info(d.provider());
    Endpoint ep = new Endpoint(d.id(), d.provider(), d.providerModel(), resolver.apiBase(info, d.apiBase()),
        resolver.apiKey(info, d.apiKey()).orElse(null), Map.of());
    ChatRequest upstream = request.toBuilder().model(group).build();
    ProviderCall pc = new ProviderCall(ep, upstream, timeout, dropParams);
    try {
      Served s;
      if (Boolean.TRUE.equals(request.stream())) {
        try (ProviderStream ps = client.stream(pc)) {
          int n = 0;
          boolean tool = false;
          StringBuilder text = new StringBuilder();
          ChatChunk c;
          while ((c = ps.next()) != null) {
            n++;
            tool |= ChatPolicy.appendDelta(c, text);
          }
          s = new Served(group, entered, n, tool, text.toString());
        }
      } else {
        ChatResponse resp = client.chat(pc).value();
        boolean tool = resp.choices() != null && !resp.choices().isEmpty() && resp.choices().get(0).message() != null
            && resp.choices().get(0).message().toolCalls() != null && !resp.choices().get(0).message().toolCalls().isEmpty();
        s = new Served(group, entered, 0, tool, resp.text() == null ? "" : resp.text());
      }
      attemptEnd(group, d, Attempt.Outcome.SUCCESS, 200, null, start);
      return s;
    } catch (ProviderException e) {
      attemptEnd(group, d, Attempt.Outcome.FAILED, e.status(), e.getClass().getSimpleName(), start);
      throw e;
    }
  }

  private void attemptEnd(String group, DeploymentConfig d, Attempt.Outcome outcome, int status, String error, Instant start) {
    Attempt a = new Attempt(group, d.id(), d.providerModel(), outcome, status, error, start, Duration.between(start, clock.instant()));
    for (RouterListener l : listeners) l.onAttemptEnd(current.get(), a);
  }

  // simple-shuffle over the deployments not cooling, weighted by rpm when the first one declares it.
  private DeploymentConfig pick(String group, List<DeploymentConfig> deps) {
    long now = clock.millis();
    List<DeploymentConfig> ok = new ArrayList<>(deps.size());
    for (DeploymentConfig d : deps) {
      long until = coolingUntil(d.id(), now);
      if (until == 0) ok.add(d);
      else for (RouterListener l : listeners) {
        l.onAdmissionSkip(current.get(), group, d.id(), NoDeploymentAvailableException.Kind.COOLING, Instant.ofEpochMilli(until));
      }
    }
    if (ok.isEmpty()) return null;
    if (ok.size() == 1) return ok.get(0);
    if (ok.get(0).rpm() != null) {
      double total = 0;
      for (DeploymentConfig d : ok) total += d.rpm() == null ? 0 : d.rpm();
      double x = nextDouble() * total;
      for (DeploymentConfig d : ok) {
        x -= d.rpm() == null ? 0 : d.rpm();
        if (x < 0) return d;
      }
    }
    synchronized (random) {
      return ok.get(random.nextInt(ok.size()));
    }
  }

  private int healthyCount(List<DeploymentConfig> deps) {
    long now = clock.millis();
    int n = 0;
    for (DeploymentConfig d : deps) if (coolingUntil(d.id(), now) == 0) n++;
    return n;
  }

  private long coolingUntil(String id, long now) {
    synchronized (cooldowns) {
      Long u = cooldowns.get(id);
      return u != null && u > now ? u : 0;
    }
  }

  // deployment_callback_on_failure -> _set_cooldown_deployments with the allowed_fails policy.
  private void onFailure(DeploymentConfig d, ProviderException e) {
    int status = e.status();
    boolean connectionError = status == 0 && !(e instanceof io.llmrouter.api.RequestTimeoutException);
    if (connectionError) return; // "APIConnectionError" never cools a deployment
    int effective = e instanceof io.llmrouter.api.RequestTimeoutException ? 408 : status;
    boolean cools = effective == 429 || effective == 401 || effective == 408 || effective == 404 || effective >= 500;
    if (!cools) return;
    long now = clock.millis();
    long cooldownMillis = settings.cooldownTime() == null ? 0 : settings.cooldownTime().toMillis();
    if (cooldownMillis <= 0) return;
    long ra = retryAfterHeaderSeconds(e);
    long timeToCooldown = ra > 0 ? ra * 1000 : cooldownMillis;
    boolean trip;
    synchronized (failCounters) {
      long[] c = failCounters.get(d.id());
      long current = c != null && c[1] > now ? c[0] : 0;
      if (current + 1 > settings.allowedFails()) {
        trip = true;
      } else {
        failCounters.put(d.id(), new long[] {current + 1, now + cooldownMillis});
        trip = false;
      }
    }
    if (!trip) return;
    long until = now + timeToCooldown;
    synchronized (cooldowns) {
      cooldowns.put(d.id(), until);
    }
    for (RouterListener l : listeners) l.onCooldownStart(d.id(), Instant.ofEpochMilli(until), e.getClass().getSimpleName() + " " + status);
  }

  // LiteLLM reads only the retry-after header (integer seconds), never x-ratelimit-reset-* or body hints.
  private static long retryAfterHeaderSeconds(LlmRouterException e) {
    if (!(e instanceof ProviderException pe) || pe.headers() == null) return -1;
    String v = pe.headers().get("retry-after");
    if (v == null) return -1;
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException nfe) {
      return -1;
    }
  }

  private static boolean isContextError(LlmRouterException e) {
    return e instanceof ContextWindowExceededException || e instanceof RequestTooLargeException;
  }

  private NoDeploymentAvailableException noneAvailable(String group) {
    Route route = new Route(group, group, null, null, null, null, List.of(), List.of(), Map.of());
    return new NoDeploymentAvailableException(group, List.of(), null, route, null);
  }

  private double nextDouble() {
    synchronized (random) {
      return random.nextDouble();
    }
  }

  @Override
  public void close() {
    // The provider client belongs to the caller.
  }
}
