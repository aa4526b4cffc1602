package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.Env;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A cooldown learned before a restart is still in force after it when the loader is given a state file. */
class StatePersistsAcrossRestartTest {

  @TempDir Path dir;

  private static final String CONFIG = """
      model_list:
        - model_name: "groq/llama-3.1-8b"
          litellm_params:
            model: "groq/llama-3.1-8b-instant"
            api_key: "os.environ/GROQ_API_KEY"
        - model_name: "openrouter/llama-3.3-70b"
          litellm_params:
            model: "openrouter/meta-llama/llama-3.3-70b-instruct:free"
            api_key: "os.environ/OPENROUTER_API_KEY"
      router_settings:
        num_retries: 0
        allowed_fails: 0
        cooldown_time: 3600
        fallbacks:
          - {"groq/llama-3.1-8b": ["openrouter/llama-3.3-70b"]}
      """;

  private static ModelGroupStatus status(Router r, String name) {
    return r.modelGroups().stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  void cooldownSurvivesARestart() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
    Path state = dir.resolve(".llm-router-state.json");
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).build().start()) {
      sim.failNext(SimProvider.GROQ, "llama-3.1-8b-instant", Fault.serverError(503), 1);
      ConfigRouterLoader loader = new ConfigRouterLoader(Env.of(sim.env()), state);
      ChatRequest ask = ChatRequest.builder().model("groq/llama-3.1-8b").messages(ChatMessage.user("hi")).build();

      try (Router first = loader.load(config, null).router()) {
        // Groq fails once and cools for an hour; OpenRouter answers.
        assertThat(first.chat(ask).route().servedModelGroup()).isEqualTo("openrouter/llama-3.3-70b");
        assertThat(status(first, "groq/llama-3.1-8b").availableNow()).isFalse();
      }
      assertThat(state).exists();

      try (Router second = loader.load(config, null).router()) {
        ModelGroupStatus groq = status(second, "groq/llama-3.1-8b");
        assertThat(groq.availableNow()).as("cooldown restored from the state file").isFalse();
        assertThat(groq.availableAt()).isNotNull();
        long before = sim.stats(SimProvider.GROQ, "llama-3.1-8b-instant").received();
        assertThat(second.chat(ask).route().servedModelGroup()).isEqualTo("openrouter/llama-3.3-70b");
        assertThat(sim.stats(SimProvider.GROQ, "llama-3.1-8b-instant").received()).as("no call to a cooling deployment").isEqualTo(before);
      }

      try (Router memoryOnly = new ConfigRouterLoader(Env.of(sim.env())).load(config, null).router()) {
        assertThat(status(memoryOnly, "groq/llama-3.1-8b").availableNow()).as("without a state file a restart forgets").isTrue();
      }
    }
  }
}
