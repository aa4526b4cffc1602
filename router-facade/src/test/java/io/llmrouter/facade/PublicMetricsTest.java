package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code --metrics-public}: a scraper without the key reads {@code /metrics}; the status data still needs it. */
class PublicMetricsTest extends FacadeTestBase {
  @Override
  FacadeOptions.Builder options() {
    return super.options().metricsText(() -> "up 1\n").metricsPublic(true);
  }

  @Test
  void metricsPublicServesWithoutTheKeyButTheStatusStillNeedsIt() throws Exception {
    assertThat(get("/metrics").body()).isEqualTo("up 1\n");
    assertThat(get("/ui/status").statusCode()).isEqualTo(401);
  }
}
