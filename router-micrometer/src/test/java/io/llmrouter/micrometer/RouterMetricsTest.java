package io.llmrouter.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.Router;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A scripted run against the provider simulator on a virtual clock, through the real provider client, and
 * the Prometheus scrape it leaves: the counts are the ones the script caused.
 */
class RouterMetricsTest {
  final VirtualClock clock = VirtualClock.manual();
  ProviderSimulator sim;
  PrometheusMeterRegistry registry;
  RouterMetrics metrics;
  Router router;

  @BeforeEach
  void start() {
    // groq's e2e/tiny takes 2 requests a minute; the router is told rpm 10, so the third request meets a real 429.
    sim = ProviderSimulator.builder().clock(clock).seed(3).providers(SimProvider.GROQ, SimProvider.OPENROUTER)
        .model(SimModel.builder(SimProvider.GROQ, "e2e/tiny").rpm(2).rpd(1_000).tpm(60_000).build())
        .model(SimModel.builder(SimProvider.OPENROUTER, "e2e/tiny:free").rpm(20).build())
        .build().start();
    RouterConfig config = config();
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = RouterMetrics.builder(registry).clock(clock).snapshotTtl(Duration.ZERO).build();
    router = LlmRouter.builder(config).env(Env.of(sim.env())).clock(clock).sleeper(clock::advance).listener(metrics).build();
    metrics.bindTo(router);
  }

  @AfterEach
  void stop() {
    router.close();
    sim.close();
    registry.close();
  }

  static RouterConfig config() {
    return RouterConfig.builder()
        .deployment(DeploymentBuilder.of("chat", "groq/e2e/tiny").id("groq-tiny").apiKeyEnv("GROQ_API_KEY").rpm(10).tpm(50_000))
        .deployment(DeploymentBuilder.of("backup", "openrouter/e2e/tiny:free").id("or-tiny").apiKeyEnv("OPENROUTER_API_KEY"))
        .fallbacks("chat", "backup")
        .numRetries(0)
        .build();
  }

  static ChatRequest ask(String model) {
    return ChatRequest.builder().model(model).messages(ChatMessage.user("hello metrics")).build();
  }

