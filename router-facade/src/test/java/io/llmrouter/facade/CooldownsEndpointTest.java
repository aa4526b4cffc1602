package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.Json;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /cooldowns} and {@code DELETE /cooldowns/{name}}: behind the master key, OpenAI-style errors, visible in /v1/models. */
class CooldownsEndpointTest extends FacadeTestBase {
  static final Instant UNTIL = Instant.parse("2026-01-01T00:01:00Z");

  @BeforeEach
  void cooling() {
    router.cooldowns = List.of(
        new CooldownStatus("smart", "dep-s", "llama-3.3-70b-versatile", CooldownStatus.Kind.COOLING, UNTIL,
            "RateLimitedException: groq HTTP 429: Too Many Requests"),
        new CooldownStatus("fast", "dep-f", "llama-3.1-8b-instant", CooldownStatus.Kind.QUOTA, UNTIL, null));
  }

  HttpResponse<String> delete(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).DELETE();
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  JsonNode model(String id) throws Exception {
    HttpResponse<String> r = get("/v1/models/" + id, "authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.tree(r.body());
  }

  @Test
  void bothNeedTheMasterKey() throws Exception {
    assertThat(get("/cooldowns").statusCode()).isEqualTo(401);
    HttpResponse<String> wrong = delete("/cooldowns/smart", "authorization", "Bearer nope");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(Json.tree(wrong.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
    assertThat(router.clearCalls).isEmpty();
    assertThat(router.cooldowns).hasSize(2);
  }

  @Test
  void getListsEachDeploymentWithUntilAndWhy() throws Exception {
    HttpResponse<String> r = get("/cooldowns", "x-api-key", KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).get().asString().startsWith("application/json");
    JsonNode data = Json.tree(r.body()).get("data");
    assertThat(data).hasSize(2);
    assertThat(data.get(0).get("model_group").asText()).isEqualTo("smart");
    assertThat(data.get(0).get("deployment_id").asText()).isEqualTo("dep-s");
    assertThat(data.get(0).get("model").asText()).isEqualTo("llama-3.3-70b-versatile");
    assertThat(data.get(0).get("kind").asText()).isEqualTo("cooling");
    assertThat(data.get(0).get("until").asText()).isEqualTo("2026-01-01T00:01:00Z");
    assertThat(data.get(0).get("reason").asText()).startsWith("RateLimitedException");
    assertThat(data.get(1).get("kind").asText()).isEqualTo("quota");
    assertThat(data.get(1).get("reason").isNull()).isTrue();
  }

  @Test
  void deleteClearsAGroupAndV1ModelsShowsItAvailable() throws Exception {
    JsonNode before = model("smart");
    assertThat(before.get("available_now").asBoolean()).isFalse();
    assertThat(before.get("cooling_until").asText()).isEqualTo("2026-01-01T00:01:00Z");

    HttpResponse<String> r = delete("/cooldowns/smart", "authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = Json.tree(r.body());
    assertThat(body.get("cleared").asInt()).isEqualTo(1);
    assertThat(body.get("model").asText()).isEqualTo("smart");
    assertThat(router.clearCalls).containsExactly("smart");

    JsonNode after = model("smart");
    assertThat(after.get("available_now").asBoolean()).isTrue();
    assertThat(after.get("cooling_until").isNull()).isTrue();
    assertThat(Json.tree(get("/cooldowns", "x-api-key", KEY).body()).get("data")).hasSize(1);
  }

  @Test
  void anUnknownNameIs404InOpenAiShapeAndANameMayContainSlashes() throws Exception {
    HttpResponse<String> r = delete("/cooldowns/groq/llama-9", "authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode e = Json.tree(r.body()).get("error");
    assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(e.get("code").asText()).isEqualTo("model_not_found");
    assertThat(e.get("param").asText()).isEqualTo("model");
    assertThat(e.get("message").asText()).contains("'groq/llama-9'").contains("fast").contains("smart");
    assertThat(router.clearCalls).containsExactly("groq/llama-9");
  }

  @Test
  void allClearsEverythingAndWrongMethodsAre405() throws Exception {
    assertThat(get("/cooldowns/all", "x-api-key", KEY).statusCode()).isEqualTo(405);
    assertThat(delete("/cooldowns", "x-api-key", KEY).statusCode()).isEqualTo(405);
    HttpResponse<String> r = delete("/cooldowns/all", "x-api-key", KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.tree(r.body()).get("cleared").asInt()).isEqualTo(2);
    assertThat(model("fast").get("available_now").asBoolean()).isTrue();
    assertThat(model("smart").get("available_now").asBoolean()).isTrue();
  }
}
