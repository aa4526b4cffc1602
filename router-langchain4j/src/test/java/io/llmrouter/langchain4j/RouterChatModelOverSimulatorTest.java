package io.llmrouter.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import io.llmrouter.api.Json;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.ForwardingProviderClient;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RouterChatModel} over a router over the provider simulator: no network beyond loopback, virtual time. */
class RouterChatModelOverSimulatorTest {
  static final String SMART = "llama-3.3-70b-versatile";
  static final String FAST = "llama-3.1-8b-instant";
  static final String SCOUT = "meta-llama/llama-4-scout-17b-16e-instruct";
  static final String CODER = "qwen/qwen3-coder:free";

  ProviderSimulator sim;
  Router router;
  ChatModel model;
  /** Every request the router sent a provider, as the provider client received it. */
  final List<ProviderCall> sent = new CopyOnWriteArrayList<>();

  static RouterConfig config() {
    return RouterConfig.builder()
        .deployment(DeploymentBuilder.of("smart", "groq/" + SMART).apiKeyEnv("GROQ_API_KEY"))
        .deployment(DeploymentBuilder.of("fast", "groq/" + FAST).apiKeyEnv("GROQ_API_KEY"))
        .deployment(DeploymentBuilder.of("free", "openrouter/" + CODER).apiKeyEnv("OPENROUTER_API_KEY"))
        .deployment(DeploymentBuilder.of("nim", "nvidia_nim/meta/llama-3.3-70b-instruct").apiKeyEnv("NVIDIA_NIM_API_KEY"))
        .deployment(DeploymentBuilder.of("gemini", "gemini/gemini-2.5-flash").apiKeyEnv("GEMINI_API_KEY"))
        .deployment(DeploymentBuilder.of("slow", "groq/" + SCOUT).apiKeyEnv("GROQ_API_KEY")
            .timeout(Duration.ofMillis(300)))
        .fallbacks("smart", "fast")
        .build();
  }

  @BeforeEach
  void start() {
    VirtualClock clock = VirtualClock.manual();
    sim = ProviderSimulator.builder().clock(clock).seed(11).build().start();
    ProviderClient recording = new ForwardingProviderClient(OpenAiCompatibleClient.create(clock)) {
      @Override
      public ProviderResponse<io.llmrouter.api.ChatResponse> chat(ProviderCall call) {
        sent.add(call);
        return super.chat(call);
      }

      @Override
      public ProviderStream stream(ProviderCall call) {
        sent.add(call);
        return super.stream(call);
      }
    };
    router = LlmRouter.builder(config()).env(Env.of(sim.env())).clock(clock).sleeper(clock::sleep)
        .providerClient(recording).build();
    model = RouterChatModel.builder().router(router).modelName("smart").build();
  }

  @AfterEach
  void stop() {
    router.close();
    sim.close();
  }

  static ToolSpecification weatherTool() {
    return ToolSpecification.builder().name("get_weather").description("Weather for a city")
        .parameters(JsonObjectSchema.builder().addStringProperty("city").addIntegerProperty("days").required("city").build())
        .build();
  }

  @Test
  void chatMapsTextUsageFinishReasonAndWhoServed() {
    ChatResponse r = model.chat(ChatRequest.builder()
        .messages(SystemMessage.from("Be brief."), UserMessage.from("Say hello in five words."))
        .maxOutputTokens(32).temperature(0.2).build());

    assertThat(r.aiMessage().text()).isNotBlank();
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.tokenUsage().inputTokenCount()).isPositive();
    assertThat(r.tokenUsage().outputTokenCount()).isPositive();
    assertThat(r.tokenUsage().totalTokenCount())
        .isEqualTo(r.tokenUsage().inputTokenCount() + r.tokenUsage().outputTokenCount());
    assertThat(r.modelName()).isEqualTo(SMART);
    RouterChatResponseMetadata meta = (RouterChatResponseMetadata) r.metadata();
    assertThat(meta.servedModelGroup()).isEqualTo("smart");
    assertThat(meta.provider()).isEqualTo("groq");
    assertThat(meta.route().callCount()).isEqualTo(1);

