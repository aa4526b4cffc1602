package io.llmrouter.springai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.retry.NonTransientAiException;
import org.springframework.ai.retry.TransientAiException;
import org.springframework.ai.support.ToolCallbacks;
import org.springframework.ai.tool.annotation.Tool;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The auto-configured router and Spring AI chat model in a Spring Boot context, over the provider simulator:
 * the config file's keys are {@code os.environ/...}, resolved from the {@code .env} beside it.
 */
@SpringBootTest(classes = RouterSpringChatModelBootTest.App.class)
class RouterSpringChatModelBootTest {
  static final VirtualClock CLOCK = VirtualClock.manual();
  static final ProviderSimulator SIM = ProviderSimulator.builder().clock(CLOCK).seed(3).build().start();

  @SpringBootConfiguration
  @ImportAutoConfiguration(LlmRouterAutoConfiguration.class)
  static class App {
    @Bean
    LlmRouterBuilderCustomizer virtualTime() {
      return b -> b.clock(CLOCK).sleeper(CLOCK::sleep);
    }

    @Bean
    Recorder recorder() {
      return new Recorder();
    }
  }

  /** Collects the router's events as the application receives them. */
  static class Recorder {
    final List<RouterEvents.RequestEnded> ended = new CopyOnWriteArrayList<>();
    final List<RouterEvents.FellBack> fallbacks = new CopyOnWriteArrayList<>();

    @EventListener
    void on(RouterEvents.RequestEnded e) {
      ended.add(e);
    }

    @EventListener
    void on(RouterEvents.FellBack e) {
      fallbacks.add(e);
    }
  }

  @DynamicPropertySource
  static void properties(DynamicPropertyRegistry registry) throws Exception {
    Path dir = Files.createTempDirectory("llm-router-boot");
    Path config = SimulatorConfig.write(dir, SIM);
    registry.add("llm-router.config", config::toString);
    registry.add("llm-router.model", () -> "smart");
  }

  @AfterAll
  static void stopSimulator() {
    SIM.close();
  }

  @Autowired ChatModel chatModel;
  @Autowired Router router;
  @Autowired Recorder recorder;

  @AfterEach
  void reset() {
    SIM.clearFaults();
    SIM.bringUp(SimProvider.GROQ, "llama-3.3-70b-versatile");
    SIM.openRouterKeyRevoked(false);
    router.clearCooldowns("all");
  }

  static Route route(ChatResponse r) {
    return r.getMetadata().get(RouterSpringChatModel.ROUTE_METADATA_KEY);
  }

