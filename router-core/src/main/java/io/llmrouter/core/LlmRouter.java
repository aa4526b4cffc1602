package io.llmrouter.core;

import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderClientFactory;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.DeploymentStateFactory;
import io.llmrouter.core.state.InMemoryStateStore;
import io.llmrouter.core.state.SharedState;
import io.llmrouter.core.state.SharedStateProvider;
import io.llmrouter.core.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.ServiceLoader;
import java.util.random.RandomGenerator;

/**
 * Builds the router engine from a {@link RouterConfig}.
 *
 * <pre>{@code
 * Router router = LlmRouter.builder(LiteLlmConfigReader.load(configYaml, null).config())
 *     .env(Env.system())
 *     .listener(new Slf4jRouterListener())
 *     .build();
 * ChatResponse r = router.chat(ChatRequest.builder().model("groq/llama-3.3-70b")
 *     .messages(ChatMessage.user("Hello")).build());
 * }</pre>
 *
 * <p>Policies wrap each call in this order, outermost first:
 * {@code Fallback(group plan) -> Retry(per group) -> Admission(rate tracker, cooldown) -> Timeout -> HTTP call}
 * (see {@link Router}). The builder is not thread-safe; the router it builds is.
 */
public final class LlmRouter {
  /** The default cap on a request's own {@code timeout}: 600 s. */
  public static final Duration DEFAULT_MAX_CLIENT_TIMEOUT = Duration.ofSeconds(600);
  /** The default number of requests that may wait for capacity at once: 128. */
  public static final int DEFAULT_MAX_WAITING = 128;

  private LlmRouter() {}

  /**
   * Whether {@code router}'s shared state (several instances, one budget) is connected: empty when the
   * router keeps its state in-process or was not built by this class.
   */
  public static Optional<SharedState.Status> sharedStateStatus(Router router) {
    if (router instanceof ReloadableRouter r) return r.sharedStateStatus();
    if (router instanceof RouterEngine e && e.sharedState() != null) return Optional.of(e.sharedState().status());
    return Optional.empty();
  }

  /**
   * Starts a builder for {@code config}.
   *
   * @throws NullPointerException when {@code config} is null
   */
  public static Builder builder(RouterConfig config) {
    return new Builder(Objects.requireNonNull(config, "config"));
  }

  /** Collects the router's collaborators. Every one has a production default. Not thread-safe. */
  public static final class Builder {
    private final RouterConfig config;
    private Env env;
    private Clock clock;
    private Sleeper sleeper;
    private Scheduler scheduler;
    private ProviderClient providerClient;
    private final List<RouterListener> listeners = new ArrayList<>();
    private StateStore stateStore;
    private DeploymentStateFactory deploymentStates;
    private RandomGenerator random;
    private Executor executor;
    private SharedState sharedState;
    private Duration maxClientTimeout = DEFAULT_MAX_CLIENT_TIMEOUT;
    private int maxWaiting = DEFAULT_MAX_WAITING;

    private Builder(RouterConfig config) {
      this.config = config;
    }

    /**
     * Where {@code os.environ/NAME} keys are read, when a deployment is first used (an {@link Env} is immutable;
     * {@link ReloadableRouter#reload(RouterConfig, Env)} brings a new one); default {@link Env#system()}.
     */
    public Builder env(Env env) {
      this.env = Objects.requireNonNull(env, "env");
      return this;
    }

