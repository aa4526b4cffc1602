package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.Embedding;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.Json;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.Secret;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST /embeddings} over MockWebServer: the wire body per dialect, normalisation, and typed failures. */
class EmbeddingsClientTest {
  private static final Instant NOW = Instant.parse("2026-09-08T12:00:00Z");
  private static final String KEY = "nvapi-secret-test-key-123";

  private MockWebServer server;
  private OpenAiCompatibleClient client;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
    client = OpenAiCompatibleClient.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    server.shutdown();
  }

  private Endpoint endpoint(String provider, String model) {
    return Endpoint.of("d-" + provider, provider, model, server.url("/v1").toString(), Secret.of(KEY));
  }

  private ProviderResponse<EmbeddingResponse> embed(String provider, EmbeddingRequest r, boolean drop) {
    return client.embed(new EmbeddingCall(endpoint(provider, "the-model"), r, Duration.ofSeconds(5), drop));
  }

  private static MockResponse json(String body) {
    return new MockResponse().setHeader("Content-Type", "application/json").setBody(body);
  }

  private static final String TWO_VECTORS = "{\"object\":\"list\",\"model\":\"the-model\",\"data\":["
      + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,-1.0]},"
      + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,2.0]}],"
      + "\"usage\":{\"prompt_tokens\":6,\"total_tokens\":6}}";

  private static EmbeddingRequest two() {
    return EmbeddingRequest.builder().model("group").input(List.of("first text", "second")).build();
  }

  @Test
  void sendsTheProvidersModelAndSortsVectorsByIndex() throws Exception {
    server.enqueue(json(TWO_VECTORS).setHeader("x-ratelimit-remaining-requests", "9"));
    ProviderResponse<EmbeddingResponse> r = embed("hosted_vllm",
        two().toBuilder().fallbacks(List.of("other")).extra("num_retries", Json.mapper().getNodeFactory().numberNode(2)).build(), false);

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getPath()).isEqualTo("/v1/embeddings");
    assertThat(sent.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
    JsonNode body = Json.tree(sent.getBody().readUtf8());
    assertThat(body.get("model").asText()).isEqualTo("the-model");
    assertThat(body.get("input").get(1).asText()).isEqualTo("second");
    // Router-only fields never go upstream.
    assertThat(body.has("fallbacks")).isFalse();
    assertThat(body.has("num_retries")).isFalse();

    List<Embedding> data = r.value().data();
    assertThat(data).extracting(Embedding::index).containsExactly(0, 1);
    assertThat(data.get(0).vector()).containsExactly(0.25f, 2.0f);
    assertThat(data.get(1).vector()).containsExactly(0.5f, -1.0f);
    assertThat(r.value().usage().promptTokens()).isEqualTo(6);
    assertThat(r.headers()).containsEntry("x-ratelimit-remaining-requests", "9");
  }

  @Test
  void base64IsAskedForWhereTheProviderHasItAndEncodedHereWhereItHasNot() throws Exception {
    float[] v = {0.25f, 2.0f};
    String b64 = Embedding.encodeBase64(v);
    server.enqueue(json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"" + b64 + "\"}]}"));
    EmbeddingRequest r = EmbeddingRequest.builder().model("g").input("x").encodingFormat("base64").build();
    EmbeddingResponse vllm = embed("hosted_vllm", r, false).value();
    assertThat(Json.tree(server.takeRequest().getBody().readUtf8()).get("encoding_format").asText()).isEqualTo("base64");
    assertThat(vllm.data().get(0).isBase64()).isTrue();
    assertThat(vllm.data().get(0).vector()).containsExactly(v);

    // Together returns floats only: the client asks for floats and encodes them itself.
    server.enqueue(json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.25,2.0]}]}"));
    EmbeddingResponse together = embed("together_ai", r, false).value();
    assertThat(Json.tree(server.takeRequest().getBody().readUtf8()).has("encoding_format")).isFalse();
    assertThat(together.data().get(0).embedding().asText()).isEqualTo(b64);

    // A provider that answers base64 to a float request is decoded.
    server.enqueue(json("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":\"" + b64 + "\"}]}"));
    EmbeddingResponse floats = embed("hosted_vllm", r.toBuilder().encodingFormat(null).build(), false).value();
    assertThat(floats.data().get(0).embedding().isArray()).isTrue();
    assertThat(floats.data().get(0).vector()).containsExactly(v);
  }

  @Test
  void dialectQuirks() throws Exception {
    // NVIDIA NIM: input_type and truncate pass through, also with drop_params; other unknown fields are dropped.
    server.enqueue(json(TWO_VECTORS));
    EmbeddingRequest nim = two().toBuilder().extra("input_type", Json.text("passage")).extra("truncate", Json.text("END"))
        .extra("something_else", Json.text("x")).build();
    embed("nvidia_nim", nim, true);
    JsonNode body = Json.tree(server.takeRequest().getBody().readUtf8());
    assertThat(body.get("input_type").asText()).isEqualTo("passage");
    assertThat(body.get("truncate").asText()).isEqualTo("END");
    assertThat(body.has("something_else")).isFalse();

    // Mistral: dimensions is output_dimension; user is dropped with drop_params.
    server.enqueue(json(TWO_VECTORS));
    embed("mistral", two().toBuilder().dimensions(256).user("u1").build(), true);
    body = Json.tree(server.takeRequest().getBody().readUtf8());
    assertThat(body.get("output_dimension").asInt()).isEqualTo(256);
    assertThat(body.has("dimensions")).isFalse();
    assertThat(body.has("user")).isFalse();

    // Cloudflare: dimensions dropped with drop_params, kept without.
    server.enqueue(json(TWO_VECTORS));
    embed("cloudflare", two().toBuilder().dimensions(256).build(), false);
    assertThat(Json.tree(server.takeRequest().getBody().readUtf8()).get("dimensions").asInt()).isEqualTo(256);
  }

  @Test
  void providersWithoutEmbeddingsAreRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> embed("groq", two(), false)).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("groq has no embeddings endpoint");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void malformedBodiesAreTypedErrors() {
    String[][] cases = {
        {"{\"object\":\"list\"}", "no data array"},
        {"{\"object\":\"list\",\"data\":[{\"index\":0,\"embedding\":[1.0]}]}", "1 vectors for 2 inputs"},
        {"{\"data\":[{\"index\":0,\"embedding\":[1.0]},{\"index\":0,\"embedding\":[2.0]}]}", "has index 0"},
        {"{\"data\":[{\"index\":0,\"embedding\":[1.0]},{\"index\":1,\"embedding\":[\"a\"]}]}", "data[1]: embedding[0] is not a number"},
        {"{\"data\":[{\"index\":0,\"embedding\":\"%%%\"},{\"index\":1,\"embedding\":[2.0]}]}", "not valid base64"},
        {"{\"data\":[{\"index\":0,\"embedding\":[]},{\"index\":1,\"embedding\":[2.0]}]}", "empty vector"},
        {"<html>oops</html>", "not valid JSON"},
    };
    for (String[] c : cases) {
      server.enqueue(json(c[0]));
      assertThatThrownBy(() -> embed("hosted_vllm", two(), false)).as(c[0]).isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining(c[1]);
    }
  }

  @Test
  void rateLimitsAreClassifiedByTheDialect() {
    server.enqueue(json("{\"status\":429,\"title\":\"Too Many Requests\"}").setResponseCode(429));
    assertThatThrownBy(() -> embed("nvidia_nim", two(), false)).isInstanceOfSatisfying(RateLimitedException.class,
        e -> assertThat(e.getMessage()).doesNotContain(KEY));
  }
}
