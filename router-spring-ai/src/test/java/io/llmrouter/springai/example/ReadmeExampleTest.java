package io.llmrouter.springai.example;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.springai.RouterEvents;
import io.llmrouter.springai.SimulatorConfig;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The README's example application, started over the simulator; the README must show exactly this code. */
class ReadmeExampleTest {

  // README-BEGIN
  @SpringBootApplication
  static class App {
    @Component
    static class Served {
      @EventListener
      void on(RouterEvents.RequestEnded e) {
        System.out.println("served by " + e.end().route().deploymentId());
      }
    }
  }

  static String ask(ChatModel chatModel) {
    return chatModel.call("Say hello in five words.");
  }
  // README-END

  @Test
  void theExampleRunsOverTheSimulator(@TempDir Path dir) {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.manual()).build().start()) {
      Path config = SimulatorConfig.write(dir, sim);
      try (ConfigurableApplicationContext ctx = SpringApplication.run(App.class,
          "--llm-router.config=" + config, "--llm-router.model=fast", "--spring.main.web-application-type=none")) {
        assertThat(ask(ctx.getBean(ChatModel.class))).isNotBlank();
      }
    }
  }

  @Test
  void theReadmeShowsThisCode() throws Exception {
    String source = Files.readString(Path.of("src/test/java/io/llmrouter/springai/example/ReadmeExampleTest.java"));
    String example = source.substring(source.indexOf("// README-BEGIN\n") + 16, source.indexOf("  // README-END"))
        .lines().map(l -> l.startsWith("  ") ? l.substring(2) : l).collect(Collectors.joining("\n", "", "\n"));
    assertThat(Files.readString(Path.of("README.md")).replace("\r", "")).contains(example);
  }
}
