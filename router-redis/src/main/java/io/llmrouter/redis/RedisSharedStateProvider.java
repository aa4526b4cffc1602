package io.llmrouter.redis;

import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.SharedStateSettings;
import io.llmrouter.core.state.SharedState;
import io.llmrouter.core.state.SharedStateProvider;

/** Registers {@link RedisSharedState} for {@link java.util.ServiceLoader}: a config naming Redis uses it. */
public final class RedisSharedStateProvider implements SharedStateProvider {
  /** For {@link java.util.ServiceLoader}. */
  public RedisSharedStateProvider() {}

  @Override
  public SharedState open(SharedStateSettings settings, Env env) {
    return RedisSharedState.open(settings, env);
  }
}
