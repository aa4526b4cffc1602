package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.errors.SseException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionTool;
import com.openai.models.models.Model;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Choice;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.FunctionCall;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK as the client: our bodies, streams and errors must parse as OpenAI's. */
class OpenAiSdkTest extends FacadeTestBase {
  OpenAIClient client;

  @BeforeEach
  void client() {
    client = sdk(KEY);
  }

  @AfterEach
  void closeClient() {
    client.close();
  }

  OpenAIClient sdk(String key) {
    // Retries off: each test sees exactly the facade's first answer.
    return OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey(key).maxRetries(0)
        .timeout(Duration.ofSeconds(30)).build();
  }

  static ChatCompletionCreateParams params(String model) {
    return ChatCompletionCreateParams.builder().model(model).addUserMessage("Say hello").build();
  }

  @Test
  void chatReturnsTheProviderModelThatServed() {
    ChatCompletion c = client.chat().completions().create(params("fast"));

    assertThat(c.choices().get(0).message().content()).hasValue("hello from fast");
    assertThat(c.model()).isEqualTo("provider-model");
    assertThat(c.usage().get().totalTokens()).isEqualTo(5);
    assertThat(router.requests.get(0).messages().get(0).text()).isEqualTo("Say hello");
  }

  @Test
  void streamingDeliversEveryChunkInOrder() {
    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params("fast"))) {
      String text = s.stream().map(ch -> ch.choices().get(0).delta().content().orElse("")).collect(Collectors.joining());
      assertThat(text).isEqualTo("Hello");
    }
    assertThat(router.requests.get(0).stream()).isTrue();
  }

  @Test
  void streamErrorAfterFirstChunkSurfacesAsSseException() {
    router.onStream = r -> new ScriptedStream(ScriptedRouter.route("fast", "dep-1", "pm"))
        .chunk(ScriptedRouter.chunk("pm", "Hel"))
        .fail(new ProviderUnavailableException("upstream dropped the stream",
            new ErrorContext(0, "groq", "dep-1", Map.of(), null, null)));

    try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(params("fast"))) {
      var it = s.stream().iterator();
      assertThat(it.next().choices().get(0).delta().content()).hasValue("Hel");
      assertThatThrownBy(it::next).isInstanceOf(SseException.class).hasMessageContaining("upstream dropped the stream");
    }
  }

  @Test
  void toolCallsRoundTrip() {
    router.onChat = r -> ChatResponse.builder().id("c1").object("chat.completion").created(1L).model("pm")
        .choices(Choice.builder().index(0).finishReason("tool_calls").message(ChatMessage.builder().role("assistant")
            .toolCalls(ToolCall.builder().id("call_1").type("function")
                .function(FunctionCall.builder().name("get_weather").arguments("{\"city\":\"Oslo\"}").build()).build())
            .build()).build())
        .route(ScriptedRouter.route("fast", "dep-1", "pm")).build();
    ChatCompletionCreateParams p = ChatCompletionCreateParams.builder().model("fast").addUserMessage("Weather in Oslo?")
        .addTool(ChatCompletionTool.builder().function(FunctionDefinition.builder().name("get_weather")
            .parameters(FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("city", Map.of("type", "string"))))
                .build()).build()).build())
        .build();

    ChatCompletion c = client.chat().completions().create(p);

    List<ChatCompletionMessageToolCall> calls = c.choices().get(0).message().toolCalls().orElseThrow();
    assertThat(calls.get(0).id()).isEqualTo("call_1");
    assertThat(calls.get(0).function().name()).isEqualTo("get_weather");
    assertThat(calls.get(0).function().arguments()).isEqualTo("{\"city\":\"Oslo\"}");
    assertThat(router.requests.get(0).tools().get(0).function().name()).isEqualTo("get_weather");
    assertThat(router.requests.get(0).tools().get(0).function().parameters().at("/properties/city/type").asText()).isEqualTo("string");
  }

  @Test
  void modelListingNamesGroupsWithAvailability() {
    List<Model> models = client.models().list().data();

    assertThat(models).extracting(Model::id).containsExactly("fast", "smart");
    assertThat(models.get(0)._additionalProperties().get("context_window")).isEqualTo(JsonValue.from(131072));
    assertThat(models.get(0)._additionalProperties().get("available_now")).isEqualTo(JsonValue.from(true));
    assertThat(models.get(1)._additionalProperties().get("available_now")).isEqualTo(JsonValue.from(false));
    assertThat(models.get(1)._additionalProperties().get("cooling_until")).isEqualTo(JsonValue.from("2026-01-01T00:01:00Z"));
  }

  @Test
  void wrongKeyIsUnauthorized() {
    OpenAIClient bad = sdk("sk-wrong");
    try {
      assertThatThrownBy(() -> bad.chat().completions().create(params("fast")))
          .isInstanceOfSatisfying(UnauthorizedException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(401);
            assertThat(e.code()).hasValue("invalid_api_key");
          });
    } finally {
      bad.close();
    }
    assertThat(router.requests).isEmpty();
  }

  @Test
  void exhaustedChainIsRateLimitWithRetryAfter() {
    router.onChat = r -> {
      throw new NoDeploymentAvailableException("fast", List.of(new NoDeploymentAvailableException.Reason(
          "fast", "dep-1", NoDeploymentAvailableException.Kind.COOLING, NOW.plusSeconds(42), null)),
          NOW.plusSeconds(42), null, null);
    };

    assertThatThrownBy(() -> client.chat().completions().create(params("fast")))
        .isInstanceOfSatisfying(RateLimitException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(429);
          assertThat(e.headers().values("retry-after")).containsExactly("42");
          assertThat(e.type()).hasValue("rate_limit_error");
        });
  }

  @Test
  void unknownModelIsBadRequestListingKnownOnes() {
    assertThatThrownBy(() -> client.chat().completions().create(params("nope")))
        .isInstanceOfSatisfying(BadRequestException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.param()).hasValue("model");
          assertThat(e.getMessage()).contains("fast, smart");
        });
  }

  @Test
  void providerFailureIsServerError() {
    router.onChat = r -> {
      throw new ProviderUnavailableException("groq answered 500", new ErrorContext(500, "groq", "dep-1", Map.of(), null, null));
    };

    assertThatThrownBy(() -> client.chat().completions().create(params("fast")))
        .isInstanceOfSatisfying(InternalServerException.class, e -> assertThat(e.statusCode()).isEqualTo(502));
  }
}
