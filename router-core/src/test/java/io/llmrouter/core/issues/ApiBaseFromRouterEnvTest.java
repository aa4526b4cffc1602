package io.llmrouter.core.issues;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Regression: {@code <PREFIX>_API_BASE} set in the router's {@link Env} (e.g. from {@code serve --env-file})
 * was shown in the route but not sent to the provider client, which then called the dialect's public
 * default URL. Found by the facade's end-to-end test over the simulator.
 */
class ApiBaseFromRouterEnvTest {
  final ScriptedProvider client = new ScriptedProvider(new TestClock(), List.of(
      new ProviderInfo("groq", "https://api.groq.example/openai/v1", "GROQ_API_KEY", "GROQ_API_BASE", false, Set.of())));

  Endpoint endpoint(int i) {
    return client.calls().get(i).endpoint();
  }

  Router router(Map<String, String> env, DeploymentBuilder dep) {
    return LlmRouter.builder(RouterConfig.builder().deployment(dep).build()).env(Env.of(env)).providerClient(client).build();
  }

  static ChatRequest ask() {
    return ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).build();
  }

  @Test
  void apiBaseFromTheRoutersEnvReachesTheProviderClient() {
    try (Router r = router(Map.of("GROQ_API_KEY", "k", "GROQ_API_BASE", "http://127.0.0.1:9/openai/v1"),
        DeploymentBuilder.of("g", "groq/m"))) {
      ChatResponse resp = r.chat(ask());
      assertThat(endpoint(0).apiBase()).isEqualTo("http://127.0.0.1:9/openai/v1");
      assertThat(resp.route().apiBase()).isEqualTo(endpoint(0).apiBase());
    }
  }

  @Test
  void configApiBaseStillWinsAndNoBaseSendsTheDialectDefault() {
    try (Router r = router(Map.of("GROQ_API_KEY", "k", "GROQ_API_BASE", "http://127.0.0.1:9/openai/v1"),
        DeploymentBuilder.of("g", "groq/m").apiBase("http://10.0.0.1:8000/v1"))) {
      r.chat(ask());
      assertThat(endpoint(0).apiBase()).isEqualTo("http://10.0.0.1:8000/v1");
    }
    try (Router r = router(Map.of("GROQ_API_KEY", "k"), DeploymentBuilder.of("g", "groq/m"))) {
      r.chat(ask());
      // The client reads no environment any more (issue 9): the router sends the dialect default itself.
      assertThat(endpoint(1).apiBase()).isEqualTo("https://api.groq.example/openai/v1");
    }
  }
}
