package io.llmrouter.micrometer;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.RouterStatus;
import io.llmrouter.api.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.lang.ref.WeakReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.ToDoubleFunction;

/**
 * Router metrics on any Micrometer {@link MeterRegistry}: a {@link RouterListener} that counts and times
 * what the router does, and per-deployment gauges read from {@link Router#status()}.
 *
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * RouterMetrics metrics = RouterMetrics.builder(registry).build();
 * Router router = LlmRouter.builder(config).listener(metrics).build();
 * metrics.bindTo(router);   // the known groups and deployments, and the gauges
 * String text = registry.scrape();
 * }</pre>
 *
 * <p><b>Meters</b> (the names as the Prometheus registry writes them; tags in braces):
 *
 * <ul>
 *   <li>{@code llm_router_requests_total{model_group, outcome}}: requests ended, by the group asked for and
 *       {@code served} / {@code failed}
 *   <li>every timer below has histogram buckets ({@code _bucket{le}}) at 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
 *       10, 30, 60 and 120 seconds, besides {@code _count}, {@code _sum} and {@code _max}
 *   <li>{@code llm_router_request_duration_seconds{model_group, outcome}}: from acceptance to the end (a
 *       stream ends when it is read to the end or closed)
 *   <li>{@code llm_router_time_to_first_token_seconds{model_group, deployment, provider}}: streams, from
 *       acceptance to the first content chunk, retries and fallbacks included
 *   <li>{@code llm_router_attempts_total{model_group, deployment, provider, outcome}}: calls made
 *       ({@code success}, {@code failed}, {@code failed_fatal})
 *   <li>{@code llm_router_upstream_duration_seconds{model_group, deployment, provider, outcome}}: each call's
 *       duration (for a stream, until its first content chunk)
 *   <li>{@code llm_router_upstream_responses_total{model_group, deployment, provider, status}}: HTTP status
 *       per call; {@code none} when no response came (timeout, refused connection)
 *   <li>{@code llm_router_retries_total{model_group}}, {@code llm_router_fallbacks_total{from_group,
 *       to_group, kind}}
 *   <li>{@code llm_router_admission_skips_total{model_group, deployment, provider, reason}}: deployments
 *       skipped without a call, reason {@code rpm}, {@code tpm}, {@code quota}, {@code cooling},
 *       {@code unhealthy}, {@code max_parallel}, {@code context}, {@code missing_key}, ...
 *   <li>{@code llm_router_cooldowns_started_total{model_group, deployment, provider, scope, cause}}:
 *       {@code scope} is how far the deadline lies ({@code second}, {@code minute}, {@code hour},
 *       {@code day}), {@code cause} the error's kind ({@code rate_limited}, {@code auth}, ...)
 *   <li>{@code llm_router_tokens_total{model_group, deployment, provider, type}}: {@code prompt} and
 *       {@code completion} tokens of served requests
 *   <li>gauges per deployment {@code {model_group, deployment, provider}}:
 *       {@code llm_router_deployment_available} (1 or 0),
 *       {@code llm_router_deployment_quota_remaining{window}} and
 *       {@code llm_router_deployment_quota_reset_seconds{window}} ({@code window} is {@code requests} or
 *       {@code tokens}; NaN until the provider reported it),
 *       {@code llm_router_deployment_rpm_used}, {@code llm_router_deployment_rpm_limit},
 *       {@code llm_router_deployment_tpm_used}, {@code llm_router_deployment_tpm_limit} (NaN when no
 *       limit is declared), {@code llm_router_deployment_cooldown_remaining_seconds} (0 when not cooling),
 *       {@code llm_router_deployment_in_flight}
 * </ul>
 *
 * <p><b>Bounded cardinality.</b> Tag values come only from the configuration, enums and HTTP status codes,
 * never from what a client sent: a group or deployment name not known from {@link #bindTo(Router)} is
 * tagged {@value #OTHER}, as is a status code outside 100-599, so the meter count stays bounded whatever
 * model names clients send. Until {@link #bindTo} is called every name is {@value #OTHER}.
 *
 * <p>Durations are the router's own (its injected clock), so a test on a virtual clock sees virtual
 * seconds. Thread-safe; every event is a registry look-up and an increment, and never throws.
 */
public final class RouterMetrics implements RouterListener {
  /** The tag value of every name that is not a configured group or deployment. */
  public static final String OTHER = "other";

