package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 14 over real HTTP (facade, engine, provider client, an upstream that answers given bytes): a completion
 * the router does not change reaches the client byte for byte as the provider sent it; one whose model the
 * router fills in, or that needed a coercion to read, is written from the value as before; a malformed one is
 * a 502, never a hang.
 */
class UpstreamBytesOverFacadeTest {
  private final AtomicReference<byte[]> answer = new AtomicReference<>();
  private HttpServer upstream;
  private Router router;
  private FacadeServer server;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    upstream.createContext("/v1/chat/completions", ex -> {
      ex.getRequestBody().readAllBytes();
      byte[] body = answer.get();
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("x-ratelimit-remaining-requests", "41");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    upstream.start();
    RouterConfig config = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("main", "hosted_vllm/qwen").id("local").apiBase("http://127.0.0.1:" + upstream.getAddress().getPort() + "/v1"))
        .numRetries(0).build();
    router = LlmRouter.builder(config).env(Env.of(Map.of())).build();
    server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).shutdownGrace(Duration.ofMillis(200)).build());
    server.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stop() {
    server.stop();
    router.close();
    upstream.stop(0);
  }

  private HttpResponse<String> chat(String upstreamBody) throws Exception {
    answer.set(upstreamBody.getBytes(StandardCharsets.UTF_8));
    String body = "{\"model\":\"main\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void anUnchangedCompletionArrivesByteForByte() throws Exception {
    String body = "{\"id\":\"chatcmpl-7\", \"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"qwen\",\n"
        + " \"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"caf\\u00e9\",\"reasoning_content\":null},"
        + "\"finish_reason\":\"stop\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11},"
        + "\"prompt_logprobs\":null,\"kv_transfer_params\":null}";
    HttpResponse<String> res = chat(body);
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo(body);
    assertThat(res.headers().firstValue("x-llm-router-model-group")).hasValue("main");
    assertThat(res.headers().firstValue("x-llm-router-deployment")).hasValue("local");
    assertThat(res.headers().firstValue("x-llm-router-attempts")).hasValue("1");
    assertThat(res.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("41");
    assertThat(res.headers().firstValue("x-request-id")).isPresent();
  }

  @Test
  void aCompletionWithoutAModelGetsTheDeploymentsAndIsWritten() throws Exception {
    HttpResponse<String> res = chat("{\"id\":\"chatcmpl-7\",\"model\":\"\", \"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("{\"id\":\"chatcmpl-7\",\"model\":\"qwen\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}]}");
  }

  @Test
  void aCompletionThatNeededACoercionIsWrittenAsBefore() throws Exception {
    HttpResponse<String> res = chat("{\"id\":\"chatcmpl-7\",\"model\":\"qwen\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":\"9\",\"completion_tokens\":2.0}} ");
    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode usage = Json.tree(res.body()).path("usage");
    assertThat(usage.path("prompt_tokens").isInt()).isTrue();
    assertThat(usage.path("prompt_tokens").intValue()).isEqualTo(9);
    assertThat(usage.path("completion_tokens").isInt()).isTrue();
    assertThat(res.body()).isEqualTo("{\"id\":\"chatcmpl-7\",\"model\":\"qwen\",\"choices\":[{\"index\":0,"
        + "\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}");
  }

  @Test
  @Timeout(30)
  void aMalformedCompletionIsA502() throws Exception {
    for (String bad : new String[] {"{\"id\":\"chatcmpl-7\",\"choices\":[", "{\"id\":\"x\",\"model\":\"qwen\"}", "not json"}) {
      HttpResponse<String> res = chat(bad);
      assertThat(res.statusCode()).as(bad).isEqualTo(502);
      assertThat(Json.tree(res.body()).path("error").path("message").asText()).as(bad).isNotBlank();
    }
  }
}
