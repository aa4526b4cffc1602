package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The status page's data carries the served configuration's reload status, as {@code /health/readiness} does. */
class StatusPageReloadNoticeTest extends FacadeTestBase {
  static final Instant LOADED = Instant.parse("2026-01-01T00:00:00Z");
  final AtomicReference<ReloadStatus> reload = new AtomicReference<>(new ReloadStatus(LOADED, 0, null, null));

  @Override
  FacadeOptions.Builder options() {
    return super.options().reloadStatus(reload::get);
  }

  @Test
  void aFailedReloadShowsOnTheStatusDataUntilAGoodFileLoads() throws Exception {
    router.status = StatusPageAndMetricsTest.snapshot();
    JsonNode ok = status();
    assertThat(ok.at("/config/status").asText()).isEqualTo("ok");
    assertThat(ok.at("/config/loaded_at").asText()).isEqualTo("2026-01-01T00:00:00Z");
    assertThat(ok.at("/config/error").isNull()).isTrue();
    assertThat(ok.get("shared_state").isNull()).isTrue(); // in-process state: nothing to show

    reload.set(new ReloadStatus(LOADED, 1, LOADED.plusSeconds(90),
        "router_settings.fallbacks[0]: names model group 'nope', which is not in model_list"));
    JsonNode failed = status();
    assertThat(failed.at("/config/status").asText()).isEqualTo("reload_failed");
    assertThat(failed.at("/config/failed_at").asText()).isEqualTo("2026-01-01T00:01:30Z");
    assertThat(failed.at("/config/error").asText()).startsWith("router_settings.fallbacks[0]");
    assertThat(failed.at("/groups/0/name").asText()).isEqualTo("<b>fast</b>"); // the last good configuration still serves

    reload.set(new ReloadStatus(LOADED.plusSeconds(120), 2, null, null));
    assertThat(status().at("/config/status").asText()).isEqualTo("ok");
  }

  private JsonNode status() throws Exception {
    HttpResponse<String> r = get("/ui/status", "authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }
}
