package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code /health/readiness} shows the reload hook's state: ok, or the failed reload's error (still 200). */
class ReadinessReloadStatusTest extends FacadeTestBase {
  private final AtomicReference<ReloadStatus> status =
      new AtomicReference<>(new ReloadStatus(Instant.parse("2026-01-01T00:00:00Z"), 0, null, null));

  @Override
  FacadeOptions.Builder options() {
    return super.options().reloadStatus(status::get);
  }

  @Test
  void okThenFailedThenOkAgain() throws Exception {
    JsonNode ok = Json.mapper().readTree(get("/health/readiness").body());
    assertThat(ok.path("status").asText()).isEqualTo("ready");
    assertThat(ok.path("config").path("status").asText()).isEqualTo("ok");
    assertThat(ok.path("config").path("loaded_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(ok.path("config").has("error")).isFalse();

    status.set(new ReloadStatus(Instant.parse("2026-01-01T00:00:00Z"), 0, Instant.parse("2026-01-01T00:05:00Z"),
        "router_settings.fallbacks[0]: unknown model group 'nowhere'"));
    HttpResponse<String> failed = get("/health/readiness");
    assertThat(failed.statusCode()).as("the old configuration still serves").isEqualTo(200);
    JsonNode c = Json.mapper().readTree(failed.body()).path("config");
    assertThat(c.path("status").asText()).isEqualTo("reload_failed");
    assertThat(c.path("failed_at").asText()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(c.path("error").asText()).isEqualTo("router_settings.fallbacks[0]: unknown model group 'nowhere'");

    status.set(new ReloadStatus(Instant.parse("2026-01-01T00:06:00Z"), 1, null, null));
    JsonNode again = Json.mapper().readTree(get("/health/readiness").body()).path("config");
    assertThat(again.path("status").asText()).isEqualTo("ok");
    assertThat(again.path("reloads").asLong()).isEqualTo(1);
  }

  @Test
  void withoutAHookReadinessHasNoConfigObject() throws Exception {
    server.stop();
    server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0).build());
    server.start();
    assertThat(Json.mapper().readTree(get("/health/readiness").body()).has("config")).isFalse();
  }
}
