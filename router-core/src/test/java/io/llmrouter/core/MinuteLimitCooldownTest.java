package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.TestClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Minute limits never earn the day-long {@code cooldown_time} (the guide's 86400 s): the real provider
 * client and dialects against a loopback server, on a {@link TestClock}. Four NIM 429s without headers,
 * or four OpenRouter {@code free-models-per-min} 429s without a reset header, cool the deployment only
 * until a minute window can have reopened; the half-open probe then decides. A daily cap still cools to
 * its reset.
 */
class MinuteLimitCooldownTest {
  static final String OK = "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";
  static final String NIM_429 = "{\"status\":429,\"title\":\"Too Many Requests\"}";
  static final String OPENROUTER_PER_MIN = "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-min. \",\"code\":429,"
      + "\"metadata\":{\"provider_name\":null}},\"user_id\":\"user_1\"}";

  final TestClock clock = new TestClock();
  MockWebServer server;
  Router router;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    if (router != null) router.close();
    server.shutdown();
  }

  Router router(String model) {
    RouterConfig config = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("g", model).id("d").apiBase(server.url("/v1").toString()))
        .allowedFails(3).cooldownTime(Duration.ofHours(24)).numRetries(0).build();
    router = LlmRouter.builder(config).clock(clock).sleeper(clock::sleep)
        .env(Env.of(Map.of("NVIDIA_NIM_API_KEY", "nvapi-test", "OPENROUTER_API_KEY", "sk-or-test"))).build();
    return router;
  }

  static ChatRequest ask() {
    return ChatRequest.builder().model("g").messages(ChatMessage.user("hello")).build();
  }

  void rejected(int status, String body, Map<String, String> headers) {
    MockResponse r = new MockResponse().setResponseCode(status).setHeader("content-type", "application/json").setBody(body);
    headers.forEach(r::setHeader);
    server.enqueue(r);
  }

  void ok() {
    server.enqueue(new MockResponse().setHeader("content-type", "application/json").setBody(OK));
  }

  ModelGroupStatus status() {
    return router.modelGroups().get(0);
  }

  /** Four 429s in a minute: the fourth exceeds allowed_fails=3 and cools the deployment. */
  void fourRejections(Router r, String body) {
    for (int i = 0; i < 4; i++) {
      rejected(429, body, Map.of());
      assertThatThrownBy(() -> r.chat(ask())).isInstanceOf(LlmRouterException.class);
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(server.getRequestCount()).isEqualTo(4);
  }

  void coolsForAboutAMinuteThenTheProbeDecides(Router r, String body) {
    fourRejections(r, body);
    Instant tripped = clock.instant().minusSeconds(1);
    ModelGroupStatus s = status();
    assertThat(s.availableNow()).isFalse();
    assertThat(s.availableAt()).isAfter(clock.instant()).isBeforeOrEqualTo(tripped.plusSeconds(60));
    // Cooling: nothing reaches the provider.
    assertThatThrownBy(() -> r.chat(ask())).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(server.getRequestCount()).isEqualTo(4);

    // The window has reopened: the half-open probe goes through; it is still refused, so it cools again, briefly.
    clock.set(s.availableAt());
    assertThat(status().availableNow()).isTrue();
    rejected(429, body, Map.of());
    assertThatThrownBy(() -> r.chat(ask())).isInstanceOf(LlmRouterException.class);
    assertThat(server.getRequestCount()).isEqualTo(5);
    ModelGroupStatus again = status();
    assertThat(again.availableNow()).isFalse();
    assertThat(again.availableAt()).isBeforeOrEqualTo(clock.instant().plusSeconds(60));

    // The next probe is served: full traffic returns.
    clock.set(again.availableAt());
    ok();
    assertThat(r.chat(ask()).text()).isEqualTo("hi");
    ok();
    assertThat(r.chat(ask()).text()).isEqualTo("hi");
    assertThat(status().availableNow()).isTrue();
  }

  @Test
  void fourNimRateLimitsWithoutHeadersCoolForAMinuteNotADay() {
    coolsForAboutAMinuteThenTheProbeDecides(router("nvidia_nim/meta/llama-3.3-70b-instruct"), NIM_429);
  }

  @Test
  void fourOpenRouterPerMinuteLimitsWithoutAResetCoolForAMinuteNotADay() {
    coolsForAboutAMinuteThenTheProbeDecides(router("openrouter/meta-llama/llama-3.3-70b-instruct:free"), OPENROUTER_PER_MIN);
  }

  @Test
  void aDailyCapStillCoolsToItsReset() {
    Router r = router("openrouter/meta-llama/llama-3.3-70b-instruct:free");
    Instant midnight = Instant.parse("2026-03-02T00:00:00Z");
    rejected(429, "{\"error\":{\"message\":\"Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day\","
        + "\"code\":429,\"metadata\":{\"headers\":{\"X-RateLimit-Limit\":\"50\",\"X-RateLimit-Remaining\":\"0\",\"X-RateLimit-Reset\":\""
        + midnight.toEpochMilli() + "\"},\"limit_source\":\"openrouter_free_tier_daily\"}}}", Map.of());
    assertThatThrownBy(() -> r.chat(ask())).isInstanceOf(LlmRouterException.class);
    assertThat(status().availableNow()).isFalse();
    assertThat(status().availableAt()).isEqualTo(midnight);
    clock.advance(Duration.ofHours(13));
    assertThat(status().availableAt()).isEqualTo(midnight);
  }

  @Test
  void aDailyCapWithoutAResetCoolsForCooldownTime() {
    Router r = router("nvidia_nim/meta/llama-3.3-70b-instruct");
    Instant start = clock.instant();
    rejected(429, "{\"status\":429,\"title\":\"Too Many Requests\",\"detail\":\"daily request limit reached\"}", Map.of());
    assertThatThrownBy(() -> r.chat(ask())).isInstanceOf(LlmRouterException.class);
    assertThat(status().availableAt()).isEqualTo(start.plus(Duration.ofHours(24)));
  }
}
