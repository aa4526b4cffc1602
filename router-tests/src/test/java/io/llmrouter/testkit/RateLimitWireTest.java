package io.llmrouter.testkit;

import static io.llmrouter.testkit.SimHttp.chat;
import static io.llmrouter.testkit.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Each provider's rate-limit headers and 429 bodies, and the windows rolling on the virtual clock. */
class RateLimitWireTest {
  private final VirtualClock clock = VirtualClock.manual();
  private ProviderSimulator sim;

  private ProviderSimulator start(ProviderSimulator.Builder b) {
    sim = b.clock(clock).build().start();
    return sim;
  }

  @AfterEach
  void close() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void groqSuccessHeadersReportRpdAndTpmWithGoDurationsAndNoRetryAfter() {
    start(ProviderSimulator.builder());
    SimHttp.Reply r = post(sim, SimProvider.GROQ, chat("llama-3.3-70b-versatile", "hello"));
    assertThat(r.status()).isEqualTo(200);
    int total = r.json().at("/usage/total_tokens").asInt();
    assertThat(r.headers().get("x-ratelimit-limit-requests")).isEqualTo("1000");
    assertThat(r.headers().get("x-ratelimit-limit-tokens")).isEqualTo("12000");
    assertThat(r.headers().get("x-ratelimit-remaining-requests")).isEqualTo("999");
    assertThat(r.headers().get("x-ratelimit-remaining-tokens")).isEqualTo(Integer.toString(12_000 - total));
    assertThat(r.headers().get("x-ratelimit-reset-requests")).isEqualTo("1m26.4s"); // 86400 s / 1000, as Groq's docs show
    assertThat(SimHttp.goDuration(r.headers().get("x-ratelimit-reset-tokens")))
        .isEqualTo(Duration.ofMillis(Math.round(total * 60_000.0 / 12_000)));
    assertThat(r.headers().get("retry-after")).isNull();
    assertThat(r.headers().get("x-request-id")).startsWith("req_");
    assertThat(r.json().at("/x_groq/id").asText()).startsWith("req_");
  }

  @Test
  void groqRpmThenRefillAfterTheAnnouncedWait() {
    start(ProviderSimulator.builder());
    for (int i = 0; i < 30; i++) {
      assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(200);
    }
    SimHttp.Reply limited = post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi"));
    assertThat(limited.status()).isEqualTo(429);
    JsonNode err = limited.json().get("error");
    assertThat(err.get("message").asText()).contains("on requests per minute (RPM): Limit 30, Used 30, Requested 1")
        .contains("Please try again in 2s.");
    assertThat(err.get("type").asText()).isEqualTo("requests");
    assertThat(err.get("code").asText()).isEqualTo("rate_limit_exceeded");
    assertThat(limited.headers().get("retry-after")).isEqualTo("2");
    assertThat(limited.headers().get("x-ratelimit-limit-requests")).isEqualTo("14400"); // headers on errors too
    clock.advance(Duration.ofMillis(1_999));
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(429);
    clock.advance(Duration.ofMillis(1));
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(200);
    assertThat(sim.stats(SimProvider.GROQ, "llama-3.1-8b-instant").rateLimited(Limit.RPM)).isEqualTo(2);
  }