    /** The clock of rate windows, cooldowns and deadlines; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How the router waits before a retry; default {@link Sleeper#system()}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Where asynchronous calls ({@link Router#chatAsync}, {@link Router#stream(io.llmrouter.api.ChatRequest,
     * io.llmrouter.api.StreamListener)}) wait for capacity without holding a thread. Default
     * {@link Scheduler#system()}; when only a {@link #sleeper} is given, the waits go through that sleeper
     * ({@link Scheduler#sleeping}), so a virtual clock is honoured.
     */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * The provider client. Default: the first {@link ProviderClientFactory} found by {@link ServiceLoader}
     * (router-providers registers one), created with this builder's clock and closed with the router. A
     * client given here is not closed by the router.
     */
    public Builder providerClient(ProviderClient client) {
      this.providerClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Adds a listener (repeatable); listeners are called in the order added. With
     * {@code litellm_settings.set_verbose} an {@link Slf4jRouterListener} is added unless one is given.
     */
    public Builder listener(RouterListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** Where cooldown deadlines and daily counters live; default in memory. Closed with the router. */
    public Builder stateStore(StateStore store) {
      this.stateStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Where each deployment's limits live (rpm/tpm windows, provider quotas, cooldown and probe, daily
     * counts); default {@link DeploymentStateFactory#inMemory} over the {@linkplain #stateStore state store}.
     * A shared implementation lets several router instances spend one budget.
     */
    public Builder deploymentStates(DeploymentStateFactory factory) {
      this.deploymentStates = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Shares each deployment's limits with other router instances through {@code shared} (for example
     * {@code RedisSharedState.connect(...)} of {@code router-redis}): rpm/tpm admission, provider quotas,
     * cooldowns with one half-open probe across instances, daily counts. Overrides
     * {@link #deploymentStates}. Not closed by the router. Without it, a config whose
     * {@code router_settings} names Redis ({@code redis_url}, {@code redis_host}) opens one through
     * {@link SharedStateProvider} and closes it with the router.
     */
    public Builder sharedState(SharedState shared) {
      this.sharedState = Objects.requireNonNull(shared, "shared");
      return this;
    }

    /**
     * Runs {@code chatAsync} and callback streams. Default: a bounded pool of the router's own (64 daemon
     * threads, 10,000 queued tasks, then refusal), shut down and awaited by {@link Router#close()}. An
     * executor given here is used as is and never shut down by the router.
     */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The cap on a request's own {@code timeout} (a client's choice, such as {@code "timeout": 1000000}):
     * a longer one is cut to this. Default {@link LlmRouter#DEFAULT_MAX_CLIENT_TIMEOUT} (600 s). The router's
     * {@code request_timeout} is not capped by it.
     *
     * @throws IllegalArgumentException when not positive
     */
    public Builder maxClientTimeout(Duration max) {
      if (max == null || max.isZero() || max.isNegative()) throw new IllegalArgumentException("maxClientTimeout must be positive, got " + max);
      this.maxClientTimeout = max;
      return this;
    }

    /**
     * How many requests may wait for capacity at once (a cooling group, a full rpm window, a provider's
     * retry hint): a synchronous call waits on its caller's thread, an asynchronous one in the
     * {@link #scheduler} without a thread. Beyond it a request that would wait fails
     * at once with a {@link io.llmrouter.api.RateLimitedException} whose {@code retryAfter()} is the wait it
     * was refused (the facade answers 429 with {@code Retry-After}). Default
     * {@link LlmRouter#DEFAULT_MAX_WAITING} (128).
     *
     * @throws IllegalArgumentException when negative
     */
    public Builder maxWaiting(int max) {
      if (max < 0) throw new IllegalArgumentException("maxWaiting must be zero or more, got " + max);
      this.maxWaiting = max;
      return this;
    }

    /** The random source of weighted selection; default a thread-local generator. Must be thread-safe. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Builds and starts the router (background health checks start when configured).
     *
     * @throws IllegalStateException when no provider client was given and none is on the classpath, or when
     *     the config names Redis and no {@link SharedStateProvider} (module {@code router-redis}) is on it
     */
    public Router build() {
      Clock c = clock();
      ProviderClient client = providerClient;
      boolean owns = false;
      if (client == null) {
        client = discoverClient(c);
        owns = true;
      }
      StateStore store = stateStore != null ? stateStore : new InMemoryStateStore();
      Env e = env != null ? env : Env.system();
      SharedState shared;
      boolean ownsShared;
      try {
        shared = sharedState != null ? sharedState : openSharedState(config, e);
        ownsShared = sharedState == null && shared != null;
      } catch (RuntimeException ex) {
        if (owns) client.close();
        throw ex;
      }
      DeploymentStateFactory states = shared != null ? shared.deploymentStates(store, c)
          : deploymentStates != null ? deploymentStates : DeploymentStateFactory.inMemory(store);
      RouterEngine engine = new RouterEngine(config, e, c, sleeper != null ? sleeper : Sleeper.system(),
          client, owns, listenersFor(config), store, states, random, executor, maxClientTimeout, maxWaiting, scheduler());
      if (shared != null) engine.sharedState(shared, ownsShared);
      return engine;
    }

    /**
     * Builds and starts a router whose configuration can be replaced while it serves
     * ({@link ReloadableRouter#reload(RouterConfig)}): requests in flight finish on the old configuration,
     * unchanged deployments keep their state. Every collaborator of this builder is shared by all the
     * configurations the router will have, shared state on Redis included: the first configuration's
     * {@code router_settings.redis_*} keys (or {@link #sharedState}) hold until a restart.
     *
     * @throws IllegalStateException when no provider client was given and none is on the classpath, or when
     *     the config names Redis and no {@link SharedStateProvider} (module {@code router-redis}) is on it
     */
    public ReloadableRouter buildReloadable() {
      Clock c = clock();
      ProviderClient given = providerClient;
      ProviderClient client = given != null ? given : discoverClient(c);
      StateStore store = stateStore != null ? stateStore : new InMemoryStateStore();
      Env env0 = env != null ? env : Env.system();
      SharedState shared;
      try {
        shared = sharedState != null ? sharedState : openSharedState(config, env0);
      } catch (RuntimeException ex) {
        if (given == null) client.close();
        throw ex;
      }
      SharedState ownedShared = sharedState == null ? shared : null;
      DeploymentStateFactory states = shared != null ? shared.deploymentStates(store, c)
          : deploymentStates != null ? deploymentStates : DeploymentStateFactory.inMemory(store);
      ExecutorService owned = executor == null ? RouterExecutors.bounded() : null;
      Executor ex = executor != null ? executor : owned;
      Sleeper sl = sleeper != null ? sleeper : Sleeper.system();
      RandomGenerator rnd = random;
      Duration clientCap = maxClientTimeout;
      int waiting = maxWaiting;
      Scheduler sched = scheduler != null ? scheduler : sleeper != null ? Scheduler.sleeping(sl) : Scheduler.system();
      Runnable closeShared = () -> {
        if (owned != null) ReloadableRouter.shutdown(owned, 10);
        store.close();
        if (ownedShared != null) ownedShared.close();
        if (given == null) client.close();
      };
      return new ReloadableRouter(config, env0, store, (cfg, e, previous, ids) -> {
        RouterEngine engine = new RouterEngine(cfg, e, c, sl, client, false, listenersFor(cfg), store, states, rnd, ex, previous, ids,
            clientCap, waiting, sched);
        if (shared != null) engine.sharedState(shared, false);
        return engine;
      }, closeShared);
    }

    // The config's router_settings.redis_* through the SharedStateProvider on the classpath, or null.
    private static SharedState openSharedState(RouterConfig config, Env e) {
      if (!config.router().sharedState().enabled()) return null;
      Iterator<SharedStateProvider> providers = ServiceLoader.load(SharedStateProvider.class).iterator();
      if (!providers.hasNext()) {
        throw new IllegalStateException(config.router().sharedState().sourceKey() + ": shared state on Redis needs the "
            + "router-redis module (io.llmrouter:router-redis) on the classpath; add it or remove the key");
      }
      return providers.next().open(config.router().sharedState(), e);
    }

    // Null: the engine waits through the sleeper (a sleeper was given, no scheduler).
    private Scheduler scheduler() {
      return scheduler != null ? scheduler : sleeper != null ? null : Scheduler.system();
    }

    private Clock clock() {
      return clock != null ? clock : Clock.systemUTC();
    }

    private static ProviderClient discoverClient(Clock c) {
      Iterator<ProviderClientFactory> it = ServiceLoader.load(ProviderClientFactory.class).iterator();
      if (!it.hasNext()) {
        throw new IllegalStateException("No ProviderClient: put router-providers on the classpath (it registers a "
            + ProviderClientFactory.class.getName() + " for ServiceLoader) or pass one with providerClient(...)");
      }
      return it.next().create(c);
    }

    private List<RouterListener> listenersFor(RouterConfig cfg) {
      List<RouterListener> all = new ArrayList<>(listeners);
      // litellm_settings.set_verbose: log routing decisions unless the caller already added the logger.
      if (cfg.litellm().setVerbose() && all.stream().noneMatch(l -> l instanceof Slf4jRouterListener)) {
        all.add(new Slf4jRouterListener());
      }
      return all;
    }
  }
}
