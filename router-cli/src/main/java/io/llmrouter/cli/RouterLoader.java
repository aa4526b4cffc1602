package io.llmrouter.cli;

import io.llmrouter.api.ConfigException;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.api.RouterListener;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import io.llmrouter.api.RouterListener;

/**
 * Turns a LiteLLM-style {@code config.yaml} (plus an optional {@code .env} file) into a running
 * {@link Router} and the facade's master key. The commands ({@code serve}, {@code health}) depend on this
 * interface only, so they can be tested with an in-memory router.
 *
 * <p>The production implementation is {@link ConfigRouterLoader}. Implementations must be thread-safe.
 */
public interface RouterLoader {

  /**
   * Loads the configuration and builds a router from it. The caller owns and closes the router.
   *
   * <p>The master key is {@code general_settings.master_key} with {@code os.environ/NAME} resolved, or
   * else the {@code LLM_ROUTER_MASTER_KEY} variable, else LiteLLM's {@code LITELLM_MASTER_KEY}, of the same
   * environment (process, then .env file).
   *
   * @param config the YAML file
   * @param envFile a {@code .env} file to overlay on the process environment, or null
   * @return the router and the master key (null when none is configured)
   * @throws ConfigException when the file is missing, unreadable or invalid; the message names the key
   *     path and never a secret's value
   */
  Loaded load(Path config, Path envFile);

  /**
   * As {@link #load(Path, Path)}, with {@code listeners} added to the router (serve's decision log). The
   * default ignores them, for loaders that build no real router.
   */
  default Loaded load(Path config, Path envFile, List<RouterListener> listeners) {
    return load(config, envFile);
  }

  /**
   * Re-reads the configuration (and {@code .env} file) and swaps it into {@code loaded}'s router while it
   * serves: requests in flight finish on the old configuration, unchanged deployments keep their state (see
   * {@code ReloadableRouter}). When the new configuration does not load, the running one stays untouched.
   *
   * @param loaded what {@link #load} returned earlier
   * @return what changed, and the master key the new configuration asks for (the facade keeps the key it
   *     started with: a changed key needs a restart)
   * @throws ConfigException when the file is missing, unreadable or invalid (the message names the key path)
   * @throws UnsupportedOperationException when this loader's routers cannot reload (the default)
   */
  default Reloaded reload(Loaded loaded, Path config, Path envFile) {
    throw new UnsupportedOperationException("this router cannot reload its configuration; restart serve instead");
  }

  /**
   * The outcome of a {@link #reload}.
   *
   * @param summary what changed, for the log (deployment ids kept, added, removed; never a secret)
   * @param masterKey the master key of the new configuration, or null
   */
  record Reloaded(String summary, Secret masterKey) {}

  /**
   * This loader with shared state on the Redis at {@code redisUrl} in place of the config's
   * {@code router_settings.redis_*} keys ({@code serve --redis-url}); {@code os.environ/NAME} reads the URL
   * from the environment. The default refuses: only a loader that builds the engine can share state.
   *
   * @throws IllegalStateException when this loader cannot share state
   */
  default RouterLoader withRedisUrl(String redisUrl) {
    throw new IllegalStateException("--redis-url needs the config-reading loader");
  }

  /**
   * A router built from a configuration, and the facade key that configuration asks for.
   *
   * @param router the router; the caller closes it
   * @param masterKey the key callers of the facade must present, or null when none is configured
   */
  record Loaded(Router router, Secret masterKey) {
    public Loaded {
      Objects.requireNonNull(router, "router");
    }
  }
}
