package io.llmrouter.core;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Probes every deployment (LiteLLM's {@code /health}): cheap first, the model listing (no tokens spent),
 * and a one-token completion only when the provider has no listing endpoint. With health-check routing on,
 * a deployment that fails its probe is skipped until it passes again.
 */
final class HealthChecker {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

  private final DeploymentRegistry registry;
  private final ProviderClient client;
  private final Listeners listeners;
  private final Clock clock;
  private volatile HealthReport last = HealthReport.empty();

  HealthChecker(DeploymentRegistry registry, ProviderClient client, Listeners listeners, Clock clock) {
    this.registry = registry;
    this.client = client;
    this.listeners = listeners;
    this.clock = clock;
  }

  HealthReport last() {
    return last;
  }

  HealthReport check() {
    List<HealthReport.Endpoint> ok = new ArrayList<>();
    List<HealthReport.Endpoint> bad = new ArrayList<>();
    for (Deployment d : registry.deployments()) {
      String error = probe(d);
      Instant at = clock.instant();
      HealthReport.Endpoint ep = new HealthReport.Endpoint(d.group, d.id, d.config.model(), d.effectiveApiBase, error, at);
      (error == null ? ok : bad).add(ep);
      if (d.setHealth(error)) {
        registry.group(d.group).unhealthy.addAndGet(error == null ? -1 : 1);
        listeners.onHealthChange(d.id, error == null, error);
      }
    }
    HealthReport r = new HealthReport(ok, bad, clock.instant());
    last = r;
    return r;
  }

  private String probe(Deployment d) {
    if (d.noDialect != null) return d.noDialect;
    String missing = registry.keyMissing(d);
    if (missing != null) return "api key variable " + missing + " is not set";
    Endpoint ep = registry.endpoint(d, registry.key(d));
    Duration timeout = d.config.timeout() != null && d.config.timeout().compareTo(HEALTH_TIMEOUT) < 0 ? d.config.timeout() : HEALTH_TIMEOUT;
    try {
      ProviderResponse<List<ModelListing>> r = client.listModels(ep, timeout);
      List<ModelListing> list = r == null ? null : r.value();
      if (list == null || list.isEmpty()) return null;
      for (ModelListing m : list) if (d.config.providerModel().equals(m.id())) return null;
      return "model '" + d.config.providerModel() + "' is not in the provider's model list";
    } catch (ProviderException e) {
      if (e.status() != 404 && e.status() != 405 && e.status() != 501) return RouterErrors.firstLine(e);
    } catch (RuntimeException e) {
      return RouterErrors.firstLine(e);
    }
    try {
      ChatRequest ping = ChatRequest.builder().model(d.group).messages(ChatMessage.user("ping")).maxTokens(1).build();
      client.chat(new ProviderCall(ep, ping, timeout, true));
      return null;
    } catch (RuntimeException e) {
      return RouterErrors.firstLine(e);
    }
  }
}
