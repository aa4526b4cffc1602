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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
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
  private LlmRouter() {}

  /**
   * Whether {@code router}'s shared state (several instances, one budget) is connected: empty when the
   * router keeps its state in-process or was not built by this class.
   */
  public static Optional<SharedState.Status> sharedStateStatus(Router router) {
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
    private ProviderClient providerClient;
    private final List<RouterListener> listeners = new ArrayList<>();
    private StateStore stateStore;
    private DeploymentStateFactory deploymentStates;
    private RandomGenerator random;
    private Executor executor;
    private SharedState sharedState;

    private Builder(RouterConfig config) {
      this.config = config;
    }

    /** Where {@code os.environ/NAME} keys are read at call time; default {@link Env#system()}. */
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
      Clock c = clock != null ? clock : Clock.systemUTC();
      ProviderClient client = providerClient;
      boolean owns = false;
      if (client == null) {
        Iterator<ProviderClientFactory> it = ServiceLoader.load(ProviderClientFactory.class).iterator();
        if (!it.hasNext()) {
          throw new IllegalStateException("No ProviderClient: put router-providers on the classpath (it registers a "
              + ProviderClientFactory.class.getName() + " for ServiceLoader) or pass one with providerClient(...)");
        }
        client = it.next().create(c);
        owns = true;
      }
      List<RouterListener> all = new ArrayList<>(listeners);
      // litellm_settings.set_verbose: log routing decisions unless the caller already added the logger.
      if (config.litellm().setVerbose() && all.stream().noneMatch(l -> l instanceof Slf4jRouterListener)) {
        all.add(new Slf4jRouterListener());
      }
      StateStore store = stateStore != null ? stateStore : new InMemoryStateStore();
      Env e = env != null ? env : Env.system();
      SharedState shared = sharedState;
      boolean ownsShared = false;
      if (shared == null && config.router().sharedState().enabled()) {
        Iterator<SharedStateProvider> providers = ServiceLoader.load(SharedStateProvider.class).iterator();
        if (!providers.hasNext()) {
          if (owns) client.close();
          throw new IllegalStateException(config.router().sharedState().sourceKey() + ": shared state on Redis needs the "
              + "router-redis module (io.llmrouter:router-redis) on the classpath; add it or remove the key");
        }
        shared = providers.next().open(config.router().sharedState(), e);
        ownsShared = true;
      }
      DeploymentStateFactory states = shared != null ? shared.deploymentStates(store, c)
          : deploymentStates != null ? deploymentStates : DeploymentStateFactory.inMemory(store);
      RouterEngine engine = new RouterEngine(config, e, c, sleeper != null ? sleeper : Sleeper.system(),
          client, owns, all, store, states, random, executor);
      if (shared != null) engine.sharedState(shared, ownsShared);
      return engine;
    }
  }
}
