package com.example.addons;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.SharedState;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddOnsOnTheModulePathTest {
  static final String MODELS = "model_list:\n"
      + "  - model_name: fast\n"
      + "    litellm_params: {model: openai/m, api_base: http://127.0.0.1:9/v1, api_key: k, rpm: 30}\n";

  @Test
  void theAddOnsRunAsNamedModules() {
    assertThat(Observed.class.getModule().getName()).isEqualTo("com.example.addons");
    ModuleLayer boot = ModuleLayer.boot();
    assertThat(boot.findModule("io.llmrouter.redis")).isPresent();
    assertThat(boot.findModule("io.llmrouter.micrometer")).isPresent();
  }

  @Test
  void routerRedisIsFoundAsTheSharedStateProviderAndFallsBackWhenNoRedisAnswers() {
    // Port 1 on loopback: nothing listens, so the link is apart at start and the router admits locally.
    RouterConfig config = LiteLlmConfigReader.parse(MODELS + "router_settings:\n  redis_url: redis://127.0.0.1:1\n",
        Env.of(Map.of())).config();
    try (Router router = LlmRouter.builder(config).build()) {
      SharedState.Status s = LlmRouter.sharedStateStatus(router).orElseThrow();
      assertThat(s.backend()).contains("127.0.0.1:1");
      assertThat(s.connected()).isFalse();
    }
  }

  @Test
  void routerMicrometerBindsItsGaugesToTheRouter() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RouterConfig config = LiteLlmConfigReader.parse(MODELS, Env.of(Map.of())).config();
    try (Router router = Observed.router(config, registry)) {
      assertThat(registry.find("llm.router.deployment.rpm.limit").tag("model_group", "fast").gauge())
          .isNotNull()
          .satisfies(g -> assertThat(g.value()).isEqualTo(30.0));
    }
  }
}
