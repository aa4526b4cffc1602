package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.Json;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClientFactory;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleClientTest {
  private static final Instant NOW = Instant.parse("2026-09-08T12:00:00Z");
  private static final String KEY = "gsk_secret_test_key_123";

  private MockWebServer server;
  private OpenAiCompatibleClient client;
  // What the router resolves from its Env (EndpointResolver); the client itself reads no environment.
  private final Map<String, String> env = new HashMap<>();

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
    env.put("GROQ_API_BASE", server.url("/openai/v1").toString());
    env.put("GROQ_API_KEY", KEY);
    env.put("OPENROUTER_API_BASE", server.url("/api/v1/").toString());
    env.put("OPENROUTER_API_KEY", "sk-or-v1-test");
    client = OpenAiCompatibleClient.builder().clock(Clock.fixed(NOW, ZoneOffset.UTC)).maxConnections(300).build();
  }

  @AfterEach
  void stop() throws IOException {
    client.close();
    server.shutdown();
  }

  /** The groq deployment as the router hands it over: base URL and key already resolved. */
  private Endpoint groq() {
    return Endpoint.of("groq-70b", "groq", "llama-3.3-70b-versatile", env.get("GROQ_API_BASE"), Secret.of(env.get("GROQ_API_KEY")));
  }

  private static ChatRequest hello() {
    return ChatRequest.builder().model("fast").messages(ChatMessage.user("hi")).build();
  }

  private static ProviderCall call(Endpoint e, ChatRequest r, Duration timeout) {
    return new ProviderCall(e, r, timeout, false);
  }

  private static final String COMPLETION = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,"
      + "\"model\":\"llama-3.3-70b-versatile\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello\","
      + "\"reasoning\":\"think\"},\"finish_reason\":\"stop\",\"logprobs\":null}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,"
      + "\"total_tokens\":7,\"queue_time\":0.01},\"x_groq\":{\"id\":\"req_1\"},\"service_tier\":\"on_demand\",\"usage_breakdown\":null}";

  // ------------------------------------------------------------------ JSON round trip, headers, precedence

  @Test
  void unknownRequestAndResponseFieldsSurviveAndRouterFieldsDoNot() throws Exception {
    server.enqueue(new MockResponse().setBody(COMPLETION).addHeader("Content-Type", "application/json")
        .addHeader("x-ratelimit-limit-requests", "14400").addHeader("x-ratelimit-remaining-requests", "14370")
        .addHeader("x-ratelimit-reset-requests", "2m59.56s").addHeader("x-ratelimit-limit-tokens", "12000")
        .addHeader("x-ratelimit-remaining-tokens", "11000").addHeader("x-ratelimit-reset-tokens", "7.66s"));
    String requestJson = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"x_note\":1}],"
        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"},\"strict\":true},\"x_tool\":\"t\"}],"
        + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"s\",\"schema\":{\"type\":\"object\"}}},"
        + "\"stream_options\":{\"include_usage\":true},\"seed\":42,\"reasoning_effort\":\"low\",\"temperature\":1e-8,"
        + "\"fallbacks\":[\"other\"],\"disable_fallbacks\":false,\"timeout\":30,\"mock_testing_fallbacks\":true,\"mock_response\":\"x\","
        + "\"extra_body\":{\"a\":[1,2.50,null]}}";
    ChatRequest req = Json.read(requestJson, ChatRequest.class);

    ProviderResponse<ChatResponse> resp = client.chat(call(groq(), req, Duration.ofSeconds(5)));

    RecordedRequest rec = server.takeRequest();
    assertThat(rec.getPath()).isEqualTo("/openai/v1/chat/completions");
    assertThat(rec.getHeader("User-Agent")).startsWith("llm-router/").doesNotContain("okhttp");
    assertThat(rec.getHeader("Authorization")).isEqualTo("Bearer " + KEY);
    JsonNode sent = Json.tree(rec.getBody().readUtf8());
    JsonNode expected = Json.tree(requestJson);
    ((com.fasterxml.jackson.databind.node.ObjectNode) expected).put("model", "llama-3.3-70b-versatile");
    for (String gone : new String[] {"fallbacks", "disable_fallbacks", "timeout", "mock_testing_fallbacks", "mock_response", "stream_options"}) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) expected).remove(gone);
    }
    assertThat(sent).isEqualTo(expected);

    assertThat(Json.tree(Json.write(resp.value()))).isEqualTo(Json.tree(COMPLETION));
    assertThat(resp.value().extra()).containsKeys("x_groq", "service_tier");
    assertThat(resp.status()).isEqualTo(200);
    assertThat(resp.headers()).containsEntry("x-ratelimit-remaining-requests", "14370").doesNotContainKey("content-type");
    assertThat(resp.signal().requests().scope()).isEqualTo(RateScope.DAY);
    assertThat(resp.signal().requests().resetAt()).isEqualTo(NOW.plusMillis(179_560));
    assertThat(resp.signal().tokens().scope()).isEqualTo(RateScope.MINUTE);
    assertThat(resp.signal().tokens().remaining()).isEqualTo(11000L);
  }

  @Test
  void theClientSendsToTheEndpointsBaseAndKey() throws Exception {
    server.enqueue(new MockResponse().setBody(COMPLETION));
    server.enqueue(new MockResponse().setBody(COMPLETION));
    Endpoint own = Endpoint.of("d", "groq", "m", server.url("/deployment/v1/").toString(), Secret.of("gsk_own"));
    client.chat(call(own, hello(), Duration.ofSeconds(5)));
    RecordedRequest first = server.takeRequest();
    assertThat(first.getPath()).isEqualTo("/deployment/v1/chat/completions");
    assertThat(first.getHeader("Authorization")).isEqualTo("Bearer gsk_own");
    client.chat(call(groq(), hello(), Duration.ofSeconds(5)));
    assertThat(server.takeRequest().getPath()).isEqualTo("/openai/v1/chat/completions");

    assertThat(client.info("groq").defaultApiBase()).isEqualTo("https://api.groq.com/openai/v1");
    assertThat(client.info("groq").apiBaseEnv()).isEqualTo("GROQ_API_BASE");
    assertThat(client.info("nvidia_nim").apiKeyEnv()).isEqualTo("NVIDIA_NIM_API_KEY");
    assertThat(client.info("nvidia_nim").apiBaseEnv()).isEqualTo("NVIDIA_NIM_API_BASE");
    assertThat(client.info("hosted_vllm").apiBaseEnv()).isEqualTo("HOSTED_VLLM_API_BASE");
    assertThat(client.prefixes()).contains("hosted_vllm", "openai", "groq", "nvidia_nim", "openrouter", "gemini", "cerebras",
        "mistral", "together_ai", "huggingface", "cloudflare");
    assertThatThrownBy(() -> client.info("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openaiPrefixNeedsAnApiBase() {
    assertThatThrownBy(() -> client.chat(call(Endpoint.of("d", "openai", "m", null, null), hello(), Duration.ofSeconds(1))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("OPENAI_API_BASE");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aDefaultNeedingTheEnvironmentIsNeverGuessedByTheClient() {
    Endpoint cf = Endpoint.of("cf", "cloudflare", "@cf/meta/llama-3.1-8b-instruct", null, Secret.of("cf_secret_token_value"));
    assertThatThrownBy(() -> client.chat(call(cf, hello(), Duration.ofSeconds(1))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("api_base").hasMessageContaining("CLOUDFLARE_ACCOUNT_ID")
        .hasMessageContaining("CLOUDFLARE_API_BASE").message().doesNotContain("cf_secret_token_value");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void placeholderKeySendsNoAuthorizationAndMissingRequiredKeyFailsWithoutACall() throws Exception {
    server.enqueue(new MockResponse().setBody(COMPLETION));
    Endpoint vllm = Endpoint.of("local", "hosted_vllm", "qwen", server.url("/v1").toString(), Secret.of("none"));
    client.chat(call(vllm, hello(), Duration.ofSeconds(5)));
    RecordedRequest rec = server.takeRequest();
    assertThat(rec.getHeader("Authorization")).isNull();
    assertThat(rec.getHeader("User-Agent")).startsWith("llm-router/");

    Endpoint mistral = Endpoint.of("m", "mistral", "mistral-small", server.url("/v1").toString(), null);
    assertThatThrownBy(() -> client.chat(call(mistral, hello(), Duration.ofSeconds(1))))
        .isInstanceOf(AuthenticationException.class).hasMessageContaining("MISTRAL_API_KEY");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void dialectAdaptsTheBody() throws Exception {
    server.enqueue(new MockResponse().setBody(COMPLETION));
    ChatRequest r = Json.read("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}],"
        + "\"max_completion_tokens\":100,\"seed\":7,\"tool_choice\":\"required\",\"n\":2,\"stream_options\":{\"include_usage\":true},"
        + "\"frequency_penalty\":0.5,\"custom\":{\"k\":1}}", ChatRequest.class);
    Endpoint mistral = Endpoint.of("m", "mistral", "mistral-small", server.url("/v1").toString(), Secret.of("mk"));
    client.stream(new ProviderCall(mistral, r, Duration.ofSeconds(5), true)).close();
    JsonNode sent = Json.tree(server.takeRequest().getBody().readUtf8());
    assertThat(sent.get("max_tokens").asInt()).isEqualTo(100);
    assertThat(sent.get("random_seed").asInt()).isEqualTo(7);
    assertThat(sent.get("tool_choice").asText()).isEqualTo("any");
    assertThat(sent.get("stream").asBoolean()).isTrue();
    assertThat(sent.get("custom")).isEqualTo(Json.tree("{\"k\":1}"));
    assertThat(sent.has("max_completion_tokens") || sent.has("seed") || sent.has("n") || sent.has("stream_options")
        || sent.has("frequency_penalty") || sent.get("messages").get(0).has("name")).isFalse();
  }

  // ------------------------------------------------------------------ errors over HTTP

  @Test
  void rateLimitOverHttpCarriesContextWithRedactedHeadersAndNoKey() {
    server.enqueue(new MockResponse().setResponseCode(429).addHeader("retry-after", "2")
        .addHeader("x-ratelimit-limit-tokens", "12000").addHeader("x-ratelimit-remaining-tokens", "0")
        .addHeader("x-ratelimit-reset-tokens", "7.66s").addHeader("Set-Cookie", "session=abc")
        .setBody("{\"error\":{\"message\":\"Rate limit reached on tokens per minute (TPM) for key " + KEY
            + ". Please try again in 1.5s.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}"));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.scope()).isEqualTo(RateScope.MINUTE);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
          assertThat(e.resetAt()).isEqualTo(NOW.plusSeconds(2));
          assertThat(e.status()).isEqualTo(429);
          assertThat(e.deploymentId()).isEqualTo("groq-70b");
          assertThat(e.headers()).containsEntry("retry-after", "2").doesNotContainKey("set-cookie");
          assertThat(e.rateSignal().tokens().exhausted()).isTrue();
          assertThat(e.getMessage()).doesNotContain(KEY);
          assertThat(e.context().body()).doesNotContain(KEY).contains("****");
        });
  }

  @Test
  void htmlBadGatewayFromAProxyIsUnavailable() {
    server.enqueue(new MockResponse().setResponseCode(502).addHeader("Content-Type", "text/html")
        .setBody("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("502 Bad Gateway");
  }

  @Test
  void okWithHtmlOrTruncatedJsonIsMalformed() {
    server.enqueue(new MockResponse().addHeader("Content-Type", "text/html").setBody("<html><body>Maintenance</body></html>"));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5)))).isInstanceOf(MalformedResponseException.class);
    server.enqueue(new MockResponse().setBody("{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assis"));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOf(MalformedResponseException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void disconnectAtStartAndMidBodyAreUnavailable() {
    server.enqueue(new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AT_START));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> assertThat(e.status()).isZero());
    server.enqueue(new MockResponse().setBody(COMPLETION).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void slowResponseTimesOut() {
    server.enqueue(new MockResponse().setBody(COMPLETION).setHeadersDelay(3, TimeUnit.SECONDS));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofMillis(300))))
        .isInstanceOfSatisfying(RequestTimeoutException.class, e -> assertThat(e.retriable()).isTrue());
  }

  @Test
  void bodyStalledAfterTheHeadersTimesOutAndTheClientStaysUsable() {
    // The whole-call deadline covers the body too: headers at once, then the body held back past it.
    server.enqueue(new MockResponse().setBody(COMPLETION).setBodyDelay(3, TimeUnit.SECONDS));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofMillis(300))))
        .isInstanceOfSatisfying(RequestTimeoutException.class, e -> {
          assertThat(e.retriable()).isTrue();
          assertThat(e.getMessage()).contains("timed out").contains("timeout");
        });
    // The next call on the same client is unaffected by the cancelled one.
    server.enqueue(new MockResponse().setBody(COMPLETION));
    assertThat(client.chat(call(groq(), hello(), Duration.ofSeconds(5))).value().choices()).isNotEmpty();
  }

  @Test
  void noHiddenRetryOn503WithRetryAfterZero() {
    server.enqueue(new MockResponse().setResponseCode(503).addHeader("Retry-After", "0").setBody("{\"error\":{\"message\":\"busy\"}}"));
    server.enqueue(new MockResponse().setBody(COMPLETION));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> assertThat(e.headers()).containsEntry("retry-after", "0"));
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  // ------------------------------------------------------------------ streams

  private static String chunk(String content) {
    return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\"" + content + "\"},\"finish_reason\":null}],\"x_extra\":true}\n\n";
  }

  private static List<ChatChunk> drain(ProviderStream s) {
    List<ChatChunk> out = new ArrayList<>();
    for (ChatChunk c; (c = s.next()) != null; ) out.add(c);
    return out;
  }

  private static MockResponse sse(String body) {
    return new MockResponse().addHeader("Content-Type", "text/event-stream").setChunkedBody(body, 7);
  }

  @Test
  void streamWithKeepAlivesUsageChunkAndDone() throws Exception {
    String usage = "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],"
        + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2,\"total_tokens\":3}}\n\n";
    server.enqueue(sse(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n" + chunk("Hel") + chunk("lo") + usage + "data: [DONE]\n\n")
        .addHeader("X-Generation-Id", "gen-1"));
    Endpoint or = Endpoint.of("or", "openrouter", "meta-llama/llama-3.3-70b-instruct:free", env.get("OPENROUTER_API_BASE"),
        Secret.of(env.get("OPENROUTER_API_KEY")));
    ChatRequest r = hello().toBuilder().streamOptions(Json.tree("{\"include_usage\":true}")).build();
    try (ProviderStream s = client.stream(call(or, r, Duration.ofSeconds(5)))) {
      assertThat(s.status()).isEqualTo(200);
      List<ChatChunk> chunks = drain(s);
      assertThat(chunks).hasSize(3);
      assertThat(chunks.get(0).choices().get(0).delta().text()).isEqualTo("Hel");
      assertThat(chunks.get(0).extra()).containsKey("x_extra");
      assertThat(chunks.get(2).choices()).isEmpty();
      assertThat(chunks.get(2).usage().totalTokens()).isEqualTo(3);
      assertThat(s.next()).isNull();
    }
    RecordedRequest rec = server.takeRequest();
    assertThat(rec.getPath()).isEqualTo("/api/v1/chat/completions");
    assertThat(rec.getHeader("Accept")).isEqualTo("text/event-stream");
    JsonNode sent = Json.tree(rec.getBody().readUtf8());
    assertThat(sent.get("stream").asBoolean()).isTrue();
    assertThat(sent.get("stream_options")).isEqualTo(Json.tree("{\"include_usage\":true}"));
  }

  @Test
  void streamWithoutDoneEndsCleanlyAfterChunksButNotWhenEmpty() {
    server.enqueue(sse(chunk("a") + chunk("b")));
    try (ProviderStream s = client.stream(call(groq(), hello(), Duration.ofSeconds(5)))) {
      assertThat(drain(s)).hasSize(2);
    }
    server.enqueue(sse(": keep-alive\n\n"));
    try (ProviderStream s = client.stream(call(groq(), hello(), Duration.ofSeconds(5)))) {
      assertThatThrownBy(s::next).isInstanceOf(MalformedResponseException.class);
    }
  }

  @Test
  void midStreamErrorEventIsTyped() {
    String err = "data: {\"id\":\"gen-abc123\",\"object\":\"chat.completion.chunk\",\"created\":1234567890,\"model\":\"openai/gpt-4o\","
        + "\"provider\":\"OpenAI\",\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":\"rate_limit_exceeded\"}},"
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
    server.enqueue(sse(chunk("partial") + err + "data: [DONE]\n\n"));
    Endpoint or = Endpoint.of("or", "openrouter", "openai/gpt-4o", env.get("OPENROUTER_API_BASE"), Secret.of(env.get("OPENROUTER_API_KEY")));
    ProviderStream s = client.stream(call(or, hello(), Duration.ofSeconds(5)));
    assertThat(s.next().choices().get(0).delta().text()).isEqualTo("partial");
    assertThatThrownBy(s::next).isInstanceOfSatisfying(RateLimitedException.class, e -> {
      assertThat(e.status()).isEqualTo(200);
      assertThat(e.getMessage()).contains("in stream");
    });
    assertThat(s.next()).isNull();
    s.close();

    server.enqueue(sse(chunk("x") + "data: {\"error\":{\"code\":\"server_error\",\"message\":\"Provider disconnected unexpectedly\"}}\n\n"));
    try (ProviderStream s2 = client.stream(call(or, hello(), Duration.ofSeconds(5)))) {
      s2.next();
      assertThatThrownBy(s2::next).isInstanceOf(ProviderUnavailableException.class);
    }
  }

  @Test
  void errorBeforeTheStreamIsThrownFromStream() {
    server.enqueue(new MockResponse().setResponseCode(429).addHeader("retry-after", "17")
        .setBody("{\"error\":{\"message\":\"Rate limit reached on requests per day (RPD). Please try again in 7m12s.\",\"code\":\"rate_limit_exceeded\"}}"));
    assertThatThrownBy(() -> client.stream(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.scope()).isEqualTo(RateScope.DAY);
          assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(17));
        });
    server.enqueue(new MockResponse().addHeader("Content-Type", "text/html").setBody("<html>login</html>"));
    assertThatThrownBy(() -> client.stream(call(groq(), hello(), Duration.ofSeconds(5)))).isInstanceOf(MalformedResponseException.class);
  }

  @Test
  void brokenAndStalledStreams() {
    server.enqueue(sse(chunk("a") + chunk("b") + chunk("c")).setSocketPolicy(SocketPolicy.DISCONNECT_DURING_RESPONSE_BODY));
    try (ProviderStream s = client.stream(call(groq(), hello(), Duration.ofSeconds(5)))) {
      assertThatThrownBy(() -> drain(s)).isInstanceOf(ProviderUnavailableException.class);
    }
    String first = chunk("a");
    server.enqueue(new MockResponse().addHeader("Content-Type", "text/event-stream").setBody(first + chunk("b"))
        .throttleBody(first.length(), 2, TimeUnit.SECONDS));
    try (ProviderStream s = client.stream(call(groq(), hello(), Duration.ofMillis(400)))) {
      assertThat(s.next()).isNotNull();
      assertThatThrownBy(s::next).isInstanceOf(RequestTimeoutException.class);
    }
  }

  @Test
  void tenMegabyteStream() {
    String one = chunk("y".repeat(1000));
    Buffer body = new Buffer();
    int n = (10 * 1024 * 1024) / one.length() + 1;
    for (int i = 0; i < n; i++) body.writeUtf8(one);
    body.writeUtf8("data: [DONE]\n\n");
    server.enqueue(new MockResponse().addHeader("Content-Type", "text/event-stream").setBody(body));
    long count = 0;
    long chars = 0;
    try (ProviderStream s = client.stream(call(groq(), hello(), Duration.ofSeconds(30)))) {
      for (ChatChunk c; (c = s.next()) != null; ) {
        count++;
        chars += c.choices().get(0).delta().text().length();
      }
    }
    assertThat(count).isEqualTo(n);
    assertThat(chars).isEqualTo(1000L * n);
  }

  // ------------------------------------------------------------------ model lists and wiring

  @Test
  void listsModelsThroughTheDialect() throws Exception {
    server.enqueue(new MockResponse().setBody("{\"object\":\"list\",\"data\":[{\"id\":\"llama-3.3-70b-versatile\",\"object\":\"model\","
        + "\"active\":true,\"context_window\":131072},{\"id\":\"whisper-large-v3\",\"context_window\":448},"
        + "{\"id\":\"meta-llama/llama-guard-4-12b\",\"context_window\":131072}]}"));
    List<ModelListing> models = client.listModels(groq(), Duration.ofSeconds(5)).value();
    assertThat(models).extracting(ModelListing::id, ModelListing::chat, ModelListing::contextWindow).containsExactly(
        org.assertj.core.groups.Tuple.tuple("llama-3.3-70b-versatile", true, 131072),
        org.assertj.core.groups.Tuple.tuple("whisper-large-v3", false, 448),
        org.assertj.core.groups.Tuple.tuple("meta-llama/llama-guard-4-12b", false, 131072));
    assertThat(server.takeRequest().getPath()).isEqualTo("/openai/v1/models");

    server.enqueue(new MockResponse().setResponseCode(401).setBody("{\"error\":{\"message\":\"Invalid API Key\",\"code\":\"invalid_api_key\"}}"));
    assertThatThrownBy(() -> client.listModels(groq(), Duration.ofSeconds(5))).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void cloudflareListsThroughModelsSearch() throws Exception {
    server.enqueue(new MockResponse().setBody("{\"result\":[{\"id\":\"u1\",\"name\":\"@cf/meta/llama-3.1-8b-instruct\",\"task\":{\"name\":\"Text Generation\"},"
        + "\"properties\":[{\"property_id\":\"context_window\",\"value\":\"7968\"}]},{\"id\":\"u2\",\"name\":\"@cf/baai/bge-m3\","
        + "\"task\":{\"name\":\"Text Embeddings\"}}],\"success\":true,\"errors\":[],\"messages\":[]}"));
    Endpoint cf = Endpoint.of("cf", "cloudflare", "@cf/meta/llama-3.1-8b-instruct",
        server.url("/client/v4/accounts/acc/ai/v1").toString(), Secret.of("cf"));
    List<ModelListing> models = client.listModels(cf, Duration.ofSeconds(5)).value();
    assertThat(server.takeRequest().getPath()).isEqualTo("/client/v4/accounts/acc/ai/models/search");
    assertThat(models).extracting(ModelListing::id, ModelListing::chat, ModelListing::contextWindow).containsExactly(
        org.assertj.core.groups.Tuple.tuple("@cf/meta/llama-3.1-8b-instruct", true, 7968),
        org.assertj.core.groups.Tuple.tuple("@cf/baai/bge-m3", false, null));
    // The account id is a placeholder the router fills from its Env; the client's info reads no environment.
    assertThat(client.info("cloudflare").defaultApiBase())
        .isEqualTo("https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1");
    env.put("CLOUDFLARE_ACCOUNT_ID", "abc");
    assertThat(client.info("cloudflare").defaultApiBase(env::get)).isEqualTo("https://api.cloudflare.com/client/v4/accounts/abc/ai/v1");
    assertThat(client.info("cloudflare").defaultApiBase(Map.<String, String>of()::get)).isNull();
  }

  @Test
  void serviceLoaderFindsTheFactory() {
    List<ProviderClientFactory> found = new ArrayList<>();
    // On the module path this test runs inside io.llmrouter.providers, which provides the service but (being
    // no consumer of it) does not declare `uses`; the core does. A module may add that to itself at run time.
    getClass().getModule().addUses(ProviderClientFactory.class);
    ServiceLoader.load(ProviderClientFactory.class).forEach(found::add);
    assertThat(found).hasAtLeastOneElementOfType(OkHttpProviderClientFactory.class);
    try (var c = found.get(0).create(Clock.systemUTC())) {
      assertThat(c.prefixes()).contains("groq");
    }
  }

  @Test
  void callerExceptionsCarryProviderException() {
    server.enqueue(new MockResponse().setResponseCode(400).setBody("{\"error\":{\"message\":\"bad\",\"code\":\"x\"}}"));
    assertThatThrownBy(() -> client.chat(call(groq(), hello(), Duration.ofSeconds(5))))
        .isInstanceOf(ProviderException.class).hasMessageStartingWith("groq HTTP 400: bad");
  }
}
