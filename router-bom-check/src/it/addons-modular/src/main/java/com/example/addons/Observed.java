package com.example.addons;

import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.micrometer.RouterMetrics;
import io.micrometer.core.instrument.MeterRegistry;

/** A router whose meters go to {@code registry}: what an application on the module path writes. */
public final class Observed {
  private Observed() {}

  public static Router router(RouterConfig config, MeterRegistry registry) {
    RouterMetrics metrics = RouterMetrics.builder(registry).build();
    Router router = LlmRouter.builder(config).listener(metrics).build();
    metrics.bindTo(router);
    return router;
  }
}