  @Test
  void theChatModelBeanIsTheRouterAndPublishesItsEvents() {
    assertThat(chatModel).isInstanceOf(RouterSpringChatModel.class);
    int before = recorder.ended.size();
    ChatResponse r = chatModel.call(new Prompt("Say hello in five words."));

    assertThat(r.getResult().getOutput().getText()).isNotBlank();
    assertThat(r.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    assertThat(r.getMetadata().getModel()).isEqualTo("llama-3.3-70b-versatile");
    assertThat(r.getMetadata().getUsage().getPromptTokens()).isPositive();
    assertThat(r.getMetadata().getUsage().getCompletionTokens()).isPositive();
    assertThat(route(r).servedModelGroup()).isEqualTo("smart");
    assertThat(recorder.ended).hasSize(before + 1);
    RequestEnd end = recorder.ended.get(before).end();
    assertThat(end.route().deploymentId()).isEqualTo(route(r).deploymentId());
  }

  @Test
  void streamingEmitsTextPiecesThenAClosingResponseWithUsage() {
    String prompt = "Explain rolling windows in two sentences, please, with an example about a rate limiter.";
    Prompt p = new Prompt(prompt, ChatOptions.builder().model("fast").build());
    List<ChatResponse> parts = chatModel.stream(p).collectList().block();

    assertThat(parts).hasSizeGreaterThan(2);
    StringBuilder text = new StringBuilder();
    parts.forEach(r -> text.append(r.getResult().getOutput().getText()));
    assertThat(text.toString()).isEqualTo(chatModel.call(p).getResult().getOutput().getText());
    ChatResponse last = parts.get(parts.size() - 1);
    assertThat(last.getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
    assertThat(last.getMetadata().getUsage().getCompletionTokens()).isPositive();
    assertThat(route(last).servedModelGroup()).isEqualTo("fast");
  }

  static final class WeatherTools {
    final AtomicInteger calls = new AtomicInteger();
    final List<String> cities = new CopyOnWriteArrayList<>();

    @Tool(description = "Current weather for a city")
    String getWeather(String city) {
      calls.incrementAndGet();
      cities.add(city);
      return "sunny in " + city;
    }
  }

  @Test
  void toolsRunThroughAFallbackUntilTheModelAnswers() {
    SIM.takeDown(SimProvider.GROQ, "llama-3.3-70b-versatile");
    WeatherTools tools = new WeatherTools();
    int fallbacksBefore = recorder.fallbacks.size();
    ChatResponse r = chatModel.call(new Prompt(new UserMessage("What is the weather in Paris?"),
        ToolCallingChatOptions.builder().toolCallbacks(ToolCallbacks.from(tools)).build()));

    assertThat(tools.calls.get()).isEqualTo(1);
    assertThat(tools.cities).containsExactly("What is the weather in Paris?"); // the simulator echoes the prompt
    assertThat(r.getResult().getOutput().getText()).isNotBlank();
    assertThat(r.hasToolCalls()).isFalse();
    assertThat(route(r).servedModelGroup()).isEqualTo("fast");
    assertThat(route(r).fallbacks()).contains("fast");
    assertThat(recorder.fallbacks.subList(fallbacksBefore, recorder.fallbacks.size()))
        .extracting(RouterEvents.FellBack::toGroup).containsOnly("fast");
  }

  @Test
  void streamedToolCallsAssembleRunAndTheAnswerStreams() {
    WeatherTools tools = new WeatherTools();
    List<ChatResponse> parts = chatModel.stream(new Prompt(new UserMessage("What is the weather in Paris?"),
        ToolCallingChatOptions.builder().model("nim").toolCallbacks(ToolCallbacks.from(tools)).build()))
        .collectList().block();

    assertThat(tools.calls.get()).isEqualTo(1);
    assertThat(tools.cities).containsExactly("What is the weather in Paris?");
    StringBuilder text = new StringBuilder();
    parts.forEach(r -> text.append(r.getResult().getOutput().getText()));
    assertThat(text.toString()).isNotBlank();
    assertThat(parts.get(parts.size() - 1).getResult().getMetadata().getFinishReason()).isEqualTo("STOP");
  }

  @Test
  void chatClientCallsAndStreamsWithTools() {
    WeatherTools tools = new WeatherTools();
    ChatClient client = ChatClient.create(chatModel);

    String answer = client.prompt().user("What is the weather in Paris?").tools(tools).call().content();
    assertThat(answer).isNotBlank();
    assertThat(tools.calls.get()).isEqualTo(1);

    List<String> pieces = client.prompt().user("What is the weather in Rome?").tools(tools).stream().content()
        .collectList().block();
    assertThat(String.join("", pieces)).isNotBlank();
    assertThat(tools.cities).containsExactly("What is the weather in Paris?", "What is the weather in Rome?");
  }

  @Test
  void errorsAreSpringAiTransientOrNonTransientWithTheRouterErrorAsCause() {
    Prompt free = new Prompt("hello", ChatOptions.builder().model("free").build());
    SIM.failNext(SimProvider.OPENROUTER, "qwen/qwen3-coder:free", Fault.upstreamRateLimit(), 50);
    assertThatThrownBy(() -> chatModel.call(free))
        .isInstanceOf(TransientAiException.class)
        .hasCauseInstanceOf(NoDeploymentAvailableException.class);
    router.clearCooldowns("all");
    SIM.clearFaults();

    SIM.openRouterKeyRevoked(true);
    Throwable auth = catchThrowable(() -> chatModel.call(free));
    assertThat(auth).isInstanceOf(NonTransientAiException.class);
    assertThat(auth.getCause()).isInstanceOf(LlmRouterException.class);
    assertThat(auth.getMessage()).doesNotContain(SIM.env().get("OPENROUTER_API_KEY"));

    assertThatThrownBy(() -> chatModel.call(new Prompt("hi", ChatOptions.builder().model("nope").build())))
        .isInstanceOf(NonTransientAiException.class)
        .hasCauseInstanceOf(UnknownModelException.class);
    assertThatThrownBy(() -> chatModel.stream(new Prompt("hi", ChatOptions.builder().model("nope").build())).blockLast())
        .isInstanceOf(NonTransientAiException.class)
        .hasCauseInstanceOf(UnknownModelException.class);
  }

  private static Throwable catchThrowable(Runnable r) {
    try {
      r.run();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }
}
