package io.llmrouter.core;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.HealthCheckMode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.SafeUrls;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.core.config.DeploymentConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Probes every deployment (LiteLLM's {@code /health}). In {@link HealthCheckMode#LIST} mode cheap first,
 * the model listing (no tokens spent), and a one-token completion only when the provider has no listing
 * endpoint; in {@link HealthCheckMode#CHAT} mode always the one-token completion, whose rate signal feeds
 * the deployment's quota state like any response. With health-check routing on, a deployment that fails
 * its probe is skipped until it passes again.
 *
 * <p>{@link #recent} is the single-flight path: callers that find no recent report share one run.
 */
final class HealthChecker {
  private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(60);

  private final DeploymentRegistry registry;
  private final ProviderClient client;
  private final Listeners listeners;
  private final Clock clock;
  private final HealthCheckMode defaultMode;
  private final Object flightLock = new Object();
  private CompletableFuture<HealthReport> inFlight; // guarded by flightLock
  private int waiting; // guarded by flightLock: callers joined to inFlight (tests read it)
  private volatile HealthReport last = HealthReport.empty();

  HealthChecker(DeploymentRegistry registry, ProviderClient client, Listeners listeners, Clock clock, HealthCheckMode defaultMode) {
    this.registry = registry;
    this.client = client;
    this.listeners = listeners;
    this.clock = clock;
    this.defaultMode = defaultMode;
  }

  HealthReport last() {
    return last;
  }

  /** Callers now waiting for another caller's run (single-flight), for tests. */
  int waiting() {
    synchronized (flightLock) {
      return waiting;
    }
  }

  /**
   * The last report when it finished less than {@code maxAgeMillis} ago; otherwise the result of a check
   * in the configured mode, run by the first caller and shared with every caller that arrives meanwhile.
   */
  HealthReport recent(long maxAgeMillis) {
    CompletableFuture<HealthReport> f;
    boolean mine;
    synchronized (flightLock) {
      HealthReport r = last;
      if (r.checkedAt() != null && clock.millis() - r.checkedAt().toEpochMilli() < maxAgeMillis) return r;
      mine = inFlight == null;
      if (mine) inFlight = new CompletableFuture<>();
      else waiting++;
      f = inFlight;
    }
    if (mine) {
      try {
        f.complete(check(defaultMode));
      } catch (RuntimeException | Error e) {
        f.completeExceptionally(e);
        throw e;
      } finally {
        synchronized (flightLock) {
          inFlight = null;
        }
      }
      return f.join();
    }
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmRouterException("interrupted while waiting for a health check", false, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new LlmRouterException("health check failed: " + RouterErrors.firstLine(e.getCause()), false, e.getCause());
    } finally {
      synchronized (flightLock) {
        waiting--;
      }
    }
  }

  HealthReport check() {
    return check(defaultMode);
  }

  HealthReport check(HealthCheckMode mode) {
    List<HealthReport.Endpoint> ok = new ArrayList<>();
    List<HealthReport.Endpoint> bad = new ArrayList<>();
    for (Deployment d : registry.deployments()) {
      String error = probe(d, mode);
      Instant at = clock.instant();
      HealthReport.Endpoint ep = new HealthReport.Endpoint(d.group, d.id, d.config.model(), SafeUrls.redact(d.effectiveApiBase), error, at,
          d.state.quota(at.toEpochMilli()));
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

  private String probe(Deployment d, HealthCheckMode mode) {
    if (d.noDialect != null) return d.noDialect;
    String missing = registry.keyMissing(d);
    if (missing != null) return "api key variable " + missing + " is not set";
    Endpoint ep = registry.endpoint(d, registry.key(d));
    Duration timeout = d.config.timeout() != null && d.config.timeout().compareTo(HEALTH_TIMEOUT) < 0 ? d.config.timeout() : HEALTH_TIMEOUT;
    if (mode == HealthCheckMode.LIST) {
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
    }
    try {
      ProviderResponse<?> r;
      if (DeploymentConfig.MODE_EMBEDDING.equals(d.config.mode())) {
        // LiteLLM probes by model_info.mode: an embedding model answers no chat, so it is asked for one vector.
        r = client.embed(new EmbeddingCall(ep, EmbeddingRequest.builder().model(d.group).input("ping").build(), timeout, true));
      } else {
        ChatRequest ping = ChatRequest.builder().model(d.group).messages(ChatMessage.user("ping")).maxTokens(1).build();
        r = client.chat(new ProviderCall(ep, ping, timeout, true));
      }
      if (r != null) d.state.applySignal(CooldownPolicy.bounded(r.signal()));
      return null;
    } catch (ProviderException e) {
      d.state.applySignal(CooldownPolicy.bounded(e.rateSignal()));
      return RouterErrors.firstLine(e);
    } catch (RuntimeException e) {
      return RouterErrors.firstLine(e);
    }
  }
}
