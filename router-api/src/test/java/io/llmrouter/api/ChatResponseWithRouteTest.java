package io.llmrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ChatResponse#withModelAndRoute}: the builder's copy, without the builder. */
class ChatResponseWithRouteTest {
  private static final Route ROUTE = new Route("g", "g", "d1", "groq", "llama", "https://api.groq.com/openai/v1",
      List.of(), List.of(), Map.of());

  @Test
  void equalsTheBuilderCopyAndKeepsExtrasInOrder() {
    ChatResponse r = Json.read("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":7,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2},\"system_fingerprint\":\"fp\","
        + "\"x_groq\":{\"id\":\"req\"},\"service_tier\":\"on_demand\"}", ChatResponse.class);
    ChatResponse viaBuilder = r.toBuilder().model("served").route(ROUTE).build();
    ChatResponse direct = r.withModelAndRoute("served", ROUTE);
    assertThat(direct).isEqualTo(viaBuilder);
    assertThat(direct.route()).isSameAs(ROUTE);
    assertThat(direct.model()).isEqualTo("served");
    assertThat(direct.extra()).containsOnlyKeys("x_groq", "service_tier");
    assertThat(Json.write(direct)).isEqualTo(Json.write(viaBuilder));
    // The original is unchanged.
    assertThat(r.model()).isEqualTo("m");
    assertThat(r.route()).isNull();
  }

  @Test
  void anExplicitNullModelIsReplacedAsTheBuilderDoes() {
    ChatResponse r = Json.read("{\"id\":\"c1\",\"model\":null,\"choices\":[]}", ChatResponse.class);
    assertThat(r.extra()).containsKey("model");
    ChatResponse direct = r.withModelAndRoute("served", ROUTE);
    assertThat(direct.extra()).doesNotContainKey("model");
    assertThat(direct).isEqualTo(r.toBuilder().model("served").route(ROUTE).build());
    assertThat(Json.write(direct)).contains("\"model\":\"served\"");
  }

  @Test
  void theSourceJsonIsKeptWhileTheJsonIsUnchanged() {
    String json = "{\"model\":\"m\", \"id\":\"c1\",\"choices\":[]}";
    byte[] bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    ChatResponse parsed = Json.read(json, ChatResponse.class);
    assertThat(parsed.sourceJson()).isNull();
    ChatResponse r = parsed.withSourceJson(bytes);
    assertThat(r).isEqualTo(parsed);
    assertThat(r.sourceJson().isReadOnly()).isTrue();
    assertThat(r.sourceJson()).isEqualTo(java.nio.ByteBuffer.wrap(bytes));
    // Not part of the JSON.
    assertThat(Json.write(r)).isEqualTo(Json.write(parsed));
    // The route is not JSON: kept with the same model, dropped with another one or any builder copy.
    ChatResponse routed = r.withModelAndRoute("m", ROUTE);
    assertThat(routed.sourceJson()).isEqualTo(java.nio.ByteBuffer.wrap(bytes));
    assertThat(routed.route()).isSameAs(ROUTE);
    assertThat(r.withModelAndRoute("served", ROUTE).sourceJson()).isNull();
    assertThat(r.toBuilder().build().sourceJson()).isNull();
    ChatResponse nullModel = Json.read("{\"model\":null,\"choices\":[]}", ChatResponse.class).withSourceJson(bytes);
    assertThat(nullModel.withModelAndRoute("served", ROUTE).sourceJson()).isNull();
  }
}
