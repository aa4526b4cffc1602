package io.llmrouter.providers.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.RequestTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Status + body + headers -> exception type, scope, retry hint and reset, per dialect, with the bodies quoted
 * in provider-formats.md.
 */
class ErrorMappingTest {
  static final Instant NOW = Instant.parse("2026-09-08T12:00:00Z");

  record Case(String name, int status, Map<String, String> headers, String body, Class<? extends ProviderException> type,
      RateScope scope, Duration retryAfter, Instant resetAt) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, int status, String body, Class<? extends ProviderException> type) {
    return new Case(name, status, Map.of(), body, type, null, null, null);
  }

  static Case rate(String name, int status, Map<String, String> headers, String body, RateScope scope, Duration retry, Instant reset) {
    return new Case(name, status, headers, body, RateLimitedException.class, scope, retry, reset);
  }

  static void check(Dialect d, Case k) {
    ErrorInput in = new ErrorInput("dep-1", k.status(), k.headers(), k.body(), d.signal(k.headers(), NOW), NOW, false);
    ProviderException e = d.classify(in);
    assertThat(e).as(k.name()).isExactlyInstanceOf(k.type());
    assertThat(e.status()).isEqualTo(k.status());
    assertThat(e.provider()).isEqualTo(d.prefix());
    assertThat(e.deploymentId()).isEqualTo("dep-1");
    assertThat(e.context().body()).isEqualTo(k.body().length() > 4096 ? e.context().body() : k.body());
    assertThat(e.getMessage()).startsWith(d.prefix() + " HTTP " + k.status());
    if (e instanceof RateLimitedException r) {
      assertThat(r.scope()).as(k.name() + " scope").isEqualTo(k.scope());
      assertThat(r.retryAfter()).as(k.name() + " retryAfter").isEqualTo(k.retryAfter());
      assertThat(r.resetAt()).as(k.name() + " resetAt").isEqualTo(k.resetAt());
      assertThat(e.rateSignal().retryAfter()).isEqualTo(k.retryAfter());
    }
  }

  // ---------------------------------------------------------------- Groq

  static Stream<Case> groq() {
    Map<String, String> h = Map.of("retry-after", "2", "x-ratelimit-limit-requests", "14400", "x-ratelimit-remaining-requests", "14370",
        "x-ratelimit-reset-requests", "2m59.56s", "x-ratelimit-limit-tokens", "12000", "x-ratelimit-remaining-tokens", "0",
        "x-ratelimit-reset-tokens", "7.66s");
    Map<String, String> rpdHeaders = Map.of("x-ratelimit-limit-requests", "1000", "x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "6h0m0s", "retry-after", "21600");
    return Stream.of(
        rate("429 TPM with retry-after header", 429, h,
            "{\"error\":{\"message\":\"Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_01` service tier `on_demand` on tokens per minute (TPM): Limit 12000, Used 2542, Requested 9855. Please try again in 1.984999999s. Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.MINUTE, Duration.ofSeconds(2), NOW.plusSeconds(2)),
        rate("429 TPM, hint only in message", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit reached for model `mixtral` in organization `org_1` on tokens per minute (TPM): Limit 5000, Used 0, Requested ~4251. Please try again in 1.984999999s. Visit https://console.groq.com/docs/rate-limits for more information.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.MINUTE, Duration.ofNanos(1_984_999_999), NOW.plusNanos(1_984_999_999)),
        rate("429 TPD", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit reached for model `llama-3.3-70b-versatile` in organization `org_1` service tier `on_demand` on tokens per day (TPD): Limit 100000, Used 97050, Requested 3619. Please try again in 9m38.016s. Need more tokens?\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.DAY, Duration.ofMillis(578_016), NOW.plusMillis(578_016)),
        // The day's requests window has room: its reset (when the whole day's use has refilled, 8 h) is not when
        // the refused tokens-per-day bucket has room again; the hint is.
        rate("429 TPD beside a requests-per-day window with room", 429, Map.of("x-ratelimit-limit-requests", "14400",
                "x-ratelimit-remaining-requests", "9700", "x-ratelimit-reset-requests", "7h50m0s", "x-ratelimit-limit-tokens", "30000",
                "x-ratelimit-remaining-tokens", "28441", "x-ratelimit-reset-tokens", "3.118s"),
            "{\"error\":{\"message\":\"Rate limit reached for model `meta-llama/llama-4-scout-17b-16e-instruct` in organization `org_1` service tier `on_demand` on tokens per day (TPD): Limit 500000, Used 498451, Requested 1559. Please try again in 1.569s. Need more tokens?\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.DAY, Duration.ofMillis(1_569), NOW.plusMillis(1_569)),
        rate("429 RPD keeps the later of hint and daily reset", 429, rpdHeaders,
            "{\"error\":{\"message\":\"Rate limit reached for model `llama-3.3-70b-versatile` on requests per day (RPD): Limit 1000, Used 1000, Requested 1. Please try again in 7m12s.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.DAY, Duration.ofSeconds(21600), NOW.plusSeconds(21600)),
        rate("429 compound type, open set", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit reached on tokens per day (TPD): Limit 1, Used 1. Please try again in 27m44s.\",\"type\":\"compound\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.DAY, Duration.ofSeconds(1664), NOW.plusSeconds(1664)),
        c("413 request too large for TPM", 413,
            "{\"error\":{\"message\":\"Request too large for model `llama-3.3-70b-versatile` in organization `org_1` service tier `on_demand` on tokens per minute (TPM): Limit 6000, Requested 14810, please reduce your message size and try again.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
            RequestTooLargeException.class),
        c("400 context_length_exceeded", 400,
            "{\"error\":{\"message\":\"Please reduce the length of the messages or completion.\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}}",
            ContextWindowExceededException.class),
        c("400 decommissioned", 400,
            "{\"request_id\":\"req_01kjf0gsxyej1syt7a6t1dptd1\",\"created_at\":\"2026-02-27T07:37:56.926Z\",\"error\":{\"message\":\"The model `deepseek-r1-distill-llama-70b` has been decommissioned and is no longer supported.\",\"type\":\"invalid_request_error\",\"param\":\"\",\"code\":\"model_decommissioned\"}}",
            ModelNotFoundException.class),
        c("404 model_not_found", 404,
            "{\"error\":{\"message\":\"The model `llama-3.1-405b-reasoning` does not exist or you do not have access to it.\",\"type\":\"invalid_request_error\",\"code\":\"model_not_found\"}}",
            ModelNotFoundException.class),
        c("400 tool_use_failed", 400,
            "{\"error\":{\"message\":\"Failed to call a function. Please adjust your prompt. See 'failed_generation' for more details.\",\"type\":\"invalid_request_error\",\"code\":\"tool_use_failed\",\"failed_generation\":\"<function=f>\"}}",
            BadRequestException.class),
        c("401 invalid key", 401, "{\"error\":{\"message\":\"Invalid API Key\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}",
            AuthenticationException.class),
        c("498 flex capacity", 498, "{\"error\":{\"message\":\"capacity exceeded\",\"code\":\"capacity_exceeded\"}}",
            ProviderUnavailableException.class),
        c("503", 503, "{\"error\":{\"message\":\"Service Unavailable\"}}", ProviderUnavailableException.class),
        c("502 HTML page from a proxy", 502, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>cloudflare</center></body></html>",
            ProviderUnavailableException.class),
        c("403 cloudflare 1010 HTML", 403, "<!DOCTYPE html><title>Access denied | api.groq.com used Cloudflare</title> error code: 1010", AuthenticationException.class),
        c("200 with HTML", 200, "<html><body>maintenance</body></html>", MalformedResponseException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groq")
  void groqErrors(Case k) {
    check(new GroqDialect(), k);
  }

  // ---------------------------------------------------------------- OpenRouter

  static Stream<Case> openrouter() {
    return Stream.of(
        rate("429 free-models-per-day (metadata.headers copy)", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day\",\"code\":429,\"metadata\":{\"headers\":{\"X-RateLimit-Limit\":\"50\",\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":\"1788912000000\"},\"limit_source\":\"openrouter_free_tier_daily\"}}}",
            RateScope.DAY, null, Instant.ofEpochMilli(1788912000000L)),
        rate("429 free daily, real headers", 429, Map.of("x-ratelimit-limit", "1000", "x-ratelimit-remaining", "0", "x-ratelimit-reset", "1788912000000"),
            "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-day-high-balance\",\"code\":429,\"metadata\":{\"headers\":{\"X-RateLimit-Limit\":\"1000\",\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":\"1788912000000\"},\"provider_name\":null}},\"user_id\":\"user_1\"}",
            RateScope.DAY, null, Instant.ofEpochMilli(1788912000000L)),
        rate("429 limit_rpm shared capacity", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit exceeded: limit_rpm/qwen/qwen3-coder-480b-a35b-07-25/5d1f. High demand for qwen/qwen3-coder:free on OpenRouter - limited to 8 requests per minute. Please retry shortly.\",\"code\":429,\"metadata\":{\"headers\":{\"X-RateLimit-Limit\":\"8\",\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":\"1788868860000\"},\"limit_source\":\"openrouter_shared_capacity\",\"remedy_hint\":\"Retry shortly\"}}}",
            RateScope.MINUTE, null, Instant.ofEpochMilli(1788868860000L)),
        rate("429 free-models-per-min without a reset header", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-min. \",\"code\":429,\"metadata\":{\"provider_name\":null}}}",
            RateScope.MINUTE, null, null),
        rate("429 limit_rpd per model", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit exceeded: limit_rpd/google/gemini-2.0-flash-thinking-exp-01-21/abc\",\"code\":429,\"metadata\":{\"headers\":{\"X-RateLimit-Limit\":\"80\",\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":\"1788912000000\"},\"provider_name\":\"Google AI Studio\"}}}",
            RateScope.DAY, null, Instant.ofEpochMilli(1788912000000L)),
        rate("429 upstream Venice with retry_after_seconds_raw", 429, Map.of(),
            "{\"error\":{\"message\":\"Provider returned error\",\"code\":429,\"metadata\":{\"raw\":\"meta-llama/llama-3.3-70b-instruct:free is temporarily rate-limited upstream. Please retry shortly, or add your own key to accumulate your rate limits: https://openrouter.ai/settings/integrations\",\"provider_name\":\"Venice\",\"is_byok\":false,\"retry_after_seconds\":17,\"retry_after_seconds_raw\":16.007,\"headers\":{\"Retry-After\":\"17\"}}},\"user_id\":\"user_1\"}",
            RateScope.UNKNOWN, Duration.ofSeconds(17), NOW.plusSeconds(17)),
        rate("429 typed", 429, Map.of(),
            "{\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":\"rate_limit_exceeded\",\"provider_code\":\"rate_limited\"}}}",
            RateScope.UNKNOWN, null, null),
        rate("429 proxy-mangled string code", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-day-high-balance.\",\"type\":\"rate_limit_error\",\"code\":\"429\"}}",
            RateScope.DAY, null, null),
        rate("401 User not found hiding an upstream 429", 401, Map.of(),
            "{\"error\":{\"message\":\"User not found.\",\"code\":401,\"metadata\":{\"raw\":\"qwen3-next-80b:free is temporarily rate-limited upstream\",\"provider_name\":\"Venice\",\"retry_after_seconds\":30}}}",
            RateScope.UNKNOWN, Duration.ofSeconds(30), NOW.plusSeconds(30)),
        c("401 User not found, no rate evidence", 401, "{\"error\":{\"message\":\"User not found.\",\"code\":401}}", AuthenticationException.class),
        c("401 no auth credentials", 401, "{\"error\":{\"message\":\"No auth credentials found\",\"code\":401}}", AuthenticationException.class),
        c("400 context via Chutes", 400,
            "{\"error\":{\"message\":\"This endpoint's maximum context length is 131072 tokens. However, you requested about 141607 tokens (10535 of text input, 131072 in the output). Please reduce the length of either one, or use the \\\"middle-out\\\" transform to compress your prompt automatically.\",\"code\":400,\"metadata\":{\"provider_name\":\"Chutes\"}}}",
            ContextWindowExceededException.class),
        c("502 upstream context in raw", 502,
            "{\"error\":{\"message\":\"Provider returned error\",\"code\":502,\"metadata\":{\"raw\":\"{\\\"object\\\":\\\"error\\\",\\\"message\\\":\\\"This model's maximum context length is 16384 tokens. However, you requested 122946 tokens\\\",\\\"type\\\":\\\"BadRequestError\\\",\\\"code\\\":400}\",\"provider_name\":\"DeepInfra\"}}}",
            ContextWindowExceededException.class),
        c("400 typed context_length_exceeded", 400, "{\"error\":{\"code\":400,\"message\":\"Input too long\",\"metadata\":{\"error_type\":\"context_length_exceeded\"}}}",
            ContextWindowExceededException.class),
        rate("402 credits", 402, Map.of(),
            "{\"error\":{\"message\":\"This request requires more credits, or fewer max_tokens. You requested up to 64000 tokens, but can only afford 2666.\",\"code\":402,\"metadata\":{\"provider_name\":null}},\"user_id\":\"u\"}",
            RateScope.UNKNOWN, null, null),
        c("404 no endpoints for tools", 404,
            "{\"error\":{\"message\":\"No endpoints found that support tool use. To learn more about provider routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection\",\"code\":404}}",
            BadRequestException.class),
        c("400 bad model id", 400, "{\"error\":{\"message\":\"free is not a valid model ID\",\"code\":400}}", ModelNotFoundException.class),
        c("403 guardrail", 403, "{\"error\":{\"code\":403,\"message\":\"Request blocked: prompt injection patterns detected\",\"metadata\":{\"patterns\":[\"x\"]}}}",
            ContentPolicyException.class),
        c("upstream mistral 400 in raw string", 400,
            "{\"error\":{\"message\":\"Provider returned error\",\"code\":400,\"metadata\":{\"raw\":\"{\\\"object\\\":\\\"error\\\",\\\"message\\\":\\\"Unexpected role 'tool' after role 'user'\\\",\\\"code\\\":\\\"3230\\\"}\",\"provider_name\":\"Mistral\"}}}",
            BadRequestException.class),
        c("200 with error in body", 200, "{\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},\"user_id\":\"u\"}",
            ProviderUnavailableException.class),
        c("200 partial failure on a choice", 200,
            "{\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"par\"},\"finish_reason\":\"error\",\"error\":{\"code\":429,\"message\":\"Rate limit exceeded\",\"metadata\":{\"error_type\":\"rate_limit_exceeded\"}}}]}",
            RateLimitedException.class),
        c("504 typed timeout", 504, "{\"error\":{\"code\":504,\"message\":\"timed out\",\"metadata\":{\"error_type\":\"timeout\"}}}", RequestTimeoutException.class),
        c("503 overloaded", 503, "{\"error\":{\"code\":503,\"message\":\"overloaded\",\"metadata\":{\"error_type\":\"provider_overloaded\"}}}",
            ProviderUnavailableException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openrouter")
  void openrouterErrors(Case k) {
    if (k.type() == RateLimitedException.class && k.scope() == null) {
      check(new OpenRouterDialect(), new Case(k.name(), k.status(), k.headers(), k.body(), k.type(), RateScope.UNKNOWN, null, null));
    } else {
      check(new OpenRouterDialect(), k);
    }
  }

  // ---------------------------------------------------------------- NVIDIA NIM

  static Stream<Case> nvidia() {
    return Stream.of(
        // NIM's only known window is the trial's requests per minute: a bare 429 is a minute limit.
        rate("429 problem-JSON, no hint", 429, Map.of(), "{\"status\":429,\"title\":\"Too Many Requests\"}", RateScope.MINUTE, null, null),
        c("404 not found for account", 404,
            "{\"status\":404,\"title\":\"Not Found\",\"detail\":\"Function '23d4f03a-b8a6-4adb-a183-7daa083a09cc': Not found for account 'Qawmu2vUw3'\"}",
            ModelNotFoundException.class),
        c("400 context, numeric code", 400,
            "{\"error\":{\"message\":\"This model's maximum context length is 196608 tokens. However, your messages resulted in 199906 tokens. Please reduce the length of the messages.\",\"type\":\"Bad Request\",\"code\":400}}",
            ContextWindowExceededException.class),
        c("410 deprecated endpoint", 410, "{\"status\":410,\"title\":\"Gone\"}", ModelNotFoundException.class),
        c("401", 401, "{\"status\":401,\"title\":\"Unauthorized\",\"detail\":\"Authentication failed\"}", AuthenticationException.class),
        c("500", 500, "{\"status\":500,\"title\":\"Internal Server Error\"}", ProviderUnavailableException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("nvidia")
  void nvidiaErrors(Case k) {
    check(new NvidiaNimDialect(), k);
  }

  // ---------------------------------------------------------------- vLLM and generic OpenAI

  static Stream<Case> vllm() {
    return Stream.of(
        c("400 input too long", 400,
            "{\"error\":{\"message\":\"This model's maximum context length is 8192 tokens. However, your request has 9000 input tokens. Please reduce the length of the input messages.\",\"type\":\"BadRequestError\",\"param\":\"input_tokens\",\"code\":400}}",
            ContextWindowExceededException.class),
        c("400 max_tokens too large", 400,
            "{\"error\":{\"message\":\"'max_tokens' or 'max_completion_tokens' is too large: 4096. This model's maximum context length is 8192 tokens and your request has 5000 input tokens (4096 > 8192 - 5000).\",\"type\":\"BadRequestError\",\"param\":\"max_tokens\",\"code\":400}}",
            ContextWindowExceededException.class),
        c("400 legacy flat", 400,
            "{\"object\":\"error\",\"message\":\"This model's maximum context length is 16384 tokens. However, you requested 122946 tokens (112946 in the messages, 10000 in the completion). Please reduce the length of the messages or completion.\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}",
            ContextWindowExceededException.class),
        c("404 unknown model", 404, "{\"error\":{\"message\":\"The model `X` does not exist.\",\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}",
            ModelNotFoundException.class),
        c("400 auto tool choice flags", 400,
            "{\"error\":{\"message\":\"\\\"auto\\\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}",
            BadRequestException.class),
        c("500 internal", 500, "{\"error\":{\"message\":\"boom\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}",
            ProviderUnavailableException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vllm")
  void vllmErrors(Case k) {
    check(new HostedVllmDialect(), k);
  }

  static Stream<Case> openai() {
    return Stream.of(
        rate("429 RPD message", 429, Map.of("x-ratelimit-limit-requests", "200", "x-ratelimit-remaining-requests", "0", "x-ratelimit-reset-requests", "1m26.4s"),
            "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini on requests per day (RPD): Limit 200, Used 200, Requested 1. Please try again in 1m26.4s.\",\"type\":\"requests\",\"param\":null,\"code\":\"rate_limit_exceeded\"}}",
            RateScope.DAY, Duration.ofMillis(86_400), NOW.plusMillis(86_400)),
        rate("429 retry-after-ms wins", 429, Map.of("retry-after-ms", "1500", "retry-after", "2"),
            "{\"error\":{\"message\":\"Rate limit reached on requests per min (RPM): Limit 3. Please try again in 20s.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.MINUTE, Duration.ofMillis(1500), NOW.plusMillis(1500)),
        c("400 content filter", 400, "{\"error\":{\"message\":\"The response was filtered\",\"type\":\"invalid_request_error\",\"code\":\"content_filter\"}}",
            ContentPolicyException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openai")
  void openaiErrors(Case k) {
    check(new OpenAiDialect(), k);
  }

  // ---------------------------------------------------------------- Gemini

  static Stream<Case> gemini() {
    return Stream.of(
        rate("429 array, no details", 429, Map.of(),
            "[{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted (e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}]",
            RateScope.UNKNOWN, null, null),
        rate("429 per-day quota with RetryInfo", 429, Map.of(),
            "[{\"error\":{\"code\":429,\"message\":\"You exceeded your current quota, please check your plan and billing details. Please retry in 58.934310785s.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaMetric\":\"generativelanguage.googleapis.com/generate_content_free_tier_requests\",\"quotaId\":\"GenerateRequestsPerDayPerProjectPerModel-FreeTier\",\"quotaDimensions\":{\"location\":\"global\",\"model\":\"gemini-2.0-flash\"}}]},{\"@type\":\"type.googleapis.com/google.rpc.Help\",\"links\":[{\"description\":\"Learn more\",\"url\":\"https://ai.google.dev/gemini-api/docs/rate-limits\"}]},{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"58s\"}]}}]",
            RateScope.DAY, Duration.ofSeconds(58), NOW.plusSeconds(58)),
        rate("429 per-minute quota, bare object, message hint only", 429, Map.of(),
            "{\"error\":{\"code\":429,\"message\":\"Quota exceeded. Please retry in 45.837906927s.\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":\"GenerateRequestsPerMinutePerProjectPerModel-FreeTier\"}]}]}}",
            RateScope.MINUTE, Duration.ofNanos(45_837_906_927L), NOW.plusNanos(45_837_906_927L)),
        c("400 unknown field", 400,
            "[{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload received. Unknown name \\\"frequency_penalty\\\": Cannot find field.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.BadRequest\",\"fieldViolations\":[{\"description\":\"Invalid JSON payload received.\"}]}]}}]",
            BadRequestException.class),
        c("400 invalid key", 400, "[{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\"}}]",
            AuthenticationException.class),
        c("400 input token count", 400, "{\"error\":{\"code\":400,\"message\":\"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).\",\"status\":\"INVALID_ARGUMENT\"}}",
            ContextWindowExceededException.class),
        c("503 unavailable", 503, "[{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}]",
            ProviderUnavailableException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("gemini")
  void geminiErrors(Case k) {
    check(new GeminiDialect(), k);
  }

  // ---------------------------------------------------------------- Cerebras

  static Stream<Case> cerebras() {
    Map<String, String> minuteHeaders = Map.of("x-ratelimit-limit-requests-day", "14400", "x-ratelimit-remaining-requests-day", "9000",
        "x-ratelimit-reset-requests-day", "33011.382867097855", "x-ratelimit-limit-tokens-minute", "60000",
        "x-ratelimit-remaining-tokens-minute", "0", "x-ratelimit-reset-tokens-minute", "11.5");
    return Stream.of(
        rate("429 RPM flat body, param quota is not a day", 429, Map.of("retry-after", "3"),
            "{\"message\":\"Requests per minute limit exceeded - too many requests sent.\",\"type\":\"too_many_requests_error\",\"param\":\"quota\",\"code\":\"request_quota_exceeded\"}",
            RateScope.MINUTE, Duration.ofSeconds(3), NOW.plusSeconds(3)),
        rate("429 TPM with named window headers", 429, minuteHeaders,
            "{\"message\":\"Tokens per minute limit exceeded - too many tokens processed.\",\"type\":\"too_many_tokens_error\",\"param\":\"quota\",\"code\":\"token_quota_exceeded\"}",
            RateScope.MINUTE, null, NOW.plusMillis(11_500)),
        rate("429 TPD with Retry-After 86399", 429, Map.of("retry-after", "86399"),
            "{\"message\":\"Tokens per day limit exceeded - too many tokens processed.\",\"type\":\"too_many_tokens_error\",\"param\":\"quota\",\"code\":\"token_quota_exceeded\"}",
            RateScope.DAY, Duration.ofSeconds(86399), NOW.plusSeconds(86399)),
        rate("429 no words, long Retry-After means day", 429, Map.of("retry-after", "7200"),
            "{\"message\":\"limit exceeded\",\"type\":\"too_many_requests_error\",\"param\":\"quota\",\"code\":\"request_quota_exceeded\"}",
            RateScope.DAY, Duration.ofSeconds(7200), NOW.plusSeconds(7200)),
        rate("429 queue_exceeded", 429, Map.of(), "{\"message\":\"Queue is full\",\"type\":\"too_many_requests_error\",\"code\":\"queue_exceeded\"}",
            RateScope.UNKNOWN, null, null),
        c("400 context current length", 400,
            "{\"message\":\"Please reduce the length of the messages or completion. Current length is 42328 while limit is 40000\",\"type\":\"invalid_request_error\",\"param\":\"messages\",\"code\":\"context_length_exceeded\"}",
            ContextWindowExceededException.class),
        c("404 model", 404, "{\"message\":\"Model llama-9 does not exist or you do not have access to it.\",\"type\":\"not_found_error\",\"param\":\"model\",\"code\":\"model_not_found\"}",
            ModelNotFoundException.class),
        c("422", 422, "{\"message\":\"frequency_penalty is not supported\",\"type\":\"invalid_request_error\",\"param\":\"frequency_penalty\",\"code\":\"wrong_api_format\"}",
            BadRequestException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cerebras")
  void cerebrasErrors(Case k) {
    check(new CerebrasDialect(), k);
  }

  // ---------------------------------------------------------------- Mistral

  static Stream<Case> mistral() {
    Map<String, String> monthGone = Map.of("x-ratelimit-limit-tokens-month", "1000000000", "x-ratelimit-remaining-tokens-month", "0",
        "x-ratelimit-reset-tokens-month", "86400", "x-ratelimit-limit-tokens-minute", "500000", "x-ratelimit-remaining-tokens-minute", "499000");
    return Stream.of(
        rate("429 old body", 429, Map.of(), "{\"message\":\"Requests rate limit exceeded\"}", RateScope.UNKNOWN, null, null),
        rate("429 new body", 429, Map.of("x-ratelimit-limit-req-minute", "720", "x-ratelimit-remaining-req-minute", "0"),
            "{\"object\":\"error\",\"message\":\"Rate limit exceeded\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\",\"raw_status_code\":429}",
            RateScope.MINUTE, null, null),
        rate("429 monthly tokens gone", 429, monthGone,
            "{\"object\":\"error\",\"message\":\"Rate limit exceeded\",\"type\":\"rate_limited\",\"param\":null,\"code\":\"1300\"}",
            RateScope.MONTH, null, NOW.plusSeconds(86400)),
        c("422 extra_forbidden, object message", 422,
            "{\"object\":\"error\",\"message\":{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"stream_options\",\"include_usage\"],\"msg\":\"Extra inputs are not permitted\",\"input\":true}]},\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}",
            BadRequestException.class),
        c("400 tool call id", 400,
            "{\"object\":\"error\",\"message\":\"Tool call id was turn1_0 but must be a-z, A-Z, 0-9, with a length of 9.\",\"type\":\"invalid_function_call\",\"param\":null,\"code\":\"3280\",\"raw_status_code\":400}",
            BadRequestException.class),
        c("400 role order", 400,
            "{\"object\":\"error\",\"message\":\"Unexpected role 'user' after role 'tool'\",\"type\":\"invalid_request_message_order\",\"param\":null,\"code\":\"3230\"}",
            BadRequestException.class),
        c("400 context", 400,
            "{\"object\":\"error\",\"message\":\"Prompt contains 300000 tokens, too large for model with 131072 maximum context length\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"3051\"}",
            ContextWindowExceededException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistral")
  void mistralErrors(Case k) {
    check(new MistralDialect(), k);
  }

  // ---------------------------------------------------------------- Together

  static Stream<Case> together() {
    return Stream.of(
        rate("429 older credit_limit per minute", 429, Map.of(),
            "{\"error\":{\"message\":\"You have been rate limited. Your rate limit is 60 queries per minute. Please navigate to https://api.together.xyz/settings/billing to add credit or upgrade your plan.\",\"type\":\"credit_limit\",\"param\":null,\"code\":null}}",
            RateScope.MINUTE, null, null),
        rate("429 dynamic request limit", 429, Map.of("x-ratelimit-limit", "10", "x-ratelimit-remaining", "0", "x-ratelimit-reset", "2"),
            "{\"error\":{\"message\":\"Dynamic rate limit exceeded\",\"type\":\"rate_limit\"},\"error_type\":\"dynamic_request_limited\"}",
            RateScope.SECOND, null, NOW.plusSeconds(2)),
        c("400 context inputs+max_new_tokens", 400,
            "{\"error\":{\"message\":\"Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4097. Given: 80125 `inputs` tokens and 4096 `max_new_tokens`\",\"type\":\"invalid_request_error\",\"param\":\"max_tokens\",\"code\":null}}",
            ContextWindowExceededException.class),
        c("503 capacity", 503, "{\"error\":{\"message\":\"Service overloaded\",\"type\":\"server_error\"}}", ProviderUnavailableException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("together")
  void togetherErrors(Case k) {
    check(new TogetherAiDialect(), k);
  }

  // ---------------------------------------------------------------- Hugging Face

  static Stream<Case> huggingface() {
    return Stream.of(
        c("400 model not supported by providers", 400,
            "{\"error\":\"The requested model 'moonshotai/Kimi-K2-Instruct' is not supported by any provider you have enabled.\"}",
            ModelNotFoundException.class),
        rate("402 monthly credits", 402,
            Map.of(), "{\"error\":\"You have exceeded your monthly included credits for Inference Providers. Subscribe to PRO to get 20x more monthly included credits.\"}",
            RateScope.MONTH, null, null),
        rate("upstream groq 429 passes through", 429, Map.of(),
            "{\"error\":{\"message\":\"Rate limit reached for model `x` on tokens per minute (TPM): Limit 6000. Please try again in 4.77s.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}",
            RateScope.MINUTE, Duration.ofMillis(4770), NOW.plusMillis(4770)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("huggingface")
  void huggingfaceErrors(Case k) {
    check(new HuggingFaceDialect(), k);
  }

  // ---------------------------------------------------------------- Cloudflare

  static Stream<Case> cloudflare() {
    return Stream.of(
        rate("3036 daily neurons", 429, Map.of(),
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":3036,\"message\":\"You have used up your daily free allocation of 10,000 neurons. Please upgrade to Cloudflare's Workers Paid plan\"}],\"messages\":[]}",
            RateScope.DAY, null, Instant.parse("2026-09-09T00:00:00Z")),
        rate("4006 daily neurons", 429, Map.of(),
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":4006,\"message\":\"you have used up your daily free allocation of 10,000 neurons\"}],\"messages\":[]}",
            RateScope.DAY, null, Instant.parse("2026-09-09T00:00:00Z")),
        c("3040 out of capacity", 429,
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":3040,\"message\":\"No more data centers to forward the request to\"}],\"messages\":[]}",
            ProviderUnavailableException.class),
        c("5007 no such model", 400, "{\"success\":false,\"errors\":[{\"code\":5007,\"message\":\"No such model\"}]}", ModelNotFoundException.class),
        c("7003 could not route", 404,
            "{\"result\":null,\"success\":false,\"errors\":[{\"code\":7003,\"message\":\"Could not route to /client/v4/accounts/x/ai/v1/chat/completions, perhaps your object identifier is invalid?\"}],\"messages\":[]}",
            AuthenticationException.class),
        c("3006 too large", 413, "{\"success\":false,\"errors\":[{\"code\":3006,\"message\":\"Request too large\"}]}", RequestTooLargeException.class),
        c("3007 timeout", 408, "{\"success\":false,\"errors\":[{\"code\":3007,\"message\":\"Timeout\"}]}", RequestTimeoutException.class),
        c("7009 upstream unavailable", 502, "{\"success\":false,\"errors\":[{\"code\":7009,\"message\":\"Upstream service unavailable\"}]}",
            ProviderUnavailableException.class),
        c("5016 model agreement", 403, "{\"success\":false,\"errors\":[{\"code\":5016,\"message\":\"Model agreement required\"}]}",
            ModelNotFoundException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cloudflare")
  void cloudflareErrors(Case k) {
    check(new CloudflareDialect(), k);
  }
}
