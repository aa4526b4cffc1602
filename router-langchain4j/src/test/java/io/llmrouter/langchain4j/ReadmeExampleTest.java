package io.llmrouter.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's example, compiled and run over the simulator; the README must show exactly this code. */
class ReadmeExampleTest {

  // README-BEGIN
  interface Assistant {
    String chat(String message);
  }

  static class Clock {
    @Tool("The current time in a city")
    String timeIn(String city) {
      return "12:00 in " + city;
    }
  }

  static String ask(Map<String, String> env) {
    RouterConfig config = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("smart", "groq/llama-3.3-70b-versatile").apiKeyEnv("GROQ_API_KEY"))
        .deployment(DeploymentBuilder.of("fast", "groq/llama-3.1-8b-instant").apiKeyEnv("GROQ_API_KEY"))
        .fallbacks("smart", "fast")
        .build();
    try (Router router = LlmRouter.builder(config).env(Env.of(env)).build()) {
      ChatModel model = RouterChatModel.builder().router(router).modelName("smart").build();
      Assistant assistant = AiServices.builder(Assistant.class).chatModel(model).tools(new Clock()).build();
      return assistant.chat("What time is it in Lisbon?");
    }
  }
  // README-END

  @Test
  void theExampleRunsOverTheSimulator() {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.manual()).build().start()) {
      assertThat(ask(sim.env())).isNotBlank();
    }
  }

  @Test
  void theReadmeShowsThisCode() throws Exception {
    String source = Files.readString(Path.of("src/test/java/io/llmrouter/langchain4j/ReadmeExampleTest.java"));
    String example = source.substring(source.indexOf("// README-BEGIN\n") + 16, source.indexOf("  // README-END"))
        .lines().map(l -> l.startsWith("  ") ? l.substring(2) : l).collect(Collectors.joining("\n", "", "\n"));
    assertThat(Files.readString(Path.of("README.md")).replace("\r", "")).contains(example);
  }
}
