package io.llmrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's {@code POST /embeddings} on the wire: who offers it, quotas, faults and each provider's quirks. */
class EmbeddingsEndpointTest {
  VirtualClock clock;
  ProviderSimulator sim;

  @BeforeEach
  void start() {
    clock = VirtualClock.manual();
    sim = ProviderSimulator.builder().clock(clock)
        .providers(SimProvider.NVIDIA_NIM, SimProvider.GEMINI, SimProvider.HOSTED_VLLM, SimProvider.GROQ)
        .model(SimModel.builder(SimProvider.HOSTED_VLLM, "bge").kind(SimModel.Kind.EMBEDDING).contextWindow(8).rpm(1).build())
        .build().start();
  }

  @AfterEach
  void stop() {
    sim.close();
  }

  static ObjectNode embed(String model, String... texts) {
    ObjectNode body = SimHttp.JSON.createObjectNode();
    body.put("model", model);
    var input = body.putArray("input");
    for (String t : texts) input.add(t);
    return body;
  }

  SimHttp.Reply post(SimProvider p, JsonNode body) {
    return SimHttp.post(SimHttp.CLIENT, sim.baseUrl(p) + "/embeddings", p.fakeKey(), body);
  }

  @Test
  void vectorsAreDeterministicUnitLengthAndCountTheInputTokens() {
    SimHttp.Reply r = post(SimProvider.HOSTED_VLLM, embed("bge", "abcdefgh", "xy"));
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.get("object").asText()).isEqualTo("list");
    assertThat(body.get("data")).hasSize(2);
    assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(2 + 1);
    double norm = 0;
    for (JsonNode f : body.get("data").get(0).get("embedding")) norm += f.asDouble() * f.asDouble();
    assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    float first = (float) body.get("data").get(0).get("embedding").get(0).asDouble();
    assertThat(SimEmbeddings.vector("abcdefgh", 16)[0]).isEqualTo(first);
  }

  @Test
  void rpmAndFaultsApplyAsForChat() {
    assertThat(post(SimProvider.HOSTED_VLLM, embed("bge", "a")).status()).isEqualTo(200);
    assertThat(post(SimProvider.HOSTED_VLLM, embed("bge", "a")).status()).isEqualTo(429);
    clock.advance(Duration.ofSeconds(61));
    sim.failNext(SimProvider.HOSTED_VLLM, "bge", Fault.malformedBody(), 1);
    SimHttp.Reply malformed = post(SimProvider.HOSTED_VLLM, embed("bge", "a"));
    assertThat(malformed.status()).isEqualTo(200);
    assertThat(malformed.json().has("data")).isFalse();
    sim.failNext(SimProvider.HOSTED_VLLM, "bge", Fault.serverError(503), 1);
    assertThat(post(SimProvider.HOSTED_VLLM, embed("bge", "a")).status()).isEqualTo(503);
    assertThat(sim.stats(SimProvider.HOSTED_VLLM, "bge").received()).isEqualTo(4);
  }

  @Test
  void providerQuirks() {
    // NIM: an asymmetric model wants input_type; an input over the window needs truncate.
    SimHttp.Reply noType = post(SimProvider.NVIDIA_NIM, embed("nvidia/nv-embedqa-e5-v5", "q"));
    assertThat(noType.status()).isEqualTo(400);
    assertThat(noType.body()).contains("'input_type' parameter is required for asymmetric models");
    ObjectNode longInput = embed("nvidia/nv-embedqa-e5-v5", "w".repeat(4 * 600));
    longInput.put("input_type", "passage");
    assertThat(post(SimProvider.NVIDIA_NIM, longInput).body()).contains("exceeds maximum allowed token size 512");
    longInput.put("truncate", "END");
    assertThat(post(SimProvider.NVIDIA_NIM, longInput).status()).isEqualTo(200);

    // base64 where the provider honours it (vLLM), floats from Gemini whatever was asked.
    clock.advance(Duration.ofMinutes(1));
    ObjectNode b64 = embed("bge", "abc");
    b64.put("encoding_format", "base64");
    String encoded = post(SimProvider.HOSTED_VLLM, b64).json().get("data").get(0).get("embedding").asText();
    float[] decoded = new float[16];
    ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(decoded);
    assertThat(decoded).containsExactly(SimEmbeddings.vector("abc", 16));
    ObjectNode gem = embed("text-embedding-004", "abc");
    gem.put("encoding_format", "base64");
    gem.put("dimensions", 8);
    JsonNode vector = post(SimProvider.GEMINI, gem).json().get("data").get(0).get("embedding");
    assertThat(vector.isArray()).isTrue();
    assertThat(vector).hasSize(8);

    // A chat model is refused; Groq has no embeddings endpoint at all.
    assertThat(post(SimProvider.GEMINI, embed("gemini-2.0-flash", "x")).status()).isEqualTo(400);
    assertThat(post(SimProvider.GROQ, embed("llama-3.1-8b-instant", "x")).status()).isEqualTo(404);
    // No key, no vectors.
    assertThat(SimHttp.post(SimHttp.CLIENT, sim.baseUrl(SimProvider.NVIDIA_NIM) + "/embeddings", null, embed("nvidia/nv-embedqa-e5-v5", "q"))
        .status()).isEqualTo(401);
  }
}
