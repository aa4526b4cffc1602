package io.llmrouter.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The embeddings value types on the wire: round trips with extras, and OpenAI's base64 encoding. */
class EmbeddingJsonTest {

  @Test
  void responseRoundTripsKeepingProviderExtras() {
    String json = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.5,-0.25],\"x\":1}],"
        + "\"model\":\"m\",\"usage\":{\"prompt_tokens\":3,\"total_tokens\":3},\"id\":\"emb-1\"}";
    EmbeddingResponse r = Json.read(json, EmbeddingResponse.class);
    assertThat(r.data().get(0).vector()).containsExactly(0.5f, -0.25f);
    assertThat(r.data().get(0).extra()).containsKey("x");
    assertThat(r.extra()).containsKey("id");
    assertThat(Json.tree(Json.write(r))).isEqualTo(Json.tree(json));
    // The route is the router's, never part of the JSON.
    assertThat(Json.write(r.toBuilder().route(new Route("g", "g", "d", "p", "m", null, List.of(), List.of(), java.util.Map.of())).build()))
        .doesNotContain("route");
  }

  @Test
  void base64IsLittleEndianFloat32() {
    // 1.0f is 0x3F800000: little-endian bytes 00 00 80 3F.
    assertThat(Embedding.encodeBase64(new float[] {1.0f})).isEqualTo("AACAPw==");
    assertThat(Embedding.decodeBase64("AACAPw==")).containsExactly(1.0f);
    float[] v = {0.1f, -2.5f, 3e-8f};
    Embedding e = Embedding.builder().index(0).base64(v).build();
    assertThat(e.isBase64()).isTrue();
    assertThat(e.vector()).containsExactly(v);
    assertThatThrownBy(() -> Embedding.decodeBase64("AACA")).isInstanceOf(IllegalStateException.class).hasMessageContaining("multiple of 4");
    assertThatThrownBy(() -> Embedding.builder().build().vector()).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void inputCountFollowsOpenAisShapes() {
    assertThat(EmbeddingRequest.builder().input("a").build().inputCount()).isEqualTo(1);
    assertThat(EmbeddingRequest.builder().input(List.of("a", "b", "c")).build().inputCount()).isEqualTo(3);
    assertThat(Json.read("{\"input\":[1,2,3]}", EmbeddingRequest.class).inputCount()).isEqualTo(1);
    assertThat(Json.read("{\"input\":[[1,2],[3]]}", EmbeddingRequest.class).inputCount()).isEqualTo(2);
    assertThat(EmbeddingRequest.builder().build().inputCount()).isZero();
  }
}
