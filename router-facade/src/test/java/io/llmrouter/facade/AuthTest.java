package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Master-key checks: header variants, wrong and missing keys, and the probes that need none. */
class AuthTest extends FacadeTestBase {

  @Test
  void bearerInAnyCaseAndXApiKeyAreAccepted() throws Exception {
    assertThat(post("/v1/chat/completions", chatBody("fast"), "authorization", "Bearer " + KEY).statusCode()).isEqualTo(200);
    assertThat(post("/v1/chat/completions", chatBody("fast"), "authorization", "bearer " + KEY).statusCode()).isEqualTo(200);
    assertThat(post("/v1/chat/completions", chatBody("fast"), "x-api-key", KEY).statusCode()).isEqualTo(200);
    // An Anthropic-style client may send both; one valid key is enough.
    assertThat(post("/v1/chat/completions", chatBody("fast"), "authorization", "Bearer other", "x-api-key", KEY).statusCode())
        .isEqualTo(200);
    assertThat(router.requests).hasSize(4);
  }

  @Test
  void wrongMissingOrMalformedKeysAre401InOpenAiShape() throws Exception {
    for (String[] headers : new String[][] {
        {"authorization", "Bearer " + KEY + "x"}, {"authorization", "Bearer " + KEY.substring(1)}, {"x-api-key", "nope"},
        {"authorization", KEY}, {"authorization", "Basic " + KEY}}) {
      HttpResponse<String> r = post("/v1/chat/completions", chatBody("fast"), headers);
      assertThat(r.statusCode()).as(headers[0] + ": " + headers[1].length()).isEqualTo(401);
      assertThat(Json.tree(r.body()).at("/error/code").asText()).isEqualTo("invalid_api_key");
      assertThat(r.body()).doesNotContain(KEY);
    }
    HttpResponse<String> missing = post("/v1/chat/completions", chatBody("fast"));
    assertThat(missing.statusCode()).isEqualTo(401);
    assertThat(Json.tree(missing.body()).at("/error/message").asText()).contains("didn't provide an API key");
    assertThat(get("/v1/models").statusCode()).isEqualTo(401);
    assertThat(router.requests).isEmpty();
  }

  @Test
  void livelinessNeedsNoKey() throws Exception {
    HttpResponse<String> r = get("/health/liveliness");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.tree(r.body()).asText()).isEqualTo("I'm alive!");
  }

  @Test
  void withoutMasterKeyEverythingIsOpenOnLoopback() throws Exception {
    server.stop();
    server = new FacadeServer(router, options().masterKey(null).build());
    server.start();

    assertThat(post("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(200);
    assertThat(get("/v1/models", "authorization", "Bearer anything").statusCode()).isEqualTo(200);
  }
}
