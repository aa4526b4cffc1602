package io.llmrouter.cli;

import io.llmrouter.api.ConfigException;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.ReloadableRouter;
import java.util.List;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.GeneralSettings;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import io.llmrouter.core.config.SecretRef;
import io.llmrouter.core.state.JsonFileStateStore;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;

/**
 * The production {@link RouterLoader}: reads the file with {@link LiteLlmConfigReader} (the same reader a
 * library user calls) and builds the engine with {@link LlmRouter}, resolving secrets against the process
 * environment overlaid by the {@code .env} file. Stateless and thread-safe.
 */
public final class ConfigRouterLoader implements RouterLoader {
  static final String MASTER_KEY_VAR = "LLM_ROUTER_MASTER_KEY";
  /** LiteLLM's own variable (the guide's {@code .env} sets it): read when the config sets no master key and {@link #MASTER_KEY_VAR} is unset. */
  static final String LITELLM_MASTER_KEY_VAR = "LITELLM_MASTER_KEY";

  private final Env processEnv;
  private final Path stateFile;
  private final boolean stateOnly;
  private final Clock clock;
  private final SecretRef redisUrl;
  private Duration maxClientTimeout = LlmRouter.DEFAULT_MAX_CLIENT_TIMEOUT;
  private int maxWaiting = LlmRouter.DEFAULT_MAX_WAITING;
  // serve --max-response-size; null: general_settings.max_response_size_mb, else the client's default.
  private Long maxResponseBytes;
  // The routers' executor (serve's, see withExecutor); null: each router's own bounded pool.
  private java.util.concurrent.Executor executor;

  /** Uses the process environment; routing state in memory. */
  public ConfigRouterLoader() {
    this(Env.system());
  }

  /** Uses {@code processEnv} in place of the process environment (tests); routing state in memory. */
  public ConfigRouterLoader(Env processEnv) {
    this(processEnv, null);
  }

  /**
   * Uses {@code processEnv}, and keeps cooldown deadlines and daily counters in {@code stateFile} so a
   * restart does not forget that a model's daily quota is spent (null: in memory only).
   */
  public ConfigRouterLoader(Env processEnv, Path stateFile) {
    this(processEnv, stateFile, false);
  }

  /**
   * As {@link #ConfigRouterLoader(Env, Path)}; with {@code stateOnly} the router never starts the
   * configured background health checks and no master key is resolved (a command that only reads or edits
   * the routing state calls no provider and serves nothing).
   */
  ConfigRouterLoader(Env processEnv, Path stateFile, boolean stateOnly) {
    this(processEnv, stateFile, stateOnly, Clock.systemUTC());
  }

  /** As {@link #ConfigRouterLoader(Env, Path, boolean)} on {@code clock} (router and state file; tests). */
  ConfigRouterLoader(Env processEnv, Path stateFile, boolean stateOnly, Clock clock) {
    this(processEnv, stateFile, stateOnly, clock, null);
  }

  private ConfigRouterLoader(Env processEnv, Path stateFile, boolean stateOnly, Clock clock, SecretRef redisUrl) {
    this.processEnv = processEnv;
    this.stateFile = stateFile;
    this.stateOnly = stateOnly;
    this.clock = clock;
    this.redisUrl = redisUrl;
  }

  @Override
  public RouterLoader withRedisUrl(String url) {
    SecretRef ref = url.startsWith("os.environ/") ? SecretRef.env(url.substring("os.environ/".length())) : SecretRef.literal(url);
    ConfigRouterLoader c = new ConfigRouterLoader(processEnv, stateFile, stateOnly, clock, ref);
    c.maxClientTimeout = maxClientTimeout;
    c.maxWaiting = maxWaiting;
    c.maxResponseBytes = maxResponseBytes;
    c.executor = executor;
    return c;
  }

  /**
   * A loader like this one whose routers cap a request's own {@code timeout} at {@code maxClientTimeout}
   * and let at most {@code maxWaiting} requests wait for capacity ({@link LlmRouter.Builder#maxClientTimeout},
   * {@link LlmRouter.Builder#maxWaiting}).
   */
  ConfigRouterLoader withLimits(Duration maxClientTimeout, int maxWaiting) {
    ConfigRouterLoader c = new ConfigRouterLoader(processEnv, stateFile, stateOnly, clock, redisUrl);
    c.maxClientTimeout = maxClientTimeout;
    c.maxWaiting = maxWaiting;
    c.maxResponseBytes = maxResponseBytes;
    c.executor = executor;
    return c;
  }

