package io.llmrouter.facade;

import io.llmrouter.api.Router;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenAI-compatible HTTP facade over a {@link Router}, on Jetty 12 (core API, no servlets).
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} and {@code /chat/completions} (JSON and SSE),
 * {@code GET /v1/models}, {@code /models} and {@code /v1/models/{id}}, {@code GET /health} ({@code Router.health()}:
 * checked on demand, single-flight and cached for a few seconds when background checks are off; LiteLLM's
 * shape, each endpoint with its quota state), and the unauthenticated probes {@code GET /health/liveliness} and {@code /health/readiness}.
 * Operators get {@code GET /ui}, a live status page of every model group and deployment (its data,
 * {@code GET /ui/status}, is {@code Router.status()} as JSON and needs the master key), and, when
 * {@link FacadeOptions#metricsText()} is set, {@code GET /metrics} in Prometheus text format.
 * Errors use OpenAI's {@code {"error":{message,type,param,code}}} shape with the status an OpenAI SDK
 * expects; responses carry {@code x-llm-router-model-group}, {@code -deployment}, {@code -attempts},
 * {@code -fallbacks} and the provider's {@code x-ratelimit-*} / {@code retry-after} headers.
 *
 * <p>Hostile clients are bounded: request bodies are read without holding a thread and must arrive within
 * {@link FacadeOptions#bodyTimeout()} (408 otherwise), one client address holds at most
 * {@link FacadeOptions#maxConnectionsPerAddress()} connections, and the errors Jetty answers by itself (bad
 * framing, 431, ambiguous paths) are OpenAI-shaped JSON too. Without a master key, requests whose
 * {@code Origin} or {@code Host} is not loopback are refused (403), so a web page cannot use an open facade;
 * CORS preflights are answered for loopback origins only.
 *
 * <p>The server does not own the router: {@link #stop()} leaves it open. Thread-safe; start once.
 */
public final class FacadeServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FacadeServer.class);
  private final Router router;
  private final FacadeOptions options;
  private final Server server;
  private final ServerConnector connector;

  /**
   * Prepares a server; nothing is bound until {@link #start()}.
   *
   * @param router the router to serve
   * @param options where to listen and whom to let in
   */
  public FacadeServer(Router router, FacadeOptions options) {
    this.router = Objects.requireNonNull(router, "router");
    this.options = Objects.requireNonNull(options, "options");
    QueuedThreadPool pool = new QueuedThreadPool(options.maxThreads(), Math.min(8, options.maxThreads()));
    pool.setName("llm-router-http");
    this.server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(true);
    this.connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(options.host());
    connector.setPort(options.port());
    connector.setIdleTimeout(options.idleTimeout().toMillis());
    // On stop, Jetty lowers every connection's idle timeout to this so idle keep-alive connections close
    // and the drain can finish; requests waiting on the router ignore idle timeouts (see FacadeHandler).
    connector.setShutdownIdleTimeout(Math.max(1, Math.min(1000L, options.shutdownGrace().toMillis() / 2)));
    // One client address may not hold every connection (issue 16: 700 slow senders starved the probes).
    connector.addEventListener(new PerAddressConnectionLimit(options.maxConnectionsPerAddress()));
    server.addConnector(connector);
    // What Jetty answers by itself (bad framing, 431, ambiguous paths) is OpenAI-shaped JSON too.
    server.setErrorHandler(new JsonErrorHandler());
    // GracefulHandler counts in-flight requests so that stop() can wait for them instead of cutting them.
    server.setHandler(new GracefulHandler(new FacadeHandler(router, options)));
    server.setStopTimeout(options.shutdownGrace().toMillis());
    // Shutdown is the caller's decision (ServeCommand installs its own hook that also closes the router).
    server.setStopAtShutdown(false);
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException when the address cannot be bound (port in use, address not local)
   * @throws IllegalStateException when already started
   */
  public void start() throws IOException {
    if (server.isStarted() || server.isStarting()) throw new IllegalStateException("already started");
    try {
      server.start();
    } catch (IOException e) {
      stopQuietly();
      throw new IOException("cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(), e);
    } catch (Exception e) {
      stopQuietly();
      throw new IllegalStateException("cannot start the HTTP server: " + e.getMessage(), e);
    }
  }

  /** The bound port (the chosen one when the options said 0), or -1 before {@link #start()}. */
  public int port() {
    return connector.getLocalPort();
  }

  /** The base URL clients use, {@code http://host:port/v1}. */
  public URI baseUri() {
    String host = options.host().contains(":") ? "[" + options.host() + "]" : options.host();
    return URI.create("http://" + host + ":" + port() + "/v1");
  }

  /** The router this server serves. */
  public Router router() {
    return router;
  }

  /** True between a successful {@link #start()} and {@link #stop()}. */
  public boolean isRunning() {
    return server.isRunning();
  }

  /**
   * Stops accepting connections, lets in-flight requests (streams included) finish for up to
   * {@link FacadeOptions#shutdownGrace()}, then closes what is left: open streams are closed and the
   * threads that read them are shut down and awaited (a few seconds at most), so no reader outlives the
   * server. Idempotent.
   */
  public void stop() {
    try {
      server.stop();
    } catch (java.util.concurrent.TimeoutException e) {
      // Jetty finished stopping; it only reports that the drain outlasted the grace period.
      LOG.warn("shutdown grace of {} ms elapsed; requests still in flight were closed", options.shutdownGrace().toMillis());
    } catch (Exception e) {
      throw new IllegalStateException("error while stopping the HTTP server: " + e, e);
    }
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    server.join();
  }

  /** Same as {@link #stop()}. */
  @Override
  public void close() {
    stop();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception suppressed) {
      // The start failure is the error worth reporting.
    }
  }
}
