package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.RateLimitException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.models.Model;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.config.Env;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.cli.RouterLoader;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5 end to end: the official OpenAI Java SDK talks to the facade, which runs the real router built
 * from a YAML file by the production loader, which calls the simulated Groq, OpenRouter and NVIDIA NIM
 * through the real provider client. Nothing is scripted: every answer and every error comes from the
 * simulator's wire format, through every layer.
 */
class FacadeOverSimulatorTest {
  static final String MASTER = "sk-e2e-master-key";

  /** Two groups chained by a fallback, a rate-limit pair, a tool-less free model; keys by os.environ/. */
  static final String CONFIG = """
      model_list:
        - model_name: primary
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
        - model_name: secondary
          litellm_params:
            model: nvidia_nim/meta/llama-3.3-70b-instruct
            api_key: os.environ/NVIDIA_NIM_API_KEY
        - model_name: free
          litellm_params:
            model: openrouter/meta-llama/llama-3.3-70b-instruct:free
            api_key: os.environ/OPENROUTER_API_KEY
        - model_name: tiny
          litellm_params:
            model: groq/e2e/tiny
            api_key: os.environ/GROQ_API_KEY
        - model_name: tiny-backup
          litellm_params:
            model: openrouter/e2e/tiny:free
            api_key: os.environ/OPENROUTER_API_KEY
      router_settings:
        num_retries: 0
        fallbacks:
          - {"primary": ["secondary"]}
          - {"tiny": ["tiny-backup"]}
      general_settings:
        master_key: os.environ/LLM_ROUTER_MASTER_KEY
      """;