  @Test
  void aScriptedRunShowsTheExpectedCountsInTheScrape() {
    router.chat(ask("chat"));
    router.chat(ask("chat"));
    // The simulator refuses the third minute request with a 429 and a retry hint: groq-tiny cools, backup serves.
    assertThat(router.chat(ask("chat")).route().deploymentId()).isEqualTo("or-tiny");
    // While it cools, groq-tiny is skipped without a call.
    assertThat(router.chat(ask("chat")).route().deploymentId()).isEqualTo("or-tiny");
    try (ChatStream s = router.stream(ask("backup"))) {
      while (s.next() != null) {
        // read to the end
      }
    }

    String scrape = registry.scrape();
    assertThat(value(scrape, "llm_router_requests_total", "model_group=\"chat\",outcome=\"served\"")).isEqualTo(4);
    assertThat(value(scrape, "llm_router_requests_total", "model_group=\"backup\",outcome=\"served\"")).isEqualTo(1);
    assertThat(value(scrape, "llm_router_request_duration_seconds_count", "model_group=\"chat\",outcome=\"served\"")).isEqualTo(4);
    // Histogram buckets for histogram_quantile: the virtual clock stood still, so every request fell in the first.
    assertThat(value(scrape, "llm_router_request_duration_seconds_bucket", "model_group=\"chat\",outcome=\"served\",le=\"0.05\"")).isEqualTo(4);
    assertThat(value(scrape, "llm_router_request_duration_seconds_bucket", "model_group=\"chat\",outcome=\"served\",le=\"+Inf\"")).isEqualTo(4);
    assertThat(value(scrape, "llm_router_attempts_total", "deployment=\"groq-tiny\",model_group=\"chat\",outcome=\"success\",provider=\"groq\""))
        .isEqualTo(2);
    assertThat(value(scrape, "llm_router_attempts_total", "deployment=\"groq-tiny\",model_group=\"chat\",outcome=\"failed\",provider=\"groq\""))
        .isEqualTo(1);
    assertThat(value(scrape, "llm_router_attempts_total", "deployment=\"or-tiny\",model_group=\"backup\",outcome=\"success\",provider=\"openrouter\""))
        .isEqualTo(3);
    assertThat(value(scrape, "llm_router_upstream_responses_total", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",status=\"429\""))
        .isEqualTo(1);
    assertThat(value(scrape, "llm_router_upstream_responses_total", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",status=\"200\""))
        .isEqualTo(2);
    assertThat(value(scrape, "llm_router_upstream_duration_seconds_count",
        "deployment=\"or-tiny\",model_group=\"backup\",outcome=\"success\",provider=\"openrouter\"")).isEqualTo(3);
    assertThat(value(scrape, "llm_router_fallbacks_total", "from_group=\"chat\",kind=\"fallbacks\",to_group=\"backup\"")).isEqualTo(2);
    assertThat(value(scrape, "llm_router_admission_skips_total", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",reason=\"cooling\""))
        .isEqualTo(1);
    assertThat(value(scrape, "llm_router_cooldowns_started_total",
        "cause=\"rate_limited\",deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",scope=\"minute\"")).isEqualTo(1);
    assertThat(value(scrape, "llm_router_time_to_first_token_seconds_count", "deployment=\"or-tiny\",model_group=\"backup\",provider=\"openrouter\""))
        .isEqualTo(1);
    assertThat(value(scrape, "llm_router_tokens_total", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",type=\"prompt\""))
        .isPositive();
    assertThat(value(scrape, "llm_router_tokens_total", "deployment=\"or-tiny\",model_group=\"backup\",provider=\"openrouter\",type=\"completion\""))
        .isPositive();

    // Gauges: rpm in use against the declared limit, the provider's remaining quota, the cooldown left.
    assertThat(value(scrape, "llm_router_deployment_rpm_used", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isEqualTo(3);
    assertThat(value(scrape, "llm_router_deployment_rpm_limit", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isEqualTo(10);
    assertThat(value(scrape, "llm_router_deployment_tpm_limit", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isEqualTo(50_000);
    assertThat(value(scrape, "llm_router_deployment_available", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isZero();
    assertThat(value(scrape, "llm_router_deployment_available", "deployment=\"or-tiny\",model_group=\"backup\",provider=\"openrouter\"")).isEqualTo(1);
    double cooling = value(scrape, "llm_router_deployment_cooldown_remaining_seconds", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"");
    assertThat(cooling).isPositive().isLessThanOrEqualTo(60);
    // Groq's headers count requests per day: 1000 a day, 3 spent (the 429 counts in the simulator's day too).
    assertThat(value(scrape, "llm_router_deployment_quota_remaining", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",window=\"requests\""))
        .isBetween(996.0, 998.0);

    // The cooldown passes on the virtual clock: the gauge follows without any request.
    clock.advance(Duration.ofSeconds(61));
    scrape = registry.scrape();
    assertThat(value(scrape, "llm_router_deployment_cooldown_remaining_seconds", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isZero();
    assertThat(value(scrape, "llm_router_deployment_rpm_used", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isZero();
    assertThat(value(scrape, "llm_router_deployment_available", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isEqualTo(1);
  }

  @Test
  void bindingAnotherRouterMovesTheGaugesToIt() {
    for (int i = 0; i < 3; i++) router.chat(ask("chat")); // the third meets the 429: groq-tiny cools
    String tags = "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"";
    assertThat(value(registry.scrape(), "llm_router_deployment_available", tags)).isZero();
    int meters = registry.getMeters().size();

    // A reloaded configuration: a new router with fresh state, the same deployments.
    try (Router reloaded = LlmRouter.builder(config()).env(Env.of(sim.env())).clock(clock).sleeper(clock::advance)
        .listener(metrics).build()) {
      metrics.bindTo(reloaded);
      String scrape = registry.scrape();
      assertThat(value(scrape, "llm_router_deployment_available", tags)).isEqualTo(1);
      assertThat(value(scrape, "llm_router_deployment_cooldown_remaining_seconds", tags)).isZero();
      assertThat(registry.getMeters()).hasSize(meters);
    }
  }

  @Test
  void meterCountStaysBoundedWhateverModelNamesClientsSend() {
    router.chat(ask("chat"));
    int before = registry.getMeters().size();
    for (int i = 0; i < 500; i++) {
      String name = "client-model-" + i;
      assertThatThrownBy(() -> router.chat(ask(name))).isInstanceOf(UnknownModelException.class);
    }
    assertThat(registry.getMeters()).hasSize(before);

    // Events naming groups and deployments the router never had (a listener shared by another router, a
    // reload) collapse to one tag value: at most one new meter per meter name, however many names arrive.
    for (int i = 0; i < 500; i++) {
      RequestHandle h = new RequestHandle(10_000 + i, "junk-" + i, clock.millis());
      metrics.onRetry(h, "junk-" + i, 1, 0, null);
      metrics.onFallback(h, "junk-" + i, "junk-to-" + i, "made-up-kind-" + i, null);
      metrics.onAdmissionSkip(h, "junk-" + i, "junk-deployment-" + i, NoDeploymentAvailableException.Kind.OVER_RPM, Instant.EPOCH);
      metrics.onCooldownStart("junk-deployment-" + i, clock.instant().plusSeconds(30), "junk reason " + i);
    }
    assertThat(registry.getMeters()).hasSize(before + 4);
    String scrape = registry.scrape();
    assertThat(scrape).doesNotContain("junk").doesNotContain("client-model");
    assertThat(value(scrape, "llm_router_retries_total", "model_group=\"other\"")).isEqualTo(500);
    assertThat(value(scrape, "llm_router_fallbacks_total", "from_group=\"other\",kind=\"other\",to_group=\"other\"")).isEqualTo(500);
  }

  @Test
  void tagValuesAreBoundedFunctions() {
    assertThat(RouterMetrics.status(0)).isEqualTo("none");
    assertThat(RouterMetrics.status(429)).isEqualTo("429");
    assertThat(RouterMetrics.status(1234)).isEqualTo("other");
    assertThat(RouterMetrics.cause("RateLimitedException: groq HTTP 429: slow down")).isEqualTo("rate_limited");
    assertThat(RouterMetrics.cause("AuthenticationException: groq HTTP 401: Invalid API Key")).isEqualTo("auth");
    assertThat(RouterMetrics.cause("sk-looks-like-a-key: something")).isEqualTo("other");
    assertThat(RouterMetrics.reason(NoDeploymentAvailableException.Kind.QUOTA_EXHAUSTED)).isEqualTo("quota");
    for (NoDeploymentAvailableException.Kind k : NoDeploymentAvailableException.Kind.values()) {
      assertThat(RouterMetrics.reason(k)).matches("[a-z_]+");
    }
  }

  /** The value of the sample {@code name{labels}} in a Prometheus text scrape; fails when absent. */
  static double value(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)").matcher(scrape);
    assertThat(m.find()).as("%s{%s} in the scrape:%n%s", name, labels, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
