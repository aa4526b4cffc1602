package io.llmrouter.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** What the auto-configuration registers, when, and that the router lives and dies with the context. */
class LlmRouterAutoConfigurationTest {
  final ApplicationContextRunner runner =
      new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LlmRouterAutoConfiguration.class));

  @Test
  void withoutAConfigPropertyNothingIsRegistered() {
    runner.run(ctx -> {
      assertThat(ctx).doesNotHaveBean(Router.class);
      assertThat(ctx).doesNotHaveBean(ChatModel.class);
    });
  }

  @Test
  void theRouterIsClosedWithTheContext(@TempDir Path dir) {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.manual()).build().start()) {
      Path config = SimulatorConfig.write(dir, sim);
      AtomicReference<Router> seen = new AtomicReference<>();
      runner.withPropertyValues("llm-router.config=" + config, "llm-router.model=fast").run(ctx -> {
        assertThat(ctx).hasSingleBean(Router.class).hasSingleBean(ChatModel.class);
        Router router = ctx.getBean(Router.class);
        seen.set(router);
        assertThat(router.chat(ChatRequest.builder().model("fast").messages(ChatMessage.user("hi")).build()).text())
            .isNotBlank();
        assertThat(ctx.getBean(ChatModel.class).call("hi")).isNotBlank(); // llm-router.model is the default group
      });
      assertThatThrownBy(() -> seen.get().chat(ChatRequest.builder().model("fast").messages(ChatMessage.user("hi")).build()))
          .isInstanceOf(LlmRouterException.class);
    }
  }

  @Test
  void anInvalidConfigFailsStartupNamingTheKeyPath(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), """
        model_list:
          - model_name: smart
            litellm_params:
              model: groq/llama-3.3-70b-versatile
              rpm: lots
        """);
    runner.withPropertyValues("llm-router.config=" + config).run(ctx -> {
      assertThat(ctx).hasFailed();
      Throwable root = ctx.getStartupFailure();
      while (root.getCause() != null && !(root instanceof ConfigException)) root = root.getCause();
      assertThat(root).isInstanceOf(ConfigException.class);
      assertThat(root.getMessage()).contains("model_list[0].litellm_params.rpm");
    });
  }

  @Test
  void anApplicationRouterBeanWins() {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.manual()).build().start()) {
      Router own = io.llmrouter.core.LlmRouter.builder(io.llmrouter.core.config.RouterConfig.builder()
              .deployment(io.llmrouter.core.config.DeploymentBuilder.of("mine", "groq/llama-3.1-8b-instant").apiKeyEnv("GROQ_API_KEY"))
              .build())
          .env(io.llmrouter.core.config.Env.of(sim.env())).build();
      runner.withPropertyValues("llm-router.config=/does/not/exist.yaml", "llm-router.model=mine")
          .withBean(Router.class, () -> own)
          .run(ctx -> {
            assertThat(ctx).hasSingleBean(Router.class);
            assertThat(ctx.getBean(Router.class)).isSameAs(own);
            assertThat(ctx.getBean(ChatModel.class).call("hi")).isNotBlank();
          });
    }
  }
}