  @TempDir Path dir;
  ProviderSimulator sim;
  Router router;
  FacadeServer server;
  OpenAIClient sdk;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    // Real time: the router's clock is the system clock, and the simulator must count the same seconds.
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).seed(5)
        .providers(SimProvider.GROQ, SimProvider.OPENROUTER, SimProvider.NVIDIA_NIM)
        .model(SimModel.builder(SimProvider.GROQ, "e2e/tiny").rpm(2).rpd(1_000).tpm(60_000).build())
        .model(SimModel.builder(SimProvider.OPENROUTER, "e2e/tiny:free").rpm(1).build())
        .build().start();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, CONFIG);
    Map<String, String> env = new HashMap<>(sim.env());
    env.put("LLM_ROUTER_MASTER_KEY", MASTER);
    RouterLoader.Loaded loaded = new ConfigRouterLoader(Env.of(env)).load(config, null);
    router = loaded.router();
    assertThat(loaded.masterKey().reveal()).isEqualTo(MASTER);
    server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).masterKey(loaded.masterKey())
        .shutdownGrace(Duration.ofMillis(200)).build());
    server.start();
    sdk = sdk(MASTER);
  }

  @AfterEach
  void stop() {
    sdk.close();
    server.stop();
    router.close();
    sim.close();
  }

  OpenAIClient sdk(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey(key).maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
  }

  static ChatCompletionCreateParams ask(String group, String text) {
    return ChatCompletionCreateParams.builder().model(group).addUserMessage(text).build();
  }

  HttpResponse<String> rawChat(String body) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(20)).header("authorization", "Bearer " + MASTER).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  List<SimEvent> events(SimProvider p) {
    return sim.events().stream().filter(e -> e.provider() == p).toList();
  }

  @Test
  void chatAnswersWithTheProviderModelThatServed() {
    ChatCompletion c = sdk.chat().completions().create(ask("primary", "hello from the sdk"));

    assertThat(c.model()).isEqualTo("llama-3.1-8b-instant");
    assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).contains("hello from the sdk"));
    assertThat(c.usage().orElseThrow().totalTokens()).isPositive();
    assertThat(events(SimProvider.GROQ)).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SERVED))
        .satisfies(e -> assertThat(e.model()).isEqualTo("llama-3.1-8b-instant"));
  }

  @Test
  void streamingDeliversTheWholeAnswerAndTheUsageChunk() {
    ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("free")
        .addUserMessage("count one two three four five")
        .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(p)) {
      chunks = s.stream().toList();
    }

    String text = chunks.stream().filter(ch -> !ch.choices().isEmpty())
        .map(ch -> ch.choices().get(0).delta().content().orElse("")).collect(Collectors.joining());
    assertThat(text).contains("count one two three four five");
    assertThat(chunks).allSatisfy(ch -> assertThat(ch.model()).isEqualTo("meta-llama/llama-3.3-70b-instruct:free"));
    assertThat(chunks.get(chunks.size() - 1).usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isPositive());
    assertThat(events(SimProvider.OPENROUTER)).singleElement().satisfies(e -> assertThat(e.stream()).isTrue());
  }

  @Test
  void toolCallsComeBackTyped() {
    ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("primary")
        .addUserMessage("What is the weather in Oslo?")
        .addTool(ChatCompletionTool.builder().function(FunctionDefinition.builder().name("get_weather")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("city")))
                .build()).build()).build())
        .build();

    ChatCompletion c = sdk.chat().completions().create(p);

    List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
    assertThat(calls.get(0).function().arguments()).contains("\"city\"");
    assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
    assertThat(events(SimProvider.GROQ)).singleElement().satisfies(e -> assertThat(e.tools()).isTrue());
  }

  @Test
  void modelListingNamesTheConfigsGroups() {
    List<Model> models = sdk.models().list().data();

    assertThat(models).extracting(Model::id).containsExactlyInAnyOrder("primary", "secondary", "free", "tiny", "tiny-backup");
    assertThat(sim.requestCount()).as("listing is the router's own knowledge, no provider call").isZero();
  }

  @Test
  void wrongKeyIsUnauthorizedAndReachesNoProvider() {
    OpenAIClient bad = sdk("sk-wrong");
    try {
      assertThatThrownBy(() -> bad.chat().completions().create(ask("primary", "hi")))
          .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
    } finally {
      bad.close();
    }
    assertThat(sim.requestCount()).isZero();
  }

  @Test
  void unknownModelIsBadRequestListingTheKnownGroups() {
    assertThatThrownBy(() -> sdk.chat().completions().create(ask("gpt-5", "hi")))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.getMessage()).contains("primary", "tiny-backup");
        });
    assertThat(sim.requestCount()).isZero();
  }

  @Test
  void aChainExhaustedOnTheSimulatorIsRateLimitWithASensibleRetryAfter() {
    // tiny: 2 RPM on Groq; tiny-backup: 1 RPM on OpenRouter. Four requests use up both, the fifth finds nothing.
    int served = 0;
    RateLimitException limited = null;
    for (int i = 0; i < 6 && limited == null; i++) {
      try {
        sdk.chat().completions().create(ask("tiny", "request " + i));
        served++;
      } catch (RateLimitException e) {
        limited = e;
      }
    }

    assertThat(served).as("2 on Groq + 1 on the OpenRouter fallback").isEqualTo(3);
    assertThat(limited).isNotNull();
    assertThat(limited.statusCode()).isEqualTo(429);
    String retryAfter = limited.headers().values("retry-after").get(0);
    assertThat(Integer.parseInt(retryAfter)).as("seconds until the earliest window reopens").isBetween(1, 61);
    // both providers really refused: the router learnt it from the wire, not from the config
    assertThat(events(SimProvider.GROQ)).filteredOn(e -> e.outcome() == Outcome.RATE_LIMITED).isNotEmpty();
    assertThat(events(SimProvider.OPENROUTER)).filteredOn(e -> e.outcome() == Outcome.RATE_LIMITED).isNotEmpty();
  }

  @Test
  void routerHeadersAndGroqRateHeadersPassThroughOnJson() throws Exception {
    HttpResponse<String> r = rawChat("{\"model\":\"primary\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("primary");
    assertThat(r.headers().firstValue("x-llm-router-deployment")).isPresent();
    assertThat(r.headers().firstValue("x-llm-router-attempts")).hasValue("1");
    assertThat(r.headers().firstValue("x-llm-router-fallbacks")).isEmpty();
    assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("14400");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("14399");
    assertThat(r.headers().firstValue("x-ratelimit-limit-tokens")).hasValue("6000");
    assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).isPresent();
    assertThat(r.body()).contains("\"model\":\"llama-3.1-8b-instant\"");
  }

  @Test
  void routerHeadersAndGroqRateHeadersComeBeforeTheFirstByteOfAStream() throws Exception {
    HttpResponse<String> r = rawChat("{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("primary");
    assertThat(r.headers().firstValue("x-ratelimit-limit-requests")).hasValue("14400");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).isPresent();
    assertThat(r.body()).contains("\"model\":\"llama-3.1-8b-instant\"").endsWith("data: [DONE]\n\n");
  }

  @Test
  void aFallbackBeforeTheFirstTokenIsInvisibleToAStreamingClient() throws Exception {
    sim.failNext(SimProvider.GROQ, "llama-3.1-8b-instant", Fault.serverError(503), 1);

    String text;
    List<ChatCompletionChunk> chunks;
    try (StreamResponse<ChatCompletionChunk> s = sdk.chat().completions().createStreaming(ask("primary", "survive the fault"))) {
      chunks = s.stream().toList();
    }
    text = chunks.stream().filter(ch -> !ch.choices().isEmpty())
        .map(ch -> ch.choices().get(0).delta().content().orElse("")).collect(Collectors.joining());

    assertThat(text).contains("survive the fault");
    assertThat(chunks).allSatisfy(ch -> assertThat(ch.model()).isEqualTo("meta/llama-3.3-70b-instruct"));
    assertThat(events(SimProvider.GROQ)).singleElement().satisfies(e -> assertThat(e.status()).isEqualTo(503));
    assertThat(events(SimProvider.NVIDIA_NIM)).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SERVED));

    // the same through raw HTTP: one clean 200 whose headers name the fallback taken
    sim.failNext(SimProvider.GROQ, "llama-3.1-8b-instant", Fault.serverError(503), 1);
    HttpResponse<String> r = rawChat("{\"model\":\"primary\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"again\"}]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("secondary");
    assertThat(r.headers().firstValue("x-llm-router-fallbacks")).hasValue("secondary");
    assertThat(r.headers().firstValue("x-llm-router-attempts")).hasValue("2");
    assertThat(r.body()).doesNotContain("error").endsWith("data: [DONE]\n\n");
  }
}
