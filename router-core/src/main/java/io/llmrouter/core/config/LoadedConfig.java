package io.llmrouter.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link LiteLlmConfigReader} produced: the validated configuration, the environment its
 * {@code os.environ/} references were resolved against (pass it to the engine, which resolves API keys
 * late from the same place), the file it came from, and the keys it ignored. Immutable.
 *
 * @param config the validated configuration
 * @param env the environment: process variables, the {@code .env} file if one was read, and the config's
 *     {@code environment_variables} section
 * @param source the config file, or null when parsed from a string
 * @param warnings one line per ignored key, in file order, each starting with the key path:
 *     {@code "router_settings.num_retires: unknown key; did you mean num_retries?"} or
 *     {@code "litellm_settings.callbacks: LiteLLM setting not implemented by llm-router; ignored"}. The
 *     reader also logs each at WARN. Never holds a value from the file or the environment.
 */
public record LoadedConfig(RouterConfig config, Env env, Path source, List<String> warnings) {

  /** @throws NullPointerException when {@code config} or {@code env} is null */
  public LoadedConfig {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(env, "env");
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  /** A configuration without warnings. */
  public LoadedConfig(RouterConfig config, Env env, Path source) {
    this(config, env, source, List.of());
  }
}
