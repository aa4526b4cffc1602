package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.FunctionDefinition;
import io.llmrouter.api.Json;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Tool;
import io.llmrouter.api.ToolCall;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.core.config.EndpointResolver;
import io.llmrouter.core.config.Env;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The provider contract (STYLE.md item 11): what every dialect of {@link OpenAiCompatibleClient} must do
 * against its provider, here played by the {@link ProviderSimulator}. One subclass per dialect supplies
 * the provider and the facts its wire format implies (which rate windows a success carries, whether a
 * minute 429 says its scope and when to retry); every test here runs against each of them.
 *
 * <p>The base URL comes from the simulator's {@code <PREFIX>_API_BASE}, resolved as the router does it
 * ({@link EndpointResolver} over the dialect's declared variables; the client reads no environment), the
 * key from the endpoint, time from a manual {@link VirtualClock} (no test waits).
 */
abstract class ProviderContractTest {
  static final Instant START = Instant.parse("2026-03-03T10:00:00Z");
  /** The contract model every dialect adds: tools, a small context window, a tiny per-minute request budget. */
  static final int CONTEXT_WINDOW = 2_048;
  static final int RPM = 3;

  VirtualClock clock;
  ProviderSimulator sim;
  OpenAiCompatibleClient client;
  String resolvedBase;

  /** The simulated provider. */
  abstract SimProvider provider();

  /** The LiteLLM prefix of the dialect, e.g. {@code groq}. */
  abstract String prefix();

  /** The contract model's id on this provider. */
  String modelId() {
    return "contract/chat-model";
  }

  /** Limits the provider enforces besides RPM, on top of the contract model (context window, tools). */
  SimModel.Builder model() {
    return SimModel.builder(provider(), modelId()).contextWindow(CONTEXT_WINDOW).maxCompletionTokens(512).rpm(RPM);
  }

  /** Asserts the rate signal of a successful answer, as the provider's headers imply. */
  abstract void assertSuccessSignal(RateSignal signal);

  /** The scope a per-minute 429 of this provider can be known to have. */
  RateScope minuteScope() {
    return RateScope.MINUTE;
  }

  /** Whether a per-minute 429 carries a retry hint (header or body). */
  boolean minuteLimitHasRetryHint() {
    return true;
  }

  /** Whether the provider enforces request limits at all (a local vLLM does not). */
  boolean enforcesLimits() {
    return true;
  }

  @BeforeEach
  void start() {
    clock = VirtualClock.at(START);
    sim = ProviderSimulator.builder().clock(clock).providers(provider()).model(model().build()).build().start();
    Map<String, String> env = sim.env();
    client = OpenAiCompatibleClient.builder().clock(clock).userAgent("llm-router-contract/1").maxConnections(8).build();
    resolvedBase = new EndpointResolver(Env.of(env)).apiBase(client.info(prefix()), null);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  Endpoint endpoint(String model) {
    // The dialect's declared <PREFIX>_API_BASE, resolved from the simulator's environment.
    return Endpoint.of(prefix() + "-contract", prefix(), model, resolvedBase, Secret.of(provider().fakeKey()));
  }

  ProviderCall call(ChatRequest request) {
    return new ProviderCall(endpoint(request.model()), request, Duration.ofSeconds(10), false);
  }

  ChatRequest.Builder ask(String text) {
    return ChatRequest.builder().model(modelId()).messages(ChatMessage.user(text)).maxTokens(32);
  }

  @Test
  void chatReturnsATypedResponseWithUsageAndTheProvidersRateSignal() {
    ProviderResponse<ChatResponse> r = client.chat(call(ask("contract says hello").build()));

    assertThat(r.status()).isEqualTo(200);
    ChatResponse c = r.value();
    assertThat(c.choices()).hasSize(1);
    assertThat(c.choices().get(0).message().role()).isEqualTo("assistant");
    assertThat(c.choices().get(0).message().text()).contains("contract says hello");
    assertThat(c.usage().promptTokens()).isPositive();
    assertThat(c.usage().completionTokens()).isPositive();
    assertThat(c.usage().totalTokens()).isEqualTo(c.usage().promptTokens() + c.usage().completionTokens());
    assertThat(r.signal().observedAt()).isEqualTo(START);
    assertSuccessSignal(r.signal());
  }

  @Test
  void streamingYieldsContentChunksThenTheUsageChunkThenEnds() {
    JsonNode includeUsage = Json.tree("{\"include_usage\":true}");
    List<ChatChunk> chunks = new ArrayList<>();
    try (ProviderStream s = client.stream(call(ask("stream this sentence please").stream(true).streamOptions(includeUsage).build()))) {
      assertThat(s.status()).isEqualTo(200);
      for (ChatChunk ch = s.next(); ch != null; ch = s.next()) {
        chunks.add(ch);
      }
      assertThat(s.next()).as("a finished stream stays finished").isNull();
    }

    String text = chunks.stream().filter(ch -> !ch.choices().isEmpty())
        .map(ch -> ch.choices().get(0).delta() == null ? null : ch.choices().get(0).delta().text())
        .filter(t -> t != null).collect(Collectors.joining());
    assertThat(text).contains("stream this sentence please");
    assertThat(chunks.stream().filter(ch -> !ch.choices().isEmpty()).map(ch -> ch.choices().get(0).finishReason()))
        .contains("stop");
    ChatChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.usage()).as("the usage chunk comes last").isNotNull();
    assertThat(last.usage().completionTokens()).isPositive();
    assertThat(last.choices()).isEmpty();
  }

  @Test
  void streamingWithoutUsageOptionHasNoUsageChunk() {
    List<ChatChunk> chunks = new ArrayList<>();
    try (ProviderStream s = client.stream(call(ask("no usage please").stream(true).build()))) {
      for (ChatChunk ch = s.next(); ch != null; ch = s.next()) {
        chunks.add(ch);
      }
    }
    assertThat(chunks).isNotEmpty().allSatisfy(ch -> assertThat(ch.usage()).isNull());
  }

  @Test
  void toolCallsParse() {
    Tool weather = Tool.builder().type("function").function(FunctionDefinition.builder().name("get_weather")
        .description("Weather for a city")
        .parameters(Json.tree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"))
        .build()).build();

    ChatResponse c = client.chat(call(ask("What is the weather in Oslo?").tools(weather).build())).value();

    List<ToolCall> calls = c.choices().get(0).message().toolCalls();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).id()).isNotBlank();
    assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
    assertThat(Json.tree(calls.get(0).function().arguments()).get("city").isTextual()).isTrue();
    assertThat(c.choices().get(0).finishReason()).isIn("tool_calls", "stop");
  }

  @Test
  void exhaustingTheMinuteWindowIsRateLimitedWithScopeAndRetryHint() {
    for (int i = 0; i < RPM; i++) {
      client.chat(call(ask("request " + i).build()));
    }
    if (!enforcesLimits()) {
      // a local server has no quota: the request past the (ignored) rpm is served like the others
      assertThat(client.chat(call(ask("one more").build())).status()).isEqualTo(200);
      return;
    }

    assertThatThrownBy(() -> client.chat(call(ask("one too many").build())))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.provider()).isEqualTo(prefix());
          assertThat(e.retriable()).isTrue();
          assertThat(e.scope()).isEqualTo(minuteScope());
          if (minuteLimitHasRetryHint()) {
            Duration hint = e.retryAfter() != null ? e.retryAfter() : Duration.between(START, e.resetAt());
            assertThat(hint).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(61));
          }
        });

    // the minute passes: the same call is served again
    clock.advance(Duration.ofSeconds(61));
    assertThat(client.chat(call(ask("after the minute").build())).status()).isEqualTo(200);
  }

  @Test
  void contextOverflowIsContextWindowExceeded() {
    String huge = "word ".repeat(CONTEXT_WINDOW * 2); // ~2.5 tokens per 10 chars -> well past the window

    assertThatThrownBy(() -> client.chat(call(ask(huge).build())))
        .isInstanceOfSatisfying(ContextWindowExceededException.class, e -> {
          assertThat(e.provider()).isEqualTo(prefix());
          assertThat(e.retriable()).isFalse();
        });
  }

  @Test
  void unknownModelIsModelNotFound() {
    assertThatThrownBy(() -> client.chat(call(ask("hi").model("no-such/model-xyz").build())))
        .isInstanceOfSatisfying(ModelNotFoundException.class, e -> {
          assertThat(e.provider()).isEqualTo(prefix());
          assertThat(e.retriable()).isFalse();
        });
  }

  @Test
  void listModelsMarksChatAndNonChatModels() {
    ProviderResponse<List<ModelListing>> r = client.listModels(endpoint(modelId()), Duration.ofSeconds(10));

    Map<String, ModelListing> byId = r.value().stream().collect(Collectors.toMap(ModelListing::id, m -> m, (a, b) -> a));
    assertThat(byId).containsKey(modelId());
    assertThat(byId.get(modelId()).chat()).isTrue();
    for (SimModel m : sim.models(provider())) {
      ModelListing l = byId.get(m.id());
      if (l == null) continue; // e.g. decommissioned models a provider no longer lists
      assertThat(l.chat()).as("chat flag of %s", m.id()).isEqualTo(m.kind() == SimModel.Kind.CHAT);
    }
    assertThat(sim.models(provider()).stream().filter(m -> m.kind() != SimModel.Kind.CHAT))
        .as("the listing holds the provider's non-chat models too").allMatch(m -> byId.containsKey(m.id()));
    assertListing(byId);
  }

  /** Dialect-specific listing facts (e.g. OpenRouter's free flag). */
  void assertListing(Map<String, ModelListing> byId) {
    assertThat(byId.values()).allSatisfy(l -> assertThat(l.free()).as("free is OpenRouter's notion").isNull());
  }
}
