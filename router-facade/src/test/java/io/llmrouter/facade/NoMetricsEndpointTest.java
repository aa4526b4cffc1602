package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import org.junit.jupiter.api.Test;

/** A facade without a metrics supplier has no {@code /metrics}; a router without deployments still has a status. */
class NoMetricsEndpointTest extends FacadeTestBase {
  @Test
  void withoutAMetricsSupplierThereIsNoMetricsEndpoint() throws Exception {
    assertThat(get("/metrics", "authorization", "Bearer " + KEY).statusCode()).isEqualTo(404);
    // The default Router.status() lists the groups without deployments.
    JsonNode s = Json.mapper().readTree(get("/ui/status", "authorization", "Bearer " + KEY).body());
    assertThat(s.get("groups")).extracting(n -> n.get("name").asText()).containsExactly("fast", "smart");
  }
}