  @Test
  void groqRpdWindowRollsOverTheDayOnTheVirtualClock() {
    start(ProviderSimulator.builder().model(SimModel.builder(SimProvider.GROQ, "tiny-rpd").rpd(5).tpm(100_000).build()));
    for (int i = 0; i < 5; i++) {
      assertThat(post(sim, SimProvider.GROQ, chat("tiny-rpd", "hi")).status()).isEqualTo(200);
    }
    SimHttp.Reply limited = post(sim, SimProvider.GROQ, chat("tiny-rpd", "hi"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().at("/error/message").asText()).contains("requests per day (RPD): Limit 5, Used 5");
    Duration wait = SimHttp.tryAgainIn(limited.json().at("/error/message").asText());
    assertThat(wait).isEqualTo(Duration.ofSeconds(17_280)); // one request refills every 86400/5 s
    assertThat(limited.headers().get("retry-after")).isEqualTo("17280");
    assertThat(limited.headers().get("x-ratelimit-remaining-requests")).isEqualTo("0");
    assertThat(limited.headers().get("x-ratelimit-reset-requests")).isEqualTo("24h0m0s");
    clock.advance(wait);
    assertThat(post(sim, SimProvider.GROQ, chat("tiny-rpd", "hi")).status()).isEqualTo(200);
    // Replay three days, one request every ten minutes: never more than the bucket allows.
    int served = 0;
    for (int i = 0; i < 3 * 144; i++) {
      clock.advance(Duration.ofMinutes(10));
      SimHttp.Reply r = post(sim, SimProvider.GROQ, chat("tiny-rpd", "hi"));
      if (r.status() == 200) {
        served++;
      } else {
        assertThat(r.json().at("/error/message").asText()).contains("(RPD)");
      }
    }
    assertThat(served).isBetween(14, 16); // 5 per day refilled over 3 days
    assertThat(sim.stats(SimProvider.GROQ, "tiny-rpd").requestsLastDay()).isBetween(4L, 6L);
  }

  @Test
  void groqTpmWaitIsExactAndTpdAndTooLargeAreDistinct() {
    start(ProviderSimulator.builder().model(SimModel.builder(SimProvider.GROQ, "tiny-tpm").tpm(1_000).tpd(1_500).build()));
    String prompt = "x".repeat(1_600); // 400 prompt tokens
    assertThat(post(sim, SimProvider.GROQ, chat("tiny-tpm", prompt)).status()).isEqualTo(200);
    assertThat(post(sim, SimProvider.GROQ, chat("tiny-tpm", prompt)).status()).isEqualTo(200);
    SimHttp.Reply limited = post(sim, SimProvider.GROQ, chat("tiny-tpm", prompt));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().at("/error/type").asText()).isEqualTo("tokens");
    assertThat(limited.json().at("/error/message").asText()).contains("tokens per minute (TPM): Limit 1000");
    Duration wait = SimHttp.tryAgainIn(limited.json().at("/error/message").asText());
    clock.advance(wait.minusMillis(5));
    assertThat(post(sim, SimProvider.GROQ, chat("tiny-tpm", prompt)).status()).isEqualTo(429);
    clock.advance(Duration.ofMillis(5));
    assertThat(post(sim, SimProvider.GROQ, chat("tiny-tpm", prompt)).status()).isEqualTo(200);
    clock.advance(Duration.ofMinutes(2));
    SimHttp.Reply daily = post(sim, SimProvider.GROQ, chat("tiny-tpm", prompt));
    assertThat(daily.status()).isEqualTo(429);
    assertThat(daily.json().at("/error/message").asText()).contains("tokens per day (TPD): Limit 1500");
    SimHttp.Reply tooLarge = post(sim, SimProvider.GROQ, chat("tiny-tpm", "y".repeat(8_000)));
    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.json().at("/error/message").asText()).startsWith("Request too large for model `tiny-tpm`");
    ModelStats stats = sim.stats(SimProvider.GROQ, "tiny-tpm");
    assertThat(stats.rateLimited(Limit.TPM)).isEqualTo(2);
    assertThat(stats.rateLimited(Limit.TPD)).isEqualTo(1);
    assertThat(stats.tokensLastDay()).isLessThanOrEqualTo(1_500);
  }

  @Test
  void cerebrasHeadersUseDayAndMinuteNamesWithFloatSeconds() {
    start(ProviderSimulator.builder());
    SimHttp.Reply r = post(sim, SimProvider.CEREBRAS, chat("llama3.1-8b", "hello"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("x-ratelimit-limit-requests-day")).isEqualTo("14400");
    assertThat(r.headers().get("x-ratelimit-remaining-requests-day")).isEqualTo("14399");
    assertThat(r.headers().get("x-ratelimit-reset-requests-day")).isEqualTo("6.0");
    assertThat(r.headers().get("x-ratelimit-limit-tokens-minute")).isEqualTo("60000");
    assertThat(Double.parseDouble(r.headers().get("x-ratelimit-reset-tokens-minute"))).isPositive();
    assertThat(r.headers().get("x-ratelimit-limit-requests")).isNull();
    assertThat(r.json().has("time_info")).isTrue();
    for (int i = 0; i < 29; i++) {
      post(sim, SimProvider.CEREBRAS, chat("llama3.1-8b", "hello"));
    }
    SimHttp.Reply limited = post(sim, SimProvider.CEREBRAS, chat("llama3.1-8b", "hello"));
    assertThat(limited.status()).isEqualTo(429);
    JsonNode body = limited.json();
    assertThat(body.has("error")).isFalse(); // flat, not wrapped
    assertThat(body.get("message").asText()).isEqualTo("Requests per minute limit exceeded - too many requests sent.");
    assertThat(body.get("code").asText()).isEqualTo("request_quota_exceeded");
    assertThat(limited.headers().get("retry-after")).isEqualTo("2");
  }

  @Test
  void openRouterSendsNoHeadersOnSuccessAndEpochMillisOnPlatform429s() {
    start(ProviderSimulator.builder());
    String model = "meta-llama/llama-3.3-70b-instruct:free";
    SimHttp.Reply ok = post(sim, SimProvider.OPENROUTER, chat(model, "hello"));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-ratelimit"));
    assertThat(ok.headers().get("X-Generation-Id")).startsWith("gen-");
    assertThat(ok.json().get("provider").asText()).isEqualTo("Venice");
    clock.advance(Duration.ofSeconds(10)); // 00:00:10; the minute window ends at 00:01:00
    for (int i = 0; i < 19; i++) {
      assertThat(post(sim, SimProvider.OPENROUTER, chat(model, "hello")).status()).isEqualTo(200);
    }
    SimHttp.Reply rpm = post(sim, SimProvider.OPENROUTER, chat(model, "hello"));
    assertThat(rpm.status()).isEqualTo(429);
    assertThat(rpm.headers().get("X-RateLimit-Limit")).isEqualTo("20");
    assertThat(rpm.headers().get("X-RateLimit-Remaining")).isEqualTo("0");
    long minuteBoundary = VirtualClock.DEFAULT_START.plusSeconds(60).toEpochMilli();
    assertThat(rpm.headers().get("X-RateLimit-Reset")).isEqualTo(Long.toString(minuteBoundary));
    assertThat(rpm.json().at("/error/metadata/headers/X-RateLimit-Reset").asText()).isEqualTo(Long.toString(minuteBoundary));
    assertThat(rpm.json().at("/error/code").asInt()).isEqualTo(429);
    clock.set(Instant.ofEpochMilli(minuteBoundary));
    assertThat(post(sim, SimProvider.OPENROUTER, chat(model, "hello")).status()).isEqualTo(200);
  }

  @Test
  void openRouterFreeDailyCapResetsAtUtcMidnight() {
    start(ProviderSimulator.builder().openRouterFreeDailyCap(50, true));
    clock.set(Instant.parse("2025-06-02T10:00:00Z"));
    String[] models = {"qwen/qwen3-coder:free", "openai/gpt-oss-120b:free", "deepseek/deepseek-r1:free"};
    for (int i = 0; i < 50; i++) {
      if (i % 15 == 0) {
        clock.advance(Duration.ofMinutes(1));
      }
      assertThat(post(sim, SimProvider.OPENROUTER, chat(models[i % 3], "q" + i)).status()).isEqualTo(200);
    }
    SimHttp.Reply capped = post(sim, SimProvider.OPENROUTER, chat("z-ai/glm-4.5-air:free", "one more"));
    assertThat(capped.status()).isEqualTo(429);
    assertThat(capped.json().at("/error/message").asText()).startsWith("Rate limit exceeded: free-models-per-day");
    assertThat(capped.json().at("/error/metadata/limit_source").asText()).isEqualTo("openrouter_free_tier_daily");
    assertThat(capped.json().get("user_id").asText()).startsWith("user_");
    long midnight = Instant.parse("2025-06-03T00:00:00Z").toEpochMilli();
    assertThat(capped.headers().get("X-RateLimit-Reset")).isEqualTo(Long.toString(midnight));
    assertThat(capped.headers().get("X-RateLimit-Limit")).isEqualTo("50");
    clock.set(Instant.ofEpochMilli(midnight).minusMillis(1));
    assertThat(post(sim, SimProvider.OPENROUTER, chat("z-ai/glm-4.5-air:free", "still capped")).status()).isEqualTo(429);
    clock.set(Instant.ofEpochMilli(midnight));
    assertThat(post(sim, SimProvider.OPENROUTER, chat("z-ai/glm-4.5-air:free", "new day")).status()).isEqualTo(200);
    assertThat(sim.stats(SimProvider.OPENROUTER, "z-ai/glm-4.5-air:free").rateLimited(Limit.RPD)).isEqualTo(2);
  }

  @Test
  void nimLimitIsAProblemJsonWithNoHeadersAndARollingMinute() {
    start(ProviderSimulator.builder());
    String model = "meta/llama-3.3-70b-instruct";
    SimHttp.Reply first = post(sim, SimProvider.NVIDIA_NIM, chat(model, "hello"));
    assertThat(first.headers().names()).noneMatch(n -> n.toLowerCase().contains("ratelimit"));
    clock.advance(Duration.ofSeconds(30));
    for (int i = 0; i < 39; i++) {
      assertThat(post(sim, SimProvider.NVIDIA_NIM, chat(model, "hello")).status()).isEqualTo(200);
    }
    SimHttp.Reply limited = post(sim, SimProvider.NVIDIA_NIM, chat(model, "hello"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.json().toString()).isEqualTo("{\"status\":429,\"title\":\"Too Many Requests\"}");
    assertThat(limited.headers().get("retry-after")).isNull();
    clock.advance(Duration.ofSeconds(30)); // the first request leaves the window: exactly one slot frees
    assertThat(post(sim, SimProvider.NVIDIA_NIM, chat(model, "hello")).status()).isEqualTo(200);
    assertThat(post(sim, SimProvider.NVIDIA_NIM, chat(model, "hello")).status()).isEqualTo(429);
  }

  @Test
  void geminiQuota429IsArrayWrappedWithRetryInfoAndDailyQuotaId() {
    start(ProviderSimulator.builder().model(SimModel.builder(SimProvider.GEMINI, "gemini-2.0-flash").rpm(15).rpd(2).build()));
    post(sim, SimProvider.GEMINI, chat("gemini-2.0-flash", "a"));
    post(sim, SimProvider.GEMINI, chat("models/gemini-2.0-flash", "b"));
    SimHttp.Reply limited = post(sim, SimProvider.GEMINI, chat("gemini-2.0-flash", "c"));
    assertThat(limited.status()).isEqualTo(429);
    JsonNode err = limited.json().get(0).get("error");
    assertThat(err.get("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(err.toString()).contains("GenerateRequestsPerDayPerProjectPerModel-FreeTier")
        .contains("type.googleapis.com/google.rpc.RetryInfo");
    assertThat(err.get("message").asText()).contains("Please retry in ");
    assertThat(limited.headers().get("retry-after")).isNull();
    // 2025-06-02T00:00Z is 17:00 Pacific on June 1st: the day quota returns 7 hours later.
    clock.advance(Duration.ofHours(7));
    assertThat(post(sim, SimProvider.GEMINI, chat("gemini-2.0-flash", "d")).status()).isEqualTo(200);
  }
}