  private static final String PREFIX = "llm.router.";
  // Histogram buckets of every timer (Prometheus _bucket series, for histogram_quantile): a free-tier call
  // takes from tens of milliseconds to a couple of minutes, and eleven fixed buckets keep the series few.
  private static final Duration[] BUCKETS = {Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
      Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120)};

  private final MeterRegistry registry;
  private final Clock clock;
  private final Duration snapshotTtl;
  private volatile Names names = Names.EMPTY;
  // The router the gauges read: the one last bound. Weak, so metrics kept in a registry never hold a
  // discarded router alive (its gauges then read NaN).
  private volatile WeakReference<Router> bound = new WeakReference<>(null);
  private final Object snapshotLock = new Object();
  // The last Router.status(), indexed by deployment id so each gauge finds its row in O(1).
  private Map<String, RouterStatus.Deployment> snapshot; // guarded by snapshotLock
  private long snapshotNanos; // guarded by snapshotLock

  private RouterMetrics(Builder b) {
    this.registry = b.registry;
    this.clock = b.clock;
    this.snapshotTtl = b.snapshotTtl;
  }

  /**
   * Starts a builder for {@code registry}.
   *
   * @throws NullPointerException when {@code registry} is null
   */
  public static Builder builder(MeterRegistry registry) {
    return new Builder(Objects.requireNonNull(registry, "registry"));
  }

  /** Options of {@link RouterMetrics}. Not thread-safe; the metrics it builds are. */
  public static final class Builder {
    private final MeterRegistry registry;
    private Clock clock = Clock.systemUTC();
    private Duration snapshotTtl = Duration.ofSeconds(1);

    private Builder(MeterRegistry registry) {
      this.registry = registry;
    }

    /**
     * The router's clock (pass the one given to the router builder): it dates cooldown deadlines to tag
     * their scope and gives the seconds-until gauges. Default {@link Clock#systemUTC()}.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * How long one {@link Router#status()} snapshot serves every gauge (real time), so a scrape reads the
     * router once rather than once per gauge. Default 1 s; zero reads it for every gauge.
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder snapshotTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) throw new IllegalArgumentException("snapshotTtl: expected zero or more, got " + ttl);
      this.snapshotTtl = ttl;
      return this;
    }

    /** Builds the listener. */
    public RouterMetrics build() {
      return new RouterMetrics(this);
    }
  }

  /**
   * Learns the router's model groups and deployments (the only tag values besides {@value #OTHER}) and
   * registers the per-deployment gauges, which read {@code router.status()} at scrape time. Call it once
   * the router is built, before traffic. Calling it again with another router (a reloaded configuration)
   * moves every gauge to that router, adds the new names and gauges, and leaves the gauges of deployments
   * it lacks reading NaN.
   *
   * @return this
   */
  public RouterMetrics bindTo(Router router) {
    Objects.requireNonNull(router, "router");
    RouterStatus s = router.status();
    Names old = names;
    Set<String> groups = new HashSet<>(old.groups);
    Map<String, String[]> deployments = new HashMap<>(old.deployments);
    for (RouterStatus.Group g : s.groups()) {
      groups.add(g.name());
      for (RouterStatus.Deployment d : g.deployments()) {
        deployments.put(d.deploymentId(), new String[] {d.modelGroup(), d.provider() == null ? OTHER : d.provider()});
      }
    }
    names = new Names(Set.copyOf(groups), Map.copyOf(deployments));
    // A deployment may have moved to another group: its slots are made again (the registry keeps the meters).
    deploymentSlots.clear();
    otherDeploymentSlots.clear();
    groupSlots.clear();
    synchronized (snapshotLock) {
      bound = new WeakReference<>(router);
      snapshot = null;
    }
    for (RouterStatus.Group g : s.groups()) {
      for (RouterStatus.Deployment d : g.deployments()) registerGauges(d);
    }
    return this;
  }

  private void registerGauges(RouterStatus.Deployment d) {
    Tags tags = Tags.of("model_group", d.modelGroup(), "deployment", d.deploymentId(), "provider", tagOrOther(d.provider()));
    String id = d.deploymentId();
    gauge("deployment.available", null, tags, id, x -> x.availableNow() ? 1 : 0);
    gauge("deployment.quota.remaining", null, tags.and("window", "requests"), id, x -> remaining(x, true));
    gauge("deployment.quota.remaining", null, tags.and("window", "tokens"), id, x -> remaining(x, false));
    gauge("deployment.quota.reset", "seconds", tags.and("window", "requests"), id, x -> resetSeconds(x, true));
    gauge("deployment.quota.reset", "seconds", tags.and("window", "tokens"), id, x -> resetSeconds(x, false));
    gauge("deployment.rpm.used", null, tags, id, x -> x.rpmLimit() == null || x.rpmUsed() < 0 ? Double.NaN : x.rpmUsed());
    gauge("deployment.rpm.limit", null, tags, id, x -> x.rpmLimit() == null ? Double.NaN : x.rpmLimit());
    gauge("deployment.tpm.used", null, tags, id, x -> x.tpmLimit() == null ? Double.NaN : x.tpmUsed());
    gauge("deployment.tpm.limit", null, tags, id, x -> x.tpmLimit() == null ? Double.NaN : x.tpmLimit());
    gauge("deployment.cooldown.remaining", "seconds", tags, id, this::cooldownSeconds);
    gauge("deployment.in.flight", null, tags, id, RouterStatus.Deployment::inFlight);
  }

  private void gauge(String name, String unit, Tags tags, String deploymentId, ToDoubleFunction<RouterStatus.Deployment> read) {
    Gauge.builder(PREFIX + name, this, m -> {
      try {
        Map<String, RouterStatus.Deployment> s = m.snapshot();
        RouterStatus.Deployment d = s == null ? null : s.get(deploymentId);
        return d == null ? Double.NaN : read.applyAsDouble(d);
      } catch (RuntimeException e) {
        return Double.NaN; // a closed router has no state to show; a scrape must not fail for it
      }
    }).baseUnit(unit).tags(tags).strongReference(true).register(registry);
  }

  private Map<String, RouterStatus.Deployment> snapshot() {
    synchronized (snapshotLock) {
      Router router = bound.get();
      if (router == null) return null;
      long now = System.nanoTime();
      if (snapshot == null || snapshotTtl.isZero() || now - snapshotNanos >= snapshotTtl.toNanos()) {
        Map<String, RouterStatus.Deployment> byId = new HashMap<>();
        for (RouterStatus.Group g : router.status().groups()) {
          for (RouterStatus.Deployment d : g.deployments()) byId.put(d.deploymentId(), d);
        }
        snapshot = byId;
        snapshotNanos = now;
      }
      return snapshot;
    }
  }

  private static double remaining(RouterStatus.Deployment d, boolean requests) {
    RateSignal.Window w = window(d, requests);
    return w == null || w.remaining() == null ? Double.NaN : w.remaining();
  }

  private double resetSeconds(RouterStatus.Deployment d, boolean requests) {
    RateSignal.Window w = window(d, requests);
    if (w == null || w.resetAt() == null) return Double.NaN;
    return Math.max(0, w.resetAt().toEpochMilli() - clock.millis()) / 1000.0;
  }

  private static RateSignal.Window window(RouterStatus.Deployment d, boolean requests) {
    if (d.quota() == null) return null;
    return requests ? d.quota().requests() : d.quota().tokens();
  }

  private double cooldownSeconds(RouterStatus.Deployment d) {
    Instant until = d.coolingUntil();
    if (until == null) return 0;
    return Math.max(0, until.toEpochMilli() - clock.millis()) / 1000.0;
  }

  // ------------------------------------------------------------------------------------------ events

  @Override
  public void onRequestEnd(RequestHandle request, RequestEnd end) {
    Slots g = groupSlots(request.requestedGroup());
    boolean served = end.outcome() == RequestEnd.Outcome.SERVED;
    g.counter(served ? G_SERVED : G_FAILED, "requests", "outcome", served ? "served" : "failed").increment();
    if (end.duration() != null) {
      g.timer(served ? G_SERVED_TIME : G_FAILED_TIME, "request.duration", "outcome", served ? "served" : "failed").record(end.duration());
    }
    Route route = end.route();
    Usage usage = end.usage();
    if (served && route != null && usage != null) {
      Slots d = deploymentSlots(route.servedModelGroup(), route.deploymentId());
      if (usage.promptTokens() != null) d.counter(D_PROMPT, "tokens", "type", "prompt").increment(usage.promptTokens());
      if (usage.completionTokens() != null) d.counter(D_COMPLETION, "tokens", "type", "completion").increment(usage.completionTokens());
    }
  }

  @Override
  public void onStreamOpen(RequestHandle request, Route route, Duration timeToFirstToken) {
    if (route == null || timeToFirstToken == null) return;
    deploymentSlots(route.servedModelGroup(), route.deploymentId()).timer(D_TTFT, "time.to.first.token", null, null).record(timeToFirstToken);
  }

  @Override
  public void onAttemptEnd(RequestHandle request, Attempt attempt) {
    if (attempt.outcome() == Attempt.Outcome.SKIPPED) return;
    Slots d = deploymentSlots(attempt.modelGroup(), attempt.deploymentId());
    int o = attempt.outcome().ordinal(); // SUCCESS, FAILED, FAILED_FATAL
    String outcome = OUTCOMES[o];
    d.counter(D_ATTEMPTS + o, "attempts", "outcome", outcome).increment();
    if (attempt.duration() != null) d.timer(D_UPSTREAM + o, "upstream.duration", "outcome", outcome).record(attempt.duration());
    int slot = statusSlot(attempt.status());
    if (slot >= 0) d.counter(D_STATUS + slot, "upstream.responses", "status", status(attempt.status())).increment();
    else counter("upstream.responses", d.tags.and("status", status(attempt.status()))).increment();
  }

  @Override
  public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
    groupSlots(modelGroup).counter(G_RETRIES, "retries", null, null).increment();
  }

  @Override
  public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
    counter("fallbacks", Tags.of("from_group", group(fromGroup), "to_group", group(toGroup), "kind", fallbackKind(kind))).increment();
  }

  @Override
  public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId, NoDeploymentAvailableException.Kind why,
      Instant until) {
    Slots d = deploymentSlots(modelGroup, deploymentId);
    if (why == null) counter("admission.skips", d.tags.and("reason", OTHER)).increment();
    else d.counter(D_SKIPS + why.ordinal(), "admission.skips", "reason", reason(why)).increment();
  }

  @Override
  public void onCooldownStart(String deploymentId, Instant until, String reason) {
    String[] owner = names.deployments.get(deploymentId);
    Slots d = deploymentSlots(owner == null ? null : owner[0], deploymentId);
    counter("cooldowns.started", d.tags.and("scope", scope(until), "cause", cause(reason))).increment();
  }

  // ------------------------------------------------------------------------------------------ meters

  // Every event finds its meters in a per-group or per-deployment array of slots, registered on first use:
  // building tags and asking the registry on each event (sorting tags, a new meter id, the registry's
  // filters and map) costs microseconds; a slot is one array read.
  private static final String[] OUTCOMES = {"success", "failed", "failed_fatal"};
  private static final int G_SERVED = 0;
  private static final int G_FAILED = 1;
  private static final int G_SERVED_TIME = 2;
  private static final int G_FAILED_TIME = 3;
  private static final int G_RETRIES = 4;
  private static final int GROUP_SLOTS = 5;
  private static final int D_ATTEMPTS = 0; // + outcome ordinal (3)
  private static final int D_UPSTREAM = 3; // + outcome ordinal (3)
  private static final int D_PROMPT = 6;
  private static final int D_COMPLETION = 7;
  private static final int D_TTFT = 8;
  private static final int D_SKIPS = 9; // + Kind ordinal
  private static final int D_STATUS = D_SKIPS + NoDeploymentAvailableException.Kind.values().length; // + statusSlot
  private static final int[] COMMON_STATUSES = {0, 200, 400, 401, 402, 403, 404, 408, 413, 422, 429, 500, 502, 503, 504};
  private static final int DEPLOYMENT_SLOTS = D_STATUS + COMMON_STATUSES.length;

  private final ConcurrentHashMap<String, Slots> groupSlots = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Slots> deploymentSlots = new ConcurrentHashMap<>();
  // Unknown deployments, per (known or other) group tag.
  private final ConcurrentHashMap<String, Slots> otherDeploymentSlots = new ConcurrentHashMap<>();

  static int statusSlot(int code) {
    for (int i = 0; i < COMMON_STATUSES.length; i++) if (COMMON_STATUSES[i] == code) return i;
    return -1;
  }

  private Slots groupSlots(String name) {
    String tag = group(name);
    Slots s = groupSlots.get(tag);
    if (s == null) s = groupSlots.computeIfAbsent(tag, t -> new Slots(Tags.of("model_group", t), GROUP_SLOTS));
    return s;
  }

  private Slots deploymentSlots(String modelGroup, String deploymentId) {
    String[] owner = deploymentId == null ? null : names.deployments.get(deploymentId);
    if (owner != null) {
      Slots s = deploymentSlots.get(deploymentId);
      if (s == null) {
        s = deploymentSlots.computeIfAbsent(deploymentId,
            id -> new Slots(Tags.of("model_group", owner[0], "deployment", id, "provider", owner[1]), DEPLOYMENT_SLOTS));
      }
      return s;
    }
    String g = group(modelGroup);
    Slots s = otherDeploymentSlots.get(g);
    if (s == null) {
      s = otherDeploymentSlots.computeIfAbsent(g, t -> new Slots(Tags.of("model_group", t, "deployment", OTHER, "provider", OTHER),
          DEPLOYMENT_SLOTS));
    }
    return s;
  }

  /** The meters of one tag set, registered on first use; a race registers twice and gets the same meter. */
  private final class Slots {
    final Tags tags;
    final AtomicReferenceArray<Meter> meters;

    Slots(Tags tags, int size) {
      this.tags = tags;
      this.meters = new AtomicReferenceArray<>(size);
    }

    Counter counter(int slot, String name, String key, String value) {
      Meter m = meters.get(slot);
      if (m == null) {
        m = RouterMetrics.this.counter(name, key == null ? tags : tags.and(key, value));
        meters.set(slot, m);
      }
      return (Counter) m;
    }

    Timer timer(int slot, String name, String key, String value) {
      Meter m = meters.get(slot);
      if (m == null) {
        m = RouterMetrics.this.timer(name, key == null ? tags : tags.and(key, value));
        meters.set(slot, m);
      }
      return (Timer) m;
    }
  }

  private Counter counter(String name, Tags tags) {
    return Counter.builder(PREFIX + name).tags(tags).register(registry);
  }

  private Timer timer(String name, Tags tags) {
    return Timer.builder(PREFIX + name).tags(tags).serviceLevelObjectives(BUCKETS).register(registry);
  }

  private String group(String name) {
    return name != null && names.groups.contains(name) ? name : OTHER;
  }

  private static String tagOrOther(String v) {
    return v == null || v.isBlank() ? OTHER : v;
  }

  static String status(int code) {
    if (code == 0) return "none";
    return code >= 100 && code <= 599 ? Integer.toString(code) : OTHER;
  }

  private static final Set<String> FALLBACK_KINDS = Set.of("fallbacks", "default_fallbacks", "request_fallbacks",
      "context_window_fallbacks", "content_policy_fallbacks");

  static String fallbackKind(String kind) {
    return kind != null && FALLBACK_KINDS.contains(kind) ? kind : OTHER;
  }

  static String reason(NoDeploymentAvailableException.Kind why) {
    if (why == null) return OTHER;
    return switch (why) {
      case OVER_RPM -> "rpm";
      case OVER_TPM -> "tpm";
      case QUOTA_EXHAUSTED -> "quota";
      case COOLING -> "cooling";
      case UNHEALTHY -> "unhealthy";
      case MAX_PARALLEL -> "max_parallel";
      case CONTEXT_TOO_SMALL -> "context";
      case MISSING_KEY -> "missing_key";
      case FAILED -> "failed";
      case RATE_LIMITED -> "rate_limited";
      case MOCK -> "mock";
      case WRONG_MODE -> "wrong_mode";
    };
  }

  private String scope(Instant until) {
    if (until == null) return OTHER;
    long ms = until.toEpochMilli() - clock.millis();
    if (ms <= 1_000) return "second";
    if (ms <= 60_000) return "minute";
    if (ms <= 3_600_000) return "hour";
    return "day";
  }

  private static final Map<String, String> CAUSES = Map.ofEntries(
      Map.entry("RateLimitedException", "rate_limited"),
      Map.entry("AuthenticationException", "auth"),
      Map.entry("ModelNotFoundException", "model_not_found"),
      Map.entry("ProviderUnavailableException", "unavailable"),
      Map.entry("RequestTimeoutException", "timeout"),
      Map.entry("MalformedResponseException", "malformed_response"),
      Map.entry("BadRequestException", "bad_request"),
      Map.entry("ContentPolicyException", "content_policy"),
      Map.entry("ContextWindowExceededException", "context_window"),
      Map.entry("RequestTooLargeException", "too_large"),
      Map.entry("ProviderException", "provider_error"));

  /** The error kind a cooldown reason starts with ({@code "RateLimitedException: ..."}); never the text itself. */
  static String cause(String reason) {
    if (reason == null) return OTHER;
    int colon = reason.indexOf(':');
    String type = colon < 0 ? reason : reason.substring(0, colon);
    return CAUSES.getOrDefault(type.trim(), OTHER);
  }

  private record Names(Set<String> groups, Map<String, String[]> deployments) {
    static final Names EMPTY = new Names(Set.of(), Map.of());
  }
}
