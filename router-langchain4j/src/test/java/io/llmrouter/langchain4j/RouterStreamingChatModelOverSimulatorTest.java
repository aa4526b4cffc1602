package io.llmrouter.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.ModelNotFoundException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.TokenStream;
import io.llmrouter.api.Json;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link RouterStreamingChatModel} over a router over the provider simulator. */
class RouterStreamingChatModelOverSimulatorTest {
  ProviderSimulator sim;
  Router router;

  @BeforeEach
  void start() {
    VirtualClock clock = VirtualClock.manual();
    sim = ProviderSimulator.builder().clock(clock).seed(11).build().start();
    router = LlmRouter.builder(RouterChatModelOverSimulatorTest.config()).env(Env.of(sim.env()))
        .clock(clock).sleeper(clock::sleep).build();
  }

  @AfterEach
  void stop() {
    router.close();
    sim.close();
  }

  /** Records every callback; {@link #done} completes with the response or fails with the error. */
  static final class Recorder implements StreamingChatResponseHandler {
    final List<String> partials = new CopyOnWriteArrayList<>();
    final List<PartialToolCall> partialCalls = new CopyOnWriteArrayList<>();
    final List<CompleteToolCall> completeCalls = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    @Override
    public void onPartialResponse(String partialResponse) {
      partials.add(partialResponse);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      partialCalls.add(partialToolCall);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      completeCalls.add(completeToolCall);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      done.complete(completeResponse);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }

    ChatResponse response() throws Exception {
      return done.get(30, TimeUnit.SECONDS);
    }

    Throwable error() throws Exception {
      try {
        done.get(30, TimeUnit.SECONDS);
        throw new AssertionError("expected the stream to fail");
      } catch (ExecutionException e) {
        return e.getCause();
      }
    }
  }

  private StreamingChatModel model(String group) {
    return RouterStreamingChatModel.builder().router(router).modelName(group).build();
  }

