package io.llmrouter.testkit;

import static io.llmrouter.testkit.SimHttp.chat;
import static io.llmrouter.testkit.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenRouter's {@code GET /api/v1/key} and the misleading 401 "User not found.": on a valid key the chat
 * fault and a 200 from the key endpoint; on a revoked key a 401 from both.
 */
class OpenRouterKeyEndpointTest {
  static final String FREE = "meta-llama/llama-3.3-70b-instruct:free";
  final ProviderSimulator sim = ProviderSimulator.builder().providers(SimProvider.OPENROUTER).build().start();

  @AfterEach
  void stop() {
    sim.close();
  }

  @Test
  void aValidKeyGetsItsLimitsAndTheLabelNeverEchoesTheKey() {
    SimHttp.Reply r = SimHttp.get(sim, SimProvider.OPENROUTER, "/key");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().at("/data/is_free_tier").asBoolean()).isTrue();
    assertThat(r.json().at("/data/usage").asInt()).isZero();
    assertThat(r.json().at("/data/limit").isNull()).isTrue();
    assertThat(r.json().at("/data/label").asText()).startsWith("sk-or-v1-").endsWith("...000");
    assertThat(r.body()).doesNotContain(SimProvider.OPENROUTER.fakeKey());
    assertThat(sim.openRouterKeyChecks()).isEqualTo(1);
  }

  @Test
  void withoutAKeyTheEndpointAnswers401() throws IOException {
    Request req = new Request.Builder().url(sim.baseUrl(SimProvider.OPENROUTER) + "/key").build();
    try (Response r = SimHttp.CLIENT.newCall(req).execute()) {
      assertThat(r.code()).isEqualTo(401);
      assertThat(r.body().string()).contains("No auth credentials found");
    }
  }

  @Test
  void userNotFoundOnAValidKeyIsAChatFaultOnlyTheKeyEndpointStillAnswers200() {
    sim.failNext(SimProvider.OPENROUTER, FREE, Fault.userNotFound(), 1);
    SimHttp.Reply chatReply = post(sim, SimProvider.OPENROUTER, chat(FREE, "hi"));
    assertThat(chatReply.status()).isEqualTo(401);
    assertThat(chatReply.json().at("/error/message").asText()).isEqualTo("User not found.");
    assertThat(SimHttp.get(sim, SimProvider.OPENROUTER, "/key").status()).isEqualTo(200);
    assertThat(post(sim, SimProvider.OPENROUTER, chat(FREE, "hi")).status()).as("the fault is spent").isEqualTo(200);
  }

  @Test
  void aRevokedKeyGets401UserNotFoundFromTheKeyEndpointAndFromChatUntilRestored() {
    sim.openRouterKeyRevoked(true);
    SimHttp.Reply key = SimHttp.get(sim, SimProvider.OPENROUTER, "/key");
    assertThat(key.status()).isEqualTo(401);
    assertThat(key.json().at("/error/message").asText()).isEqualTo("User not found.");
    assertThat(post(sim, SimProvider.OPENROUTER, chat(FREE, "hi")).status()).isEqualTo(401);
    assertThat(sim.events()).last().extracting(SimEvent::outcome).isEqualTo(Outcome.UNAUTHORIZED);

    sim.openRouterKeyRevoked(false);
    assertThat(SimHttp.get(sim, SimProvider.OPENROUTER, "/key").status()).isEqualTo(200);
    assertThat(post(sim, SimProvider.OPENROUTER, chat(FREE, "hi")).status()).isEqualTo(200);
    assertThat(sim.openRouterKeyChecks()).isEqualTo(2);
  }
}
