package io.llmrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link ChatRequest#requestId()} is metadata: never read from a body, never written to one, kept by copies. */
class RequestIdTest {

  @Test
  void aBodyCannotSetItAndJsonNeverCarriesIt() {
    ChatRequest parsed = Json.read("{\"model\":\"m\",\"messages\":[],\"requestId\":\"forged\\nline\"}", ChatRequest.class);
    assertThat(parsed.requestId()).isNull();

    ChatRequest tagged = ChatRequest.builder().model("m").messages(ChatMessage.user("hi")).requestId("req-1").build();
    assertThat(Json.write(tagged)).doesNotContain("req-1").doesNotContain("requestId").doesNotContain("request_id");
    assertThat(tagged.toBuilder().build().requestId()).isEqualTo("req-1");
    assertThat(tagged.withoutRouterFields().requestId()).isEqualTo("req-1");
    assertThat(tagged).isEqualTo(tagged.toBuilder().requestId("other").build());
  }

  @Test
  void withRequestIdEqualsTheBuilderCopyAndSharesTheRest() {
    ChatRequest r = Json.read("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + "\"temperature\":0.5,\"stream\":false,\"fallbacks\":[\"g2\"],\"seed\":7,\"x_extra\":{\"a\":1}}", ChatRequest.class);
    ChatRequest tagged = r.withRequestId("req-1");
    ChatRequest viaBuilder = r.toBuilder().requestId("req-1").build();
    assertThat(tagged.requestId()).isEqualTo("req-1");
    assertThat(tagged).isEqualTo(viaBuilder);
    assertThat(Json.write(tagged)).isEqualTo(Json.write(viaBuilder)).isEqualTo(Json.write(r));
    assertThat(tagged.messages()).isSameAs(r.messages());
    assertThat(tagged.extra()).isSameAs(r.extra());
    assertThat(tagged.fallbacks()).isSameAs(r.fallbacks());
    // The original is unchanged; the same id again is the same request, and null clears it.
    assertThat(r.requestId()).isNull();
    assertThat(tagged.withRequestId("req-1")).isSameAs(tagged);
    assertThat(tagged.withRequestId(null).requestId()).isNull();
    assertThat(tagged.withoutRouterFields().requestId()).isEqualTo("req-1");
  }

  @Test
  void theHandleCarriesIt() {
    RequestHandle h = new RequestHandle(3, "g", 0, "req-1");
    assertThat(h.requestId()).isEqualTo("req-1");
    assertThat(new RequestHandle(3, "g", 0).requestId()).isNull();
    assertThat(h.toString()).contains("requestId=req-1");
  }
}
