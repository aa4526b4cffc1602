package io.llmrouter.springai;

import io.llmrouter.core.LlmRouter;

/**
 * Adjusts the router the auto-configuration builds, before {@code build()}: a clock, a sleeper, a state
 * store, an executor, more listeners. Every bean of this type is applied, in {@code @Order}.
 */
@FunctionalInterface
public interface LlmRouterBuilderCustomizer {
  /** @param builder the builder, already given the config, its environment and the event listener */
  void customize(LlmRouter.Builder builder);
}
