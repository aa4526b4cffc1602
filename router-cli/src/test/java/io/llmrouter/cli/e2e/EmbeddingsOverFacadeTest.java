package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import io.llmrouter.api.Embedding;
import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.cli.RouterLoader;
import io.llmrouter.core.config.Env;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.IOException;
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
 * {@code POST /v1/embeddings} end to end: HTTP clients (the official OpenAI Java SDK and raw requests) talk to
 * the facade, which runs the router built by the production loader from YAML, which calls the simulated
 * NIM, Gemini and vLLM embeddings endpoints through the real provider client. Same auth, errors and route
 * headers as chat; a 429 falls back, a malformed 200 falls back, base64 comes back from every provider.
 */
class EmbeddingsOverFacadeTest {
  static final String MASTER = "sk-e2e-embed-master";

  static final String CONFIG = """
      model_list:
        - model_name: vectors
          litellm_params:
            model: nvidia_nim/e2e/embed-small
            api_key: os.environ/NVIDIA_NIM_API_KEY
          model_info: {mode: embedding}
        - model_name: vectors-backup
          litellm_params:
            model: gemini/text-embedding-004
            api_key: os.environ/GEMINI_API_KEY
          model_info: {mode: embedding}
        - model_name: local
          litellm_params:
            model: hosted_vllm/e2e/bge
          model_info: {mode: embedding}
        - model_name: chat
          litellm_params:
            model: nvidia_nim/meta/llama-3.3-70b-instruct
            api_key: os.environ/NVIDIA_NIM_API_KEY
      router_settings:
        num_retries: 0
        fallbacks:
          - {"vectors": ["vectors-backup"]}
          - {"local": ["vectors-backup"]}
      general_settings:
        master_key: os.environ/LLM_ROUTER_MASTER_KEY
      """;

  @TempDir Path dir;
  ProviderSimulator sim;
  Router router;
  FacadeServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws IOException {
    // Real time: the router's clock is the system clock, and the simulator must count the same seconds.
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).seed(3)
        .providers(SimProvider.NVIDIA_NIM, SimProvider.GEMINI, SimProvider.HOSTED_VLLM)
        .model(SimModel.builder(SimProvider.NVIDIA_NIM, "e2e/embed-small").kind(SimModel.Kind.EMBEDDING).contextWindow(512).rpm(1).build())
        .model(SimModel.builder(SimProvider.HOSTED_VLLM, "e2e/bge").kind(SimModel.Kind.EMBEDDING).contextWindow(512).build())
        .build().start();
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

