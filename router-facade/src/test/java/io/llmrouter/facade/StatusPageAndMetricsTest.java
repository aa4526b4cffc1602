package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.Json;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RouterStatus;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@code GET /ui}, its data at {@code /ui/status}, and the {@code /metrics} hook; who may read which. */
class StatusPageAndMetricsTest extends FacadeTestBase {
  final AtomicInteger scrapes = new AtomicInteger();

  @Override
  FacadeOptions.Builder options() {
    return super.options().metricsText(() -> "# TYPE llm_router_requests_total counter\nllm_router_requests_total 7.0\nscrapes "
        + scrapes.incrementAndGet() + "\n");
  }

  static RouterStatus snapshot() {
    Instant at = Instant.parse("2026-01-01T00:00:00Z");
    RouterStatus.Deployment cooling = new RouterStatus.Deployment("<b>fast</b>", "groq-1", "groq", "llama-3.1-8b-instant", false,
        at.plusSeconds(42), at.plusSeconds(42), "RateLimitedException: groq HTTP 429: Rate limit reached",
        new HealthReport.Quota(new RateSignal.Window(14_400L, 13_999L, at.plusSeconds(86), RateScope.DAY), null, null, at), 30, 30L,
        6_000L, 1_234L, true, null, 0, 31);
    RouterStatus.Deployment ok = new RouterStatus.Deployment("<b>fast</b>", "or-1", "openrouter", "meta-llama/x:free", true, null,
        null, null, null, null, 0, null, 0, false, "ProviderUnavailableException: connection refused", 1, 4);
    return new RouterStatus(at, List.of(new RouterStatus.Group("<b>fast</b>", true, null, 35, 3, List.of(cooling, ok))));
  }

  @Test
  void statusJsonNeedsTheMasterKeyAndCarriesEveryField() throws Exception {
    router.status = snapshot();
    assertThat(get("/ui/status").statusCode()).isEqualTo(401);
    assertThat(get("/ui/status", "authorization", "Bearer wrong").statusCode()).isEqualTo(401);

    HttpResponse<String> r = get("/ui/status", "authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
    JsonNode s = Json.mapper().readTree(r.body());
    assertThat(s.get("at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    JsonNode g = s.at("/groups/0");
    assertThat(g.get("name").asText()).isEqualTo("<b>fast</b>");
    assertThat(g.get("requests_last_hour").asLong()).isEqualTo(35);
    assertThat(g.get("fallbacks_last_hour").asLong()).isEqualTo(3);
    JsonNode d = g.at("/deployments/0");
    assertThat(d.get("id").asText()).isEqualTo("groq-1");
    assertThat(d.get("cooling_until").asText()).isEqualTo("2026-01-01T00:00:42Z");
    assertThat(d.get("cooling_reason").asText()).startsWith("RateLimitedException");
    assertThat(d.at("/quota/requests/remaining").asLong()).isEqualTo(13_999);
    assertThat(d.at("/quota/requests/reset_at").asText()).isEqualTo("2026-01-01T00:01:26Z");
    assertThat(d.at("/quota/requests/scope").asText()).isEqualTo("day");
    assertThat(d.at("/quota/tokens").isNull()).isTrue();
    assertThat(d.at("/rpm/used").asLong()).isEqualTo(30);
    assertThat(d.at("/rpm/limit").asLong()).isEqualTo(30);
    assertThat(d.at("/tpm/used").asLong()).isEqualTo(1_234);
    assertThat(d.get("requests_last_hour").asLong()).isEqualTo(31);
    JsonNode o = g.at("/deployments/1");
    assertThat(o.get("healthy").asBoolean()).isFalse();
    assertThat(o.get("health_error").asText()).contains("connection refused");
    assertThat(o.at("/rpm/limit").isNull()).isTrue();
    assertThat(o.get("quota").isNull()).isTrue();
    // x-api-key works like the bearer header, as for every other authenticated endpoint.
    assertThat(get("/ui/status", "x-api-key", KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void thePageIsSelfContainedAndLocksItselfDown() throws Exception {
    HttpResponse<String> page = get("/ui");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(csp -> assertThat(csp)
        .contains("default-src 'none'").contains("script-src 'self'").contains("connect-src 'self'"));
    assertThat(page.body()).contains("id=\"login\"").contains("/ui/app.js").contains("/ui/app.css");
    // No external assets: nothing is loaded from another origin.
    assertThat(page.body()).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
    HttpResponse<String> js = get("/ui/app.js");
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    // Values go in as text, never as markup.
    assertThat(js.body()).doesNotContain("innerHTML").doesNotContain("outerHTML").doesNotContain("insertAdjacentHTML")
        .doesNotContain("document.write").contains("textContent");
    assertThat(get("/ui/app.css").statusCode()).isEqualTo(200);
    assertThat(get("/ui/nothing-here").statusCode()).isEqualTo(404);
    assertThat(post("/ui", "").statusCode()).isEqualTo(405);
  }

  @Test
  void metricsNeedTheMasterKeyAndAreScrapedPerRequest() throws Exception {
    assertThat(get("/metrics").statusCode()).isEqualTo(401);
    HttpResponse<String> r = get("/metrics", "authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("llm_router_requests_total 7.0").contains("scrapes 1");
    assertThat(get("/metrics", "authorization", "Bearer " + KEY).body()).contains("scrapes 2");
  }
}