    JsonNode body = wire(0);
    assertThat(body.at("/messages/0/role").asText()).isEqualTo("system");
    assertThat(body.at("/messages/1/content").asText()).isEqualTo("Say hello in five words.");
    assertThat(body.get("max_tokens").asInt()).isEqualTo(32);
  }

  @Test
  void aRequestModelNameOverridesTheDefaultGroup() {
    ChatResponse r = model.chat(ChatRequest.builder().modelName("fast").messages(UserMessage.from("hi")).build());
    assertThat(r.modelName()).isEqualTo(FAST);
    assertThat(((RouterChatResponseMetadata) r.metadata()).route().requestedModel()).isEqualTo("fast");
  }

  @Test
  void toolSpecificationsGiveToolCallsAndToolResultsGiveTheAnswer() throws Exception {
    UserMessage question = UserMessage.from("What is the weather in Paris?");
    ChatResponse first = model.chat(ChatRequest.builder().messages(question).toolSpecifications(weatherTool()).build());

    assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
    assertThat(first.aiMessage().toolExecutionRequests()).hasSize(1);
    ToolExecutionRequest call = first.aiMessage().toolExecutionRequests().get(0);
    assertThat(call.name()).isEqualTo("get_weather");
    assertThat(call.id()).isNotBlank();
    assertThat(Json.tree(call.arguments()).get("city").asText()).isEqualTo("What is the weather in Paris?");
    JsonNode sent = wire(0);
    assertThat(sent.at("/tools/0/function/parameters/properties/days/type").asText()).isEqualTo("integer");
    assertThat(sent.at("/tools/0/function/parameters/required/0").asText()).isEqualTo("city");

    ChatResponse answer = model.chat(ChatRequest.builder()
        .messages(question, first.aiMessage(), ToolExecutionResultMessage.from(call, "sunny, 24 C"))
        .toolSpecifications(weatherTool()).build());
    assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(answer.aiMessage().text()).isNotBlank();
    JsonNode followUp = wire(1);
    assertThat(followUp.at("/messages/1/tool_calls/0/id").asText()).isEqualTo(call.id());
    assertThat(followUp.at("/messages/2/role").asText()).isEqualTo("tool");
    assertThat(followUp.at("/messages/2/tool_call_id").asText()).isEqualTo(call.id());
    assertThat(followUp.at("/messages/2/content").asText()).isEqualTo("sunny, 24 C");
  }

  @Test
  void responseFormatReachesTheProvider() {
    model.chat(ChatRequest.builder().messages(UserMessage.from("Give me JSON")).responseFormat(ResponseFormat.JSON).build());
    JsonNode sent = wire(0);
    assertThat(sent.at("/response_format/type").asText()).isEqualTo("json_object");
  }

  interface Assistant {
    String chat(String message);
  }

  static final class WeatherTools {
    final AtomicInteger calls = new AtomicInteger();

    @Tool("Current weather for a city")
    String getWeather(String city) {
      calls.incrementAndGet();
      return "sunny in " + city;
    }
  }

  @Test
  void anAiServicesAgentRunsItsToolThroughAFallback() {
    sim.takeDown(SimProvider.GROQ, SMART); // every call to the requested group fails with a 503
    List<RouterChatResponseMetadata> served = new CopyOnWriteArrayList<>();
    ChatModelListener recorder = new ChatModelListener() {
      @Override
      public void onResponse(ChatModelResponseContext ctx) {
        served.add((RouterChatResponseMetadata) ctx.chatResponse().metadata());
      }
    };
    ChatModel agentModel = RouterChatModel.builder().router(router).modelName("smart").listeners(List.of(recorder)).build();
    WeatherTools tools = new WeatherTools();
    Assistant assistant = AiServices.builder(Assistant.class).chatModel(agentModel).tools(tools).build();

    String answer = assistant.chat("What is the weather in Paris?");

    assertThat(answer).isNotBlank();
    assertThat(tools.calls.get()).isEqualTo(1);
    assertThat(served).hasSize(2); // the tool call, then the answer to its result
    assertThat(served).allSatisfy(m -> {
      assertThat(m.route().requestedModel()).isEqualTo("smart");
      assertThat(m.servedModelGroup()).isEqualTo("fast");
      assertThat(m.route().fallbacks()).contains("fast");
      assertThat(m.modelName()).isEqualTo(FAST);
    });
    assertThat(sim.stats(SimProvider.GROQ, FAST).served()).isEqualTo(2);
    assertThat(sim.stats(SimProvider.GROQ, SMART).served()).isZero();
  }

  @Test
  void rateLimitIsLangChain4jsRateLimitExceptionWithTheRouterErrorAsCause() {
    sim.failNext(SimProvider.OPENROUTER, CODER, Fault.upstreamRateLimit(), 50); // 429 on every attempt
    ChatModel free = RouterChatModel.builder().router(router).modelName("free").build();
    assertThatThrownBy(() -> free.chat("hello"))
        .isInstanceOf(RateLimitException.class)
        .hasCauseInstanceOf(NoDeploymentAvailableException.class);
  }

  @Test
  void rejectedUpstreamKeyIsAnAuthenticationException() {
    sim.openRouterKeyRevoked(true);
    ChatModel free = RouterChatModel.builder().router(router).modelName("free").build();
    Throwable t = catchThrowable(() -> free.chat("hello"));
    assertThat(t).isInstanceOf(AuthenticationException.class);
    assertThat(t.getCause()).isInstanceOf(LlmRouterException.class);
    assertThat(t.getMessage()).doesNotContain(sim.env().get("OPENROUTER_API_KEY"));
  }

  @Test
  void tooLongARequestIsAnInvalidRequestAndAnUnknownGroupAModelNotFound() {
    assertThatThrownBy(() -> model.chat(ChatRequest.builder().messages(UserMessage.from("hi")).maxOutputTokens(500_000).build()))
        .isInstanceOf(InvalidRequestException.class)
        .hasCauseInstanceOf(LlmRouterException.class);
    assertThatThrownBy(() -> model.chat(ChatRequest.builder().modelName("nope").messages(UserMessage.from("hi")).build()))
        .isInstanceOf(ModelNotFoundException.class)
        .hasCauseInstanceOf(io.llmrouter.api.UnknownModelException.class)
        .hasMessageContaining("nope");
  }

  @Test
  void aStalledProviderPastTheTimeoutIsATimeoutException() {
    sim.failNext(SimProvider.GROQ, SCOUT, Fault.stall(Duration.ofSeconds(3)), 10);
    ChatModel slow = RouterChatModel.builder().router(router).modelName("slow").build();
    assertThatThrownBy(() -> slow.chat("hello"))
        .isInstanceOf(TimeoutException.class)
        .hasCauseInstanceOf(LlmRouterException.class);
  }

  /** The {@code i}th request sent to a provider, as JSON. */
  JsonNode wire(int i) {
    return Json.mapper().valueToTree(sent.get(i).request());
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
