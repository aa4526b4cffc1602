package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.Json;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTimeoutException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Every error the facade can answer, over raw HTTP: status, OpenAI error shape, headers. */
class HttpErrorsTest extends FacadeTestBase {

  static JsonNode error(HttpResponse<String> r) {
    JsonNode e = Json.tree(r.body()).get("error");
    assertThat(e).as("OpenAI error shape in %s", r.body()).isNotNull();
    assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
    return e;
  }

  private void routerThrows(Supplier<LlmRouterException> error) {
    router.onChat = r -> {
      throw error.get();
    };
  }

  private static ErrorContext ctx(int status, Map<String, String> headers) {
    return new ErrorContext(status, "groq", "dep-1", headers, null, null);
  }

  @Test
  void malformedJsonNamesLineAndColumn() throws Exception {
    HttpResponse<String> r = postAuthed("/v1/chat/completions", "{\n  \"model\": \"fast\",\n  \"messages\": [}\n}");

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = error(r);
    assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    assertThat(e.get("code").asText()).isEqualTo("invalid_json");
    assertThat(e.get("message").asText()).contains("line 3, column 16");
    assertThat(router.requests).isEmpty();
  }

  @Test
  void wrongJsonTypeAlsoNamesWhere() throws Exception {
    HttpResponse<String> r = postAuthed("/v1/chat/completions", "{\"model\":\"fast\",\"messages\":\"hi\"}");

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).get("message").asText()).contains("line 1, column");
  }

  @Test
  void emptyBodyMissingModelAndMissingMessagesAre400() throws Exception {
    assertThat(error(postAuthed("/v1/chat/completions", "")).get("message").asText()).contains("empty");
    // Whitespace only, ASCII or not, is empty too (checked on the bytes, without a text copy of the body).
    assertThat(error(postAuthed("/v1/chat/completions", " \r\n\t ")).get("message").asText()).contains("empty");
    assertThat(error(postAuthed("/v1/chat/completions", "\u2003 \u3000")).get("message").asText()).contains("empty");
    assertThat(error(postAuthed("/v1/chat/completions", " x")).get("message").asText()).doesNotContain("empty");
    HttpResponse<String> noModel = postAuthed("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    assertThat(noModel.statusCode()).isEqualTo(400);
    assertThat(error(noModel).get("param").asText()).isEqualTo("model");
    HttpResponse<String> noMessages = postAuthed("/v1/chat/completions", "{\"model\":\"fast\"}");
    assertThat(noMessages.statusCode()).isEqualTo(400);
    assertThat(error(noMessages).get("param").asText()).isEqualTo("messages");
  }

  @Test
  void unknownModelListsKnownOnes() throws Exception {
    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("gpt-9"));

    assertThat(r.statusCode()).isEqualTo(400);
    JsonNode e = error(r);
    assertThat(e.get("code").asText()).isEqualTo("model_not_found");
    assertThat(e.get("message").asText()).contains("gpt-9").contains("fast, smart");
  }

  @Test
  void exhaustedChainIs429WithRetryAfterFromTheEarliestReopening() throws Exception {
    routerThrows(() -> new NoDeploymentAvailableException("fast", List.of(
        new Reason("fast", "dep-1", Kind.QUOTA_EXHAUSTED, NOW.plusSeconds(3600), null),
        new Reason("smart", "dep-2", Kind.COOLING, NOW.plusMillis(12_300), null)),
        NOW.plusMillis(12_300), ScriptedRouter.route("fast", null, null), null));

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("13");
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("fast");
    JsonNode e = error(r);
    assertThat(e.get("type").asText()).isEqualTo("rate_limit_error");
    assertThat(e.get("message").asText()).contains("dep-1").contains("remaining quota 0");
  }

  @Test
  void exhaustedChainAfterARateLimitCarriesThatAttemptsRateHeaders() throws Exception {
    RateLimitedException last = new RateLimitedException("openrouter: rate limit reached",
        ctx(429, Map.of("x-ratelimit-limit-requests", "20", "x-ratelimit-remaining-requests", "0",
            "x-ratelimit-reset-requests", "1764633600000", "retry-after", "7", "retry-after-ms", "7000",
            "set-cookie", "secret=1")),
        RateScope.MINUTE, Duration.ofSeconds(7), null);
    routerThrows(() -> new NoDeploymentAvailableException("fast", List.of(
        new Reason("fast", "dep-1", Kind.RATE_LIMITED, NOW.plusMillis(12_300), "429"),
        new Reason("smart", "dep-2", Kind.RATE_LIMITED, NOW.plusSeconds(30), "429")),
        NOW.plusMillis(12_300), ScriptedRouter.route("fast", null, null), last));

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(429);
    Map<String, List<String>> rate = new java.util.TreeMap<>();
    r.headers().map().forEach((k, v) -> {
      if (k.startsWith("x-ratelimit-") || k.startsWith("retry-after")) rate.put(k, v);
    });
    // The router's Retry-After (the earliest reopening) wins over the provider's; its counters pass unprefixed.
    assertThat(rate).containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
        "retry-after", List.of("13"),
        "x-ratelimit-limit-requests", List.of("20"),
        "x-ratelimit-remaining-requests", List.of("0"),
        "x-ratelimit-reset-requests", List.of("1764633600000"))));
    assertThat(r.headers().map()).doesNotContainKeys("set-cookie");
    assertThat(error(r).get("type").asText()).isEqualTo("rate_limit_error");
  }

  @Test
  void exhaustedChainWhoseLastErrorWasNoRateLimitCarriesNoProviderRateHeaders() throws Exception {
    ProviderUnavailableException last = new ProviderUnavailableException("groq 500",
        ctx(500, Map.of("x-ratelimit-remaining-requests", "12")));
    routerThrows(() -> new NoDeploymentAvailableException("fast", List.of(
        new Reason("fast", "dep-1", Kind.COOLING, NOW.plusSeconds(5), null)),
        NOW.plusSeconds(5), ScriptedRouter.route("fast", null, null), last));

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("5");
    assertThat(r.headers().map().keySet()).noneMatch(k -> k.startsWith("x-ratelimit-"));
  }

  @Test
  void providerRateLimitIs429WithUpstreamHeadersUnprefixed() throws Exception {
    routerThrows(() -> new RateLimitedException("groq: rate limit reached",
        ctx(429, Map.of("x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "6m0s",
            "retry-after", "7", "set-cookie", "secret=1", "x-request-id", "abc")),
        RateScope.MINUTE, Duration.ofSeconds(7), null));

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("7");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("0");
    assertThat(r.headers().firstValue("x-ratelimit-reset-requests")).hasValue("6m0s");
    assertThat(r.headers().map()).doesNotContainKeys("set-cookie");
    // The facade's own request id, never the provider's.
    assertThat(r.headers().allValues("x-request-id")).hasSize(1).first().asString().matches("[0-9a-f]{32}");
  }

  @Test
  void providerFailuresAre502Or503() throws Exception {
    routerThrows(() -> new ProviderUnavailableException("groq 500", ctx(500, Map.of())));
    HttpResponse<String> r502 = postAuthed("/v1/chat/completions", chatBody("fast"));
    assertThat(r502.statusCode()).isEqualTo(502);
    assertThat(error(r502).get("type").asText()).isEqualTo("api_error");

    routerThrows(() -> new ProviderUnavailableException("overloaded", ctx(503, Map.of())));
    assertThat(postAuthed("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(503);
  }

  @Test
  void chainThatFailedHardWithoutReopeningTimeFollowsTheLastError() throws Exception {
    routerThrows(() -> new NoDeploymentAvailableException("fast",
        List.of(new Reason("fast", "dep-1", Kind.FAILED, null, "500")), null, null,
        new ProviderUnavailableException("groq 500", ctx(500, Map.of()))));
    assertThat(postAuthed("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(502);

    routerThrows(() -> new NoDeploymentAvailableException("fast",
        List.of(new Reason("fast", "dep-1", Kind.MISSING_KEY, null, null)), null, null, null));
    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).isEmpty();
  }

  @Test
  void timeoutIs504() throws Exception {
    routerThrows(() -> new RequestTimeoutException("no first byte within 30 s", ctx(0, Map.of())));

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(error(r).get("code").asText()).isEqualTo("timeout");
  }

  @Test
  void badRequestAndContextWindowAre400() throws Exception {
    routerThrows(() -> new BadRequestException("tool_use_failed", ctx(400, Map.of())));
    assertThat(postAuthed("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(400);

    routerThrows(() -> new ContextWindowExceededException("prompt too long", ctx(400, Map.of())));
    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(error(r).get("code").asText()).isEqualTo("context_length_exceeded");
  }

  @Test
  void unexpectedExceptionIs500WithoutInternals() throws Exception {
    router.onChat = r -> {
      throw new IllegalStateException("secret internal detail");
    };

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(r.body()).doesNotContain("secret internal detail").contains("IllegalStateException");
  }

  @Test
  void bodyOverTheLimitIs413WithContentLengthOrChunked() throws Exception {
    server.stop();
    server = new FacadeServer(router, options().maxBodyBytes(1024).build());
    server.start();
    String big = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "a".repeat(2000) + "\"}]}";

    HttpResponse<String> declared = postAuthed("/v1/chat/completions", big);
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(error(declared).get("code").asText()).isEqualTo("request_too_large");

    // No Content-Length: the limit is enforced while reading.
    HttpRequest chunked = HttpRequest.newBuilder(uri("/v1/chat/completions"))
        .header("authorization", "Bearer " + KEY)
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big.getBytes()))).build();
    assertThat(http.send(chunked, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);

    assertThat(postAuthed("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(200);
    assertThat(router.requests).hasSize(1);
  }

  /** Issue 16: sizes near the top of the range are computed without overflow (a long limit once made every body "empty"). */
  @Test
  void theLargestBodyLimitStillReadsBodiesAndRefusesHugeDeclaredLengthsAtOnce() throws Exception {
    server.stop();
    server = new FacadeServer(router, options().maxBodyBytes(FacadeOptions.MAX_BODY_BYTES_LIMIT).build());
    server.start();
    assertThat(postAuthed("/v1/chat/completions", chatBody("fast")).statusCode()).isEqualTo(200);

    for (String length : new String[] {"9223372036854775807", Long.toString(FacadeOptions.MAX_BODY_BYTES_LIMIT + 1)}) {
      RawHttp.Reply r = RawHttp.exchange(server.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: Bearer " + KEY + "\r\nContent-Length: " + length + "\r\n\r\n{", Duration.ofSeconds(5));
      assertThat(r.status()).as(length).isEqualTo(413);
      assertThat(Json.tree(r.body()).at("/error/code").asText()).isEqualTo("request_too_large");
    }
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> FacadeOptions.builder().maxBodyBytes(Long.MAX_VALUE)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBodyBytes must be 1 to 1073741824");
  }

  @Test
  void unknownPathIs404AndWrongMethodIs405() throws Exception {
    HttpResponse<String> notFound = get("/v2/whatever", "authorization", "Bearer " + KEY);
    assertThat(notFound.statusCode()).isEqualTo(404);
    error(notFound);

    HttpResponse<String> wrongMethod = get("/v1/chat/completions", "authorization", "Bearer " + KEY);
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(wrongMethod.headers().firstValue("allow")).hasValue("POST");
    error(wrongMethod);
  }

  @Test
  void successCarriesRouteAndUpstreamHeaders() throws Exception {
    router.onChat = r -> ScriptedRouter.reply(r, "hi", ScriptedRouter.route("smart", "groq-2", "llama-3.3-70b",
        Map.of("x-ratelimit-remaining-tokens", "4000", "retry-after", "1"), List.of("smart")));

    HttpResponse<String> r = postAuthed("/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("smart");
    assertThat(r.headers().firstValue("x-llm-router-deployment")).hasValue("groq-2");
    assertThat(r.headers().firstValue("x-llm-router-attempts")).hasValue("1");
    assertThat(r.headers().firstValue("x-llm-router-fallbacks")).hasValue("smart");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-tokens")).hasValue("4000");
    assertThat(Json.tree(r.body()).get("model").asText()).isEqualTo("llama-3.3-70b");
  }

  @Test
  void unknownFieldsPassThroughBothWays() throws Exception {
    router.onChat = r -> ScriptedRouter.reply(r, "ok", ScriptedRouter.route("fast", "d", "pm")).toBuilder()
        .extra("provider_extra", Json.tree("{\"x_groq\":{\"id\":\"req_1\"}}")).build();
    String body = "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"cache_control\":{\"type\":\"ephemeral\"}}],"
        + "\"seed\":7,\"reasoning_effort\":\"low\",\"top_k\":0.1}";

    HttpResponse<String> r = postAuthed("/v1/chat/completions", body);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.tree(r.body()).at("/provider_extra/x_groq/id").asText()).isEqualTo("req_1");
    JsonNode sent = Json.tree(Json.write(router.requests.get(0)));
    assertThat(sent.get("seed").asInt()).isEqualTo(7);
    assertThat(sent.get("reasoning_effort").asText()).isEqualTo("low");
    assertThat(sent.get("top_k").toString()).isEqualTo("0.1");
    assertThat(sent.at("/messages/0/cache_control/type").asText()).isEqualTo("ephemeral");
  }

  @Test
  void modelsAndSingleModel() throws Exception {
    HttpResponse<String> list = get("/models", "x-api-key", KEY);
    assertThat(list.statusCode()).isEqualTo(200);
    JsonNode root = Json.tree(list.body());
    assertThat(root.get("object").asText()).isEqualTo("list");
    assertThat(root.at("/data/0/id").asText()).isEqualTo("fast");
    assertThat(root.at("/data/0/context_window").asInt()).isEqualTo(131072);
    assertThat(root.at("/data/0/cooling_until").isNull()).isTrue();
    assertThat(root.at("/data/1/context_window").isNull()).isTrue();

    assertThat(Json.tree(get("/v1/models/smart", "x-api-key", KEY).body()).get("available_now").asBoolean()).isFalse();
    HttpResponse<String> missing = get("/v1/models/nope", "x-api-key", KEY);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(error(missing).get("message").asText()).contains("fast, smart");
  }

  @Test
  void healthHasLiteLlmShape() throws Exception {
    router.health = new io.llmrouter.api.HealthReport(
        List.of(new io.llmrouter.api.HealthReport.Endpoint("fast", "dep-1", "groq/llama-3.1-8b-instant", "https://api.groq.com/openai/v1", null, NOW)),
        List.of(new io.llmrouter.api.HealthReport.Endpoint("smart", "dep-2", "openrouter/x", "https://h/v1?api-key=leak", "401 invalid key", NOW)),
        NOW);

    HttpResponse<String> r = get("/health", "authorization", "Bearer " + KEY);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode h = Json.tree(r.body());
    assertThat(h.get("healthy_count").asInt()).isEqualTo(1);
    assertThat(h.get("unhealthy_count").asInt()).isEqualTo(1);
    assertThat(h.at("/healthy_endpoints/0/model").asText()).isEqualTo("groq/llama-3.1-8b-instant");
    assertThat(h.at("/unhealthy_endpoints/0/error").asText()).isEqualTo("401 invalid key");
    assertThat(h.at("/unhealthy_endpoints/0/model_name").asText()).isEqualTo("smart");
    assertThat(r.body()).doesNotContain("leak");
    assertThat(get("/health").statusCode()).isEqualTo(401);
  }

  @Test
  void readinessNeedsNoKey() throws IOException, InterruptedException {
    HttpResponse<String> r = get("/health/readiness");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(Json.tree(r.body()).get("status").asText()).isEqualTo("ready");
  }
}