  HttpResponse<String> post(String key, String body) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/embeddings"))
        .timeout(Duration.ofSeconds(20)).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) b.header("authorization", "Bearer " + key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  List<SimEvent> events(SimProvider p) {
    return sim.events().stream().filter(e -> e.provider() == p).toList();
  }

  @Test
  void theOpenAiSdkGetsVectorsUsageAndTheServingModel() {
    OpenAIClient sdk = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey(MASTER).maxRetries(0)
        .timeout(Duration.ofSeconds(20)).build();
    try {
      CreateEmbeddingResponse r = sdk.embeddings().create(EmbeddingCreateParams.builder().model("local")
          .inputOfArrayOfStrings(List.of("first", "second text")).build());
      assertThat(r.data()).hasSize(2);
      assertThat(r.data().get(1).index()).isEqualTo(1);
      assertThat(r.data().get(0).embedding()).hasSize(16);
      assertThat(r.model()).isEqualTo("e2e/bge");
      assertThat(r.usage().promptTokens()).isEqualTo(2 + 3);
    } finally {
      sdk.close();
    }
    assertThat(events(SimProvider.HOSTED_VLLM)).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SERVED));
  }

  @Test
  void a429FallsBackAndTheRouteHeadersSaySo() throws Exception {
    HttpResponse<String> first = post(MASTER, "{\"model\":\"vectors\",\"input\":\"one\"}");
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.headers().firstValue("x-llm-router-model-group")).hasValue("vectors");
    // The simulated NIM model allows one request a minute.
    HttpResponse<String> second = post(MASTER, "{\"model\":\"vectors\",\"input\":\"two\"}");
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.headers().firstValue("x-llm-router-model-group")).hasValue("vectors-backup");
    assertThat(second.headers().firstValue("x-llm-router-fallbacks")).hasValue("vectors-backup");
    assertThat(Json.tree(second.body()).get("model").asText()).isEqualTo("text-embedding-004");
    assertThat(events(SimProvider.NVIDIA_NIM)).extracting(SimEvent::outcome).containsExactly(Outcome.SERVED, Outcome.RATE_LIMITED);
  }

  @Test
  void aMalformedUpstreamBodyFallsBackAndWithoutAFallbackIsA502() throws Exception {
    sim.failNext(SimProvider.HOSTED_VLLM, "e2e/bge", Fault.malformedBody(), 1);
    HttpResponse<String> r = post(MASTER, "{\"model\":\"local\",\"input\":[\"x\"]}");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("vectors-backup");

    sim.failNext(SimProvider.HOSTED_VLLM, "e2e/bge", Fault.malformedBody(), 1);
    HttpResponse<String> alone = post(MASTER, "{\"model\":\"local\",\"input\":[\"x\"],\"disable_fallbacks\":true}");
    assertThat(alone.statusCode()).as(alone.body()).isGreaterThanOrEqualTo(500);
    assertThat(alone.body()).contains("no data array");
  }

  @Test
  void base64ComesBackFromAProviderThatSendsOnlyFloats() throws Exception {
    HttpResponse<String> r = post(MASTER, "{\"model\":\"vectors-backup\",\"input\":\"same\",\"encoding_format\":\"base64\"}");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode item = Json.tree(r.body()).get("data").get(0);
    // OpenAI's shape exactly: nothing of the router's own leaks into the item.
    assertThat(item.fieldNames()).toIterable().containsExactly("object", "index", "embedding");
    JsonNode v = item.get("embedding");
    assertThat(v.isTextual()).isTrue();
    HttpResponse<String> floats = post(MASTER, "{\"model\":\"local\",\"input\":\"same\"}");
    JsonNode f = Json.tree(floats.body()).get("data").get(0).get("embedding");
    assertThat(f.isArray()).isTrue();
    float[] decoded = Embedding.decodeBase64(v.asText());
    assertThat(decoded).hasSize(f.size());
    for (int i = 0; i < decoded.length; i++) assertThat(decoded[i]).isEqualTo(f.get(i).floatValue());
  }

  @Test
  void authAndBadInputAnswerAsChatDoes() throws Exception {
    assertThat(post(null, "{\"model\":\"local\",\"input\":\"x\"}").statusCode()).isEqualTo(401);
    assertThat(post("wrong", "{\"model\":\"local\",\"input\":\"x\"}").statusCode()).isEqualTo(401);

    HttpResponse<String> badItem = post(MASTER, "{\"model\":\"local\",\"input\":[\"a\",7]}");
    assertThat(badItem.statusCode()).isEqualTo(400);
    assertThat(Json.tree(badItem.body()).path("error").path("param").asText()).isEqualTo("input[1]");

    HttpResponse<String> wrongType = post(MASTER, "{\"model\":\"local\",\"input\":\"a\",\"dimensions\":\"many\"}");
    assertThat(wrongType.statusCode()).isEqualTo(400);
    assertThat(Json.tree(wrongType.body()).path("error").path("param").asText()).isEqualTo("dimensions");

    assertThat(post(MASTER, "{not json").statusCode()).isEqualTo(400);
    HttpResponse<String> unknown = post(MASTER, "{\"model\":\"nope\",\"input\":\"a\"}");
    assertThat(unknown.statusCode()).isIn(400, 404);
    assertThat(unknown.body()).contains("nope");

    HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/embeddings"))
        .header("authorization", "Bearer " + MASTER).GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(405);
    // No provider saw any of these.
    assertThat(sim.events()).isEmpty();
  }
}
