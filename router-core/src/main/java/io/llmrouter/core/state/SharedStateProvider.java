package io.llmrouter.core.state;

import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.SharedStateSettings;

/**
 * Opens a {@link SharedState} from configuration; registered for {@link java.util.ServiceLoader} by the module
 * that implements it ({@code router-redis}). The router uses the first one found when its config names Redis
 * and no {@link SharedState} was given to the builder.
 */
public interface SharedStateProvider {

  /**
   * Opens the shared state. Must not fail because the backend is unreachable: the state then starts apart
   * (local fallback) and joins when the backend answers.
   *
   * @param settings the {@code router_settings.redis_*} keys
   * @param env where {@code os.environ/NAME} references are resolved
   * @throws io.llmrouter.api.ConfigException when the settings are unusable (naming the key)
   */
  SharedState open(SharedStateSettings settings, Env env);
}