  @Test
  void streamedTextArrivesInPiecesAndAssemblesWithUsageAndRoute() throws Exception {
    String prompt = "Explain rolling windows in two sentences, please, with an example about a rate limiter.";
    Recorder rec = new Recorder();
    model("fast").chat(prompt, rec);
    ChatResponse r = rec.response();

    assertThat(rec.partials).hasSizeGreaterThan(1);
    assertThat(String.join("", rec.partials)).isEqualTo(r.aiMessage().text());
    ChatModel blocking = RouterChatModel.builder().router(router).modelName("fast").build();
    assertThat(r.aiMessage().text()).isEqualTo(blocking.chat(prompt)); // the simulator answers a prompt alike
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.tokenUsage().inputTokenCount()).isPositive();
    assertThat(r.tokenUsage().outputTokenCount()).isPositive();
    assertThat(r.modelName()).isEqualTo(RouterChatModelOverSimulatorTest.FAST);
    RouterChatResponseMetadata meta = (RouterChatResponseMetadata) r.metadata();
    assertThat(meta.servedModelGroup()).isEqualTo("fast");
    assertThat(meta.deploymentId()).isNotBlank();
  }

  @Test
  void streamedToolCallDeltasAssembleIntoOneCall() throws Exception {
    Recorder rec = new Recorder();
    model("nim").chat(ChatRequest.builder().messages(UserMessage.from("What is the weather in Paris?"))
        .toolSpecifications(RouterChatModelOverSimulatorTest.weatherTool()).build(), rec);
    ChatResponse r = rec.response();

    assertThat(rec.partialCalls).hasSizeGreaterThan(1); // the arguments came in several deltas
    assertThat(rec.partialCalls).allSatisfy(p -> {
      assertThat(p.index()).isZero();
      assertThat(p.name()).isEqualTo("get_weather");
    });
    assertThat(rec.completeCalls).hasSize(1);
    ToolExecutionRequest call = r.aiMessage().toolExecutionRequests().get(0);
    assertThat(rec.completeCalls.get(0).toolExecutionRequest()).isEqualTo(call);
    assertThat(call.id()).isNotBlank();
    assertThat(Json.tree(call.arguments()).get("city").asText()).isEqualTo("What is the weather in Paris?");
    assertThat(String.join("", rec.partialCalls.stream().map(PartialToolCall::partialArguments).toList()))
        .isEqualTo(call.arguments());
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
  }

  @Test
  void geminiToolCallsWithoutAnIndexStillAssemble() throws Exception {
    Recorder rec = new Recorder();
    model("gemini").chat(ChatRequest.builder().messages(UserMessage.from("What is the weather in Paris?"))
        .toolSpecifications(RouterChatModelOverSimulatorTest.weatherTool()).build(), rec);
    ChatResponse r = rec.response();
    assertThat(r.aiMessage().toolExecutionRequests()).hasSize(1);
    assertThat(r.aiMessage().toolExecutionRequests().get(0).name()).isEqualTo("get_weather");
    assertThat(Json.tree(r.aiMessage().toolExecutionRequests().get(0).arguments()).get("city").asText())
        .isEqualTo("What is the weather in Paris?");
    assertThat(rec.completeCalls).hasSize(1);
  }

  @Test
  void anErrorAfterTheFirstChunkEndsTheStreamWithoutAFallback() throws Exception {
    sim.failNext(SimProvider.GROQ, RouterChatModelOverSimulatorTest.SMART, Fault.midStreamError(), 1);
    Recorder rec = new Recorder();
    model("smart").chat("Explain rolling windows in two sentences, please, with an example about a rate limiter.", rec);
    Throwable t = rec.error();

    assertThat(rec.partials).isNotEmpty(); // content had reached the handler: no retry, no fallback
    assertThat(t).isInstanceOf(LangChain4jException.class);
    assertThat(t.getCause()).isInstanceOf(LlmRouterException.class);
    assertThat(sim.stats(SimProvider.GROQ, RouterChatModelOverSimulatorTest.FAST).served()).isZero();
  }

  interface StreamingAssistant {
    TokenStream chat(String message);
  }

  @Test
  void aStreamingAiServicesAgentRunsItsToolThroughAFallback() throws Exception {
    sim.takeDown(SimProvider.GROQ, RouterChatModelOverSimulatorTest.SMART);
    RouterChatModelOverSimulatorTest.WeatherTools tools = new RouterChatModelOverSimulatorTest.WeatherTools();
    StreamingAssistant assistant = AiServices.builder(StreamingAssistant.class)
        .streamingChatModel(model("smart")).tools(tools).build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    List<String> executed = new CopyOnWriteArrayList<>();
    assistant.chat("What is the weather in Paris?")
        .onPartialResponse(p -> { })
        .onToolExecuted(e -> executed.add(e.request().name() + " -> " + e.result()))
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    ChatResponse r = done.get(30, TimeUnit.SECONDS);

    assertThat(executed).containsExactly("getWeather -> sunny in What is the weather in Paris?");
    assertThat(r.aiMessage().text()).isNotBlank();
    RouterChatResponseMetadata meta = (RouterChatResponseMetadata) r.metadata();
    assertThat(meta.servedModelGroup()).isEqualTo("fast");
    assertThat(meta.route().fallbacks()).contains("fast");
    assertThat(sim.stats(SimProvider.GROQ, RouterChatModelOverSimulatorTest.FAST).served()).isEqualTo(2);
  }

  @Test
  void streamErrorsReachOnErrorMappedWithTheRouterErrorAsCause() throws Exception {
    sim.openRouterKeyRevoked(true);
    Recorder rec = new Recorder();
    model("free").chat("hello", rec);
    Throwable t = rec.error();
    assertThat(t).isInstanceOf(AuthenticationException.class);
    assertThat(t.getCause()).isInstanceOf(LlmRouterException.class);

    Recorder unknown = new Recorder();
    model("nope").chat("hello", unknown);
    assertThat(unknown.error()).isInstanceOf(ModelNotFoundException.class);
    assertThat(sim.requestCount()).isPositive();
    assertThat(sim.stats(SimProvider.OPENROUTER, RouterChatModelOverSimulatorTest.CODER).served()).isZero();
  }
}
