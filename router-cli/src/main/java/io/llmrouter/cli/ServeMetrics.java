package io.llmrouter.cli;

import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.micrometer.RouterMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * What {@code serve} exposes at {@code /metrics}: a Prometheus registry holding the router's meters
 * ({@link RouterMetrics}) and the JVM's (memory, GC, threads, CPU, uptime). Create it before the router (its
 * listener goes into the router's builder), {@link #bind} it once the router exists, {@link #close} it
 * after the router.
 */
final class ServeMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RouterMetrics router = RouterMetrics.builder(registry).build();
  private final JvmGcMetrics gc = new JvmGcMetrics();

  ServeMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** The listener to add to the router's builder. */
  RouterListener listener() {
    return router;
  }

  /** Learns the router's groups and deployments and registers their gauges. */
  void bind(Router r) {
    router.bindTo(r);
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    return registry.scrape();
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
