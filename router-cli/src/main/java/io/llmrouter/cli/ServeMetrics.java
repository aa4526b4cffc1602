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
 *
 * <p>The JVM's meters are bound by {@link #bindJvmInBackground} once serve is listening, or by the first
 * scrape if that comes first: binding them reads the platform MXBeans (management, GC notifications,
 * diagnostic commands), a few hundred classes that answering a request does not need, so they stay off the
 * path to ready.
 */
final class ServeMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RouterMetrics router = RouterMetrics.builder(registry).build();
  private final Object jvmLock = new Object();
  private JvmGcMetrics gc; // guarded by jvmLock, like closed
  private boolean closed;

  /** Binds the JVM's meters on a daemon thread (does nothing when they are bound already). */
  void bindJvmInBackground() {
    Thread t = new Thread(this::bindJvm, "llm-router-jvm-metrics");
    t.setDaemon(true);
    t.start();
  }

  /** Binds the JVM's meters once; later calls, and calls after {@link #close}, do nothing. */
  void bindJvm() {
    synchronized (jvmLock) {
      if (gc != null || closed) return;
      new JvmMemoryMetrics().bindTo(registry);
      gc = new JvmGcMetrics();
      gc.bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
    }
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
    bindJvm();
    return registry.scrape();
  }

  @Override
  public void close() {
    synchronized (jvmLock) {
      closed = true;
      if (gc != null) gc.close();
    }
    registry.close();
  }
}
