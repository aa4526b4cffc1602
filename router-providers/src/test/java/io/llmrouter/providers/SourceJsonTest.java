package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Json;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.Secret;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A completion read without any coercion carries its exact bytes ({@link ChatResponse#sourceJson()}), which the
 * facade sends instead of writing the value again; one that needed a coercion, or has anything after the
 * object, does not; a malformed body is still a typed error.
 */
class SourceJsonTest {
  private MockWebServer server;
  private OpenAiCompatibleClient client;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
    client = OpenAiCompatibleClient.builder().clock(Clock.systemUTC()).build();
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    server.shutdown();
  }

  private ChatResponse answer(String body) {
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(body));
    return answerQueued();
  }

  private ChatResponse answerQueued() {
    Endpoint e = Endpoint.of("d1", "hosted_vllm", "m", server.url("/v1").toString(), Secret.of("none"));
    ChatRequest r = ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).build();
    return client.chat(new ProviderCall(e, r, Duration.ofSeconds(5), false)).value();
  }

  private static String text(ByteBuffer b) {
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void anExactCompletionKeepsItsBytesAsTheyCame() {
    // Spacing, field order, escapes and number forms the writer would change, and extras it keeps.
    String body = "  {\"model\":\"m\", \"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1700000000,\n"
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"h\\u00e9llo \\/\"},"
        + "\"finish_reason\":\"stop\",\"logprobs\":{\"p\":-1.20e-5}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
        + "\"total_tokens\":7,\"queue_time\":0.010},\"x_groq\":{\"id\":\"req_1\"},\"usage_breakdown\":null}\n";
    ChatResponse r = answer(body);
    assertThat(r.sourceJson()).isNotNull();
    assertThat(text(r.sourceJson())).isEqualTo(body);
    assertThat(r.sourceJson().isReadOnly()).isTrue();
    // The same JSON value as the one the facade wrote before: the parsed value is complete.
    JsonNode written = Json.mapper().valueToTree(r);
    JsonNode before = Json.mapper().valueToTree(Json.read(body, ChatResponse.class));
    assertThat(written).isEqualTo(before);
    assertThat(written.path("usage").path("total_tokens").asInt()).isEqualTo(7);
    assertThat(r.usage().totalTokens()).isEqualTo(7);
    assertThat(r.text()).isEqualTo("héllo /");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // a number as text, text as a number, a float as an integer, a boolean as text
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":\"3\"}}",
      "{\"id\":7,\"model\":\"m\",\"choices\":[]}",
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":3.0}}",
      "{\"id\":\"c1\",\"model\":true,\"choices\":[]}",
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":\"0\",\"finish_reason\":\"stop\"}]}",
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"created\":\"5\"}",
      // something after the object (the lenient reader ignores it; passing it on would send it)
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[]} trailing",
      "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[]}{\"id\":\"c2\"}",
  })
  void aCompletionThatNeededACoercionIsWrittenFromTheValue(String body) {
    ChatResponse r = answer(body);
    assertThat(r.sourceJson()).isNull();
    assertThat(r.choices()).isNotNull();
  }

  @Test
  void aBodyInUtf16OrWithAByteOrderMarkIsWrittenFromTheValue() {
    String json = "{\"id\":\"c1\",\"model\":\"m\",\"choices\":[]}";
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json")
        .setBody(new Buffer().write(json.getBytes(StandardCharsets.UTF_16LE))));
    assertThat(answerQueued().sourceJson()).isNull();
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json")
        .setBody(new Buffer().write(bom).write(json.getBytes(StandardCharsets.UTF_8))));
    ChatResponse r = answerQueued();
    assertThat(r.id()).isEqualTo("c1");
    assertThat(r.sourceJson()).isNull();
  }

  @Test
  void plainUtf8ObjectLooksAtTheFirstBytesOnly() {
    assertThat(OpenAiCompatibleClient.plainUtf8Object("{}".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(OpenAiCompatibleClient.plainUtf8Object(" \r\n\t{".getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(OpenAiCompatibleClient.plainUtf8Object("[{}]".getBytes(StandardCharsets.UTF_8))).isFalse();
    assertThat(OpenAiCompatibleClient.plainUtf8Object(new byte[0])).isFalse();
    assertThat(OpenAiCompatibleClient.plainUtf8Object("{}".getBytes(StandardCharsets.UTF_16BE))).isFalse();
    assertThat(OpenAiCompatibleClient.plainUtf8Object("{}".getBytes(StandardCharsets.UTF_16LE))).isFalse();
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aMalformedBodyIsStillATypedErrorNeverAHang() {
    for (String body : new String[] {"{\"id\":\"c1\",\"choices\":[", "{\"id\":\"c1\",\"model\":\"m\"}", "{not json", "{\"id\":\"c1\",\"choices\":[null]}"}) {
      server.enqueue(new MockResponse().setHeader("Content-Type", "application/json").setBody(body));
      assertThatThrownBy(this::answerQueued).as(body).isInstanceOf(MalformedResponseException.class);
    }
  }

  @Test
  void anErrorBodyWithA200IsStillClassified() {
    server.enqueue(new MockResponse().setHeader("Content-Type", "application/json")
        .setBody("{\"error\":{\"message\":\"overloaded\",\"code\":503}}"));
    assertThatThrownBy(this::answerQueued).isInstanceOf(io.llmrouter.api.ProviderException.class);
  }
}
