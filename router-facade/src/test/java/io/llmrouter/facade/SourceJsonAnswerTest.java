package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Json;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A non-streamed answer that carries the provider's exact bytes ({@link ChatResponse#sourceJson()}) is sent as
 * those bytes, with the same status and route headers as a written one; an answer without them (built, or
 * changed by the router) is written from the value as before.
 */
class SourceJsonAnswerTest extends FacadeTestBase {
  private static final String UPSTREAM = "{\"model\":\"provider-model\",  \"id\":\"chatcmpl-9\",\"object\":\"chat.completion\","
      + "\"created\":1700000000,\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"h\\u00e9\"},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5},\"x_groq\":{\"id\":\"q\"}}";

  @Test
  void theProvidersBytesGoOutAsTheyCameWithTheRouteHeaders() throws Exception {
    router.onChat = r -> Json.read(UPSTREAM, ChatResponse.class).withSourceJson(UPSTREAM.getBytes(StandardCharsets.UTF_8))
        .withModelAndRoute("provider-model", ScriptedRouter.route(r.model(), "dep-1", "provider-model", Map.of("x-ratelimit-remaining-requests", "9"), List.of("fast")));
    HttpResponse<String> res = postAuthed("/v1/chat/completions", chatBody("fast"));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(UPSTREAM);
    assertThat(res.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(res.headers().firstValue("content-length")).hasValue(Integer.toString(UPSTREAM.getBytes(StandardCharsets.UTF_8).length));
    assertThat(res.headers().firstValue(Headers.MODEL_GROUP)).hasValue("fast");
    assertThat(res.headers().firstValue(Headers.DEPLOYMENT)).hasValue("dep-1");
    assertThat(res.headers().firstValue(Headers.ATTEMPTS)).hasValue("1");
    assertThat(res.headers().firstValue(Headers.FALLBACKS)).hasValue("fast");
    assertThat(res.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("9");
    assertThat(res.headers().firstValue(RequestIds.HEADER)).isPresent();
  }

  @Test
  void aRewrittenModelIsWrittenFromTheValue() throws Exception {
    String noModel = "{\"id\":\"chatcmpl-9\",\"model\":\"\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}]}";
    // As the router does for a provider that names no model: the deployment's id replaces it, the bytes are dropped.
    router.onChat = r -> Json.read(noModel, ChatResponse.class).withSourceJson(noModel.getBytes(StandardCharsets.UTF_8))
        .withModelAndRoute("provider-model", ScriptedRouter.route(r.model(), "dep-1", "provider-model"));
    HttpResponse<String> res = postAuthed("/v1/chat/completions", chatBody("fast"));
    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode body = Json.tree(res.body());
    assertThat(body.path("model").asText()).isEqualTo("provider-model");
    assertThat(res.body()).isEqualTo("{\"id\":\"chatcmpl-9\",\"model\":\"provider-model\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}]}");
  }

  @Test
  void anAnswerWithoutSourceBytesIsWrittenAsBefore() throws Exception {
    HttpResponse<String> res = postAuthed("/v1/chat/completions", chatBody("fast"));
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
        + "\"model\":\"provider-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello from fast\"},"
        + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}");
  }
}
