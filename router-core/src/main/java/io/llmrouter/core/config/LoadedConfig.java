package io.llmrouter.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What {@link LiteLlmConfigReader} produced: the validated configuration, the environment its
 * {@code os.environ/} references were resolved against (pass it to the engine, which resolves API keys
 * late from the same place), and the file it came from. Immutable.
 *
 * @param config the validated configuration
 * @param env the environment: process variables, the {@code .env} file if one was read, and the config's
 *     {@code environment_variables} section
 * @param source the config file, or null when parsed from a string
 */
public record LoadedConfig(RouterConfig config, Env env, Path source) {

  /** @throws NullPointerException when {@code config} or {@code env} is null */
  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(env, "env");
  }
}
