package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.Json;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.cli.RouterLoader;
import io.llmrouter.core.config.Env;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.SimRequest;
import io.llmrouter.testkit.VirtualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16: fields meant for LiteLLM (credentials, endpoints, header overrides, proxy metadata) were forwarded
 * to the provider verbatim, so a client's secret or internal metadata reached a third party, and a body could
 * try to choose the URL or the headers. Checked where it matters: at the simulated provider, over the real
 * facade, router and provider client.
 */
class RouterOnlyFieldsNeverReachTheProviderTest {
  static final String MASTER = "sk-e2e-fields-master";
  static final String CONFIG = """
      model_list:
        - model_name: primary
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
      general_settings:
        master_key: os.environ/LLM_ROUTER_MASTER_KEY
      """;

  /** What a LiteLLM client may put in a body; none of it may arrive upstream. */
  static final String HOSTILE_FIELDS = """
      "api_key": "sk-client-secret-1", "api_base": "http://127.0.0.1:1/evil", "base_url": "http://127.0.0.1:1/evil",
      "api_version": "2024-01-01", "extra_headers": {"X-Evil": "1", "Authorization": "Bearer stolen"},
      "headers": {"X-Evil-Too": "1"}, "metadata": {"user_api_key_team_id": "internal-team"},
      "user_api_key": "sk-client-secret-2", "custom_llm_provider": "openai", "litellm_metadata": {"a": 1},
      "litellm_call_id": "abc", "tags": ["internal"], "caching": true, "num_retries": 0, "stream_timeout": 3,
      "input_cost_per_token": 1, "provider_specific_header": {"custom_llm_provider": "groq", "extra_headers": {"X-Evil": "2"}},
      "seed": 7, "x_passthrough": {"kept": true}""";

  @TempDir Path dir;
  ProviderSimulator sim;
  io.llmrouter.api.Router router;
  FacadeServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).seed(16).providers(SimProvider.GROQ).build().start();
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, CONFIG);
    Map<String, String> env = new HashMap<>(sim.env());
    env.put("LLM_ROUTER_MASTER_KEY", MASTER);
    RouterLoader.Loaded loaded = new ConfigRouterLoader(Env.of(env)).load(config, null);
    router = loaded.router();
    server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).masterKey(loaded.masterKey())
        .shutdownGrace(Duration.ofMillis(200)).build());
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop();
    router.close();
    sim.close();
  }

  HttpResponse<String> chat(boolean stream) throws Exception {
    String body = "{\"model\":\"primary\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
        + HOSTILE_FIELDS + "}";
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(20)).header("authorization", "Bearer " + MASTER).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void routerAndLiteLlmFieldsAreStrippedAndTheBodyChoosesNeitherUrlNorHeaders() throws Exception {
    assertThat(chat(false).statusCode()).isEqualTo(200);
    assertThat(chat(true).statusCode()).isEqualTo(200);

    List<SimRequest> received = sim.receivedRequests();
    assertThat(received).hasSize(2);
    for (SimRequest r : received) {
      assertThat(r.provider()).isEqualTo(SimProvider.GROQ);
      assertThat(r.pathAndQuery()).isEqualTo("/openai/v1/chat/completions");
      JsonNode body = Json.tree(r.body());
      body.fieldNames().forEachRemaining(name ->
          assertThat(ChatRequest.isRouterField(name)).as("'%s' reached the provider in %s", name, r.body()).isFalse());
      for (String field : List.of("api_key", "api_base", "base_url", "api_version", "extra_headers", "headers", "metadata",
          "user_api_key", "custom_llm_provider", "litellm_metadata", "litellm_call_id", "tags", "caching", "num_retries",
          "stream_timeout", "input_cost_per_token", "provider_specific_header")) {
        assertThat(body.has(field)).as("%s in %s", field, r.body()).isFalse();
      }
      assertThat(r.body()).doesNotContain("sk-client-secret").doesNotContain("internal-team").doesNotContain("evil");
      // Fields the router does not model still pass through.
      assertThat(body.path("seed").asInt()).isEqualTo(7);
      assertThat(body.path("x_passthrough").path("kept").asBoolean()).isTrue();
      // Headers are the deployment's: its own key, nothing the body asked for.
      assertThat(r.headers()).doesNotContainKeys("x-evil", "x-evil-too");
      assertThat(r.headers().get("authorization")).isEqualTo("Bearer " + SimProvider.GROQ.fakeKey());
    }
  }
}