  /**
   * A loader like this one whose routers run their asynchronous calls on {@code executor}
   * ({@link LlmRouter.Builder#executor}; the caller shuts it down after closing the router). Null: each
   * router's own bounded pool.
   */
  ConfigRouterLoader withExecutor(java.util.concurrent.Executor executor) {
    ConfigRouterLoader c = withMaxResponseBytes(maxResponseBytes);
    c.executor = executor;
    return c;
  }

  /**
   * A loader like this one whose routers read at most {@code maxResponseBytes} of an upstream response
   * body (serve's {@code --max-response-size}); it overrides {@code general_settings.max_response_size_mb}.
   * Null keeps the configuration's value.
   */
  ConfigRouterLoader withMaxResponseBytes(Long maxResponseBytes) {
    ConfigRouterLoader c = withLimits(maxClientTimeout, maxWaiting);
    c.maxResponseBytes = maxResponseBytes;
    return c;
  }

  @Override
  public Loaded load(Path config, Path envFile) {
    return load(config, envFile, List.of());
  }

  /**
   * Builds a {@link ReloadableRouter} (so {@link #reload} can swap a new configuration in), with
   * {@code listeners} added.
   */
  @Override
  public Loaded load(Path config, Path envFile, List<RouterListener> listeners) {
    LoadedConfig loaded = read(config, envFile);
    StartupTrace.mark("config-read");
    Env env = loaded.env();
    Secret masterKey = stateOnly ? null : masterKey(loaded, env);
    RouterConfig rc = loaded.config();
    if (stateOnly && rc.general().backgroundHealthChecks()) {
      GeneralSettings g = rc.general();
      rc = new RouterConfig(rc.deployments(), rc.router(),
          g.withBackgroundHealthChecks(false), rc.litellm());
    }
    if (redisUrl != null) {
      rc = new RouterConfig(rc.deployments(), rc.router().withSharedState(rc.router().sharedState().withUrl(redisUrl, "--redis-url")),
          rc.general(), rc.litellm());
    }
    LlmRouter.Builder b = LlmRouter.builder(rc).env(env).clock(clock).maxClientTimeout(maxClientTimeout).maxWaiting(maxWaiting);
    listeners.forEach(b::listener);
    if (executor != null) b.executor(executor);
    Long cap = maxResponseBytes != null ? maxResponseBytes : rc.general().maxResponseBytes();
    // The response cap is the HTTP client's (read at start; a reload keeps the client, and so the cap).
    if (cap != null) b.providerClient(OpenAiCompatibleClient.builder().clock(clock).maxResponseBytes(cap).build());
    if (stateFile != null) {
      try {
        b.stateStore(JsonFileStateStore.open(stateFile, clock));
      } catch (UncheckedIOException e) {
        throw new ConfigException(stateFile.toString(), "cannot read the state file: " + e.getCause().getMessage());
      }
    }
    return new Loaded(b.buildReloadable(), masterKey);
  }

  @Override
  public Reloaded reload(Loaded current, Path config, Path envFile) {
    if (!(current.router() instanceof ReloadableRouter router)) {
      throw new UnsupportedOperationException("this router cannot reload its configuration; restart serve instead");
    }
    LoadedConfig loaded = read(config, envFile);
    Secret masterKey = stateOnly ? null : masterKey(loaded, loaded.env());
    ReloadableRouter.Result r = router.reload(loaded.config(), loaded.env());
    return new Reloaded("kept " + r.kept().size() + ", added " + r.added() + ", removed " + r.removed(), masterKey);
  }

  private LoadedConfig read(Path config, Path envFile) {
    if (!Files.isRegularFile(config)) throw new ConfigException(config.toString(), "config file not found");
    if (envFile != null && !Files.isRegularFile(envFile)) throw new ConfigException(envFile.toString(), ".env file not found");
    return LiteLlmConfigReader.load(config, envFile, processEnv);
  }

  private static Secret masterKey(LoadedConfig loaded, Env env) {
    SecretRef ref = loaded.config().general().masterKey();
    if (ref != null) {
      return ref.resolve(env).orElseThrow(() -> new ConfigException("general_settings.master_key",
          "environment variable " + ref.envVar() + " is not set"));
    }
    for (String var : new String[] {MASTER_KEY_VAR, LITELLM_MASTER_KEY_VAR}) {
      String fromEnv = env.get(var);
      if (fromEnv != null && !fromEnv.isBlank()) return Secret.of(fromEnv.strip());
    }
    return null;
  }
}
