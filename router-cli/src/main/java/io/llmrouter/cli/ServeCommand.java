package io.llmrouter.cli;

import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.Env;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.facade.AccessLog;
import io.llmrouter.core.config.GeneralSettings;
import io.llmrouter.facade.ByteSize;
import io.llmrouter.facade.LogFormat;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.List;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.facade.RequestThreadExecutor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-router serve}: the OpenAI-compatible HTTP facade over a router built from a LiteLLM
 * config. Runs until SIGTERM/SIGINT, then stops accepting, lets in-flight requests finish within the
 * grace period and exits 0. Reloads the config and {@code .env} file on SIGHUP and when either changes on
 * disk ({@link ConfigReloader}): in-flight requests finish on the old configuration, unchanged deployments
 * keep their state, and a configuration that fails to load keeps the running one (the error is logged and
 * shown on {@code /health/readiness}). Access and decision lines go to standard error or {@code --log-file},
 * as text or JSON lines ({@code --log-format}), written off the request threads and flushed on stop. Exit codes: 0 after a clean stop, 1 when the port cannot be bound (or no
 * {@link RouterLoader} is registered), 2 for a
 * configuration error or a refused insecure bind.
 *
 * <p>One instance serves one run; {@link #requestShutdown()} may be called from any thread.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Serve the router as an OpenAI-compatible HTTP API (/v1/chat/completions, /v1/models, /health), "
        + "with a live status page at /ui and Prometheus metrics at /metrics.")
public final class ServeCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "LiteLLM-style config.yaml")
  Path config;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Option(names = "--port", defaultValue = "4000", description = "Port to bind, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--env-file", paramLabel = "FILE", description = ".env file overlaid on the environment")
  Path envFile;

  @Option(names = "--insecure", description = "Allow a non-loopback address without a master key")
  boolean insecure;

  @Option(names = "--max-body-size", defaultValue = "10MiB", converter = ByteSizeConverter.class,
      description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE})")
  long maxBodySize;

  @Option(names = "--max-response-size", converter = ByteSizeConverter.class, paramLabel = "SIZE",
      description = "Largest upstream response body read (after gzip decoding); a larger one ends the attempt with a"
          + " malformed-response error as soon as the cap is passed. Overrides general_settings.max_response_size_mb"
          + " (default: that, else 16MiB)")
  Long maxResponseSize;

  @Option(names = "--body-timeout", defaultValue = "60", paramLabel = "SECONDS",
      description = "Seconds a client gets to send a whole request body; slower ones get 408 (default: ${DEFAULT-VALUE})")
  int bodyTimeoutSeconds;

  @Option(names = "--max-connections-per-address", defaultValue = "512", paramLabel = "N",
      description = "Most connections one client address may hold open; more are closed at once (default: ${DEFAULT-VALUE})")
  int maxConnectionsPerAddress;

  @Option(names = "--shutdown-grace", defaultValue = "30", paramLabel = "SECONDS",
      description = "Seconds in-flight requests get to finish on SIGTERM (default: ${DEFAULT-VALUE})")
  int shutdownGraceSeconds;

  @Option(names = "--state-file", paramLabel = "FILE",
      description = "Where cooldown deadlines and daily counters persist across restarts "
          + "(default: .llm-router-state.json beside the config)")
  Path stateFile;

  @Option(names = "--max-client-timeout", defaultValue = "600", paramLabel = "SECONDS",
      description = "Cap on a request's own \"timeout\" field; longer ones are cut to it (default: ${DEFAULT-VALUE})")
  long maxClientTimeoutSeconds;

  @Option(names = "--max-waiting", defaultValue = "128", paramLabel = "N",
      description = "Requests that may wait for capacity at once (a cooling group, a full window); beyond it "
          + "429 with Retry-After at once (default: ${DEFAULT-VALUE})")
  int maxWaiting;

  @Option(names = "--no-state-file", description = "Keep routing state in memory only: a restart forgets cooldowns")
  boolean noStateFile;

  @Option(names = "--log-format", defaultValue = "text", paramLabel = "text|json", converter = LogFormatConverter.class,
      description = "Access and decision log format: text lines or JSON lines (default: ${DEFAULT-VALUE})")
  LogFormat logFormat;

  @Option(names = "--log-file", paramLabel = "FILE",
      description = "Append the access and decision log to FILE (default: standard error, which systemd sends to the journal)")
  Path logFile;

  @Option(names = "--no-watch", description = "Do not reload when the config or .env file changes on disk (SIGHUP still reloads)")
  boolean noWatch;

  @Option(names = "--metrics-public", description = "Serve /metrics (Prometheus text) without the master key, for a "
      + "scraper that cannot send one; the status page /ui still needs the key")
  boolean metricsPublic;

  @Option(names = "--redis-url", paramLabel = "URL",
      description = "Share rate windows, quotas and cooldowns with other instances through this Redis "
          + "(redis://[:password@]host:port, or os.environ/NAME); overrides router_settings.redis_*")
  String redisUrl;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Function<Path, RouterLoader> loader;
  private final boolean installSignalHandlers;
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile FacadeServer server;
  private volatile ConfigReloader reloader;

  /** The command as the CLI runs it: config reader and engine, state in a file, SIGTERM/SIGINT handled. */
  public ServeCommand() {
    this(state -> new ConfigRouterLoader(Env.system(), state), true);
  }

  /** A command over {@code loader} that leaves the JVM's signal handling alone (tests, embedding). */
  public ServeCommand(RouterLoader loader) {
    this(state -> loader, false);
  }

  /** A command over {@code loader} that handles SIGTERM/SIGINT itself when asked to (a launcher's main). */
  ServeCommand(RouterLoader loader, boolean installSignalHandlers) {
    this(state -> loader, installSignalHandlers);
  }

  /** A command whose loader is made for the state file the options name (null: in memory). */
  ServeCommand(Function<Path, RouterLoader> loader, boolean installSignalHandlers) {
    this.loader = loader;
    this.installSignalHandlers = installSignalHandlers;
  }

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    StartupTrace.mark("parsed");
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (shutdownGraceSeconds < 0) {
      err.println("llm-router serve: --shutdown-grace must be zero or positive");
      return 2;
    }
    if (maxBodySize > FacadeOptions.MAX_BODY_BYTES_LIMIT) {
      err.println("llm-router serve: --max-body-size must be at most 1GiB (" + FacadeOptions.MAX_BODY_BYTES_LIMIT
          + " bytes; a request body is held in memory), got " + maxBodySize);
      return 2;
    }
    if (maxResponseSize != null && maxResponseSize > GeneralSettings.MAX_RESPONSE_BYTES_LIMIT) {
      err.println("llm-router serve: --max-response-size must be at most 1GiB (" + GeneralSettings.MAX_RESPONSE_BYTES_LIMIT
          + " bytes; a response body is held in memory), got " + maxResponseSize);
      return 2;
    }
    if (bodyTimeoutSeconds < 1) {
      err.println("llm-router serve: --body-timeout must be at least 1 second, got " + bodyTimeoutSeconds);
      return 2;
    }
    if (maxConnectionsPerAddress < 1) {
      err.println("llm-router serve: --max-connections-per-address must be at least 1, got " + maxConnectionsPerAddress);
      return 2;
    }
    if (maxClientTimeoutSeconds < 1 || maxClientTimeoutSeconds > 31_536_000) {
      err.println("llm-router serve: --max-client-timeout must be 1..31536000 seconds, got " + maxClientTimeoutSeconds);
      return 2;
    }
    if (maxWaiting < 0) {
      err.println("llm-router serve: --max-waiting must be zero or more, got " + maxWaiting);
      return 2;
    }
    AccessLog accessLog;
    try {
      accessLog = logFile == null ? AccessLog.toStream(System.err, logFormat)
          : AccessLog.toStream(new FileOutputStream(logFile.toFile(), true), logFormat);
    } catch (IOException e) {
      err.println("llm-router serve: --log-file " + logFile + ": cannot open for appending: " + e.getMessage());
      return 2;
    }
    byte[] digest = ConfigReloader.digestOf(config, envFile);
    RouterLoader routerLoader;
    RouterLoader.Loaded loaded;
    ServeMetrics metrics = new ServeMetrics();
    // The routers' executor: the facade's request thread runs each request's first step itself (no hand-off
    // to a router thread and back; see RequestThreadExecutor), waits resume here. Shut down after the router.
    ExecutorService routerThreads = routerThreads();
    try {
      Path state = noStateFile ? null
          : stateFile != null ? stateFile : config.toAbsolutePath().resolveSibling(".llm-router-state.json");
      RouterLoader l = loader.apply(state);
      if (l instanceof ConfigRouterLoader c) {
        l = c.withLimits(Duration.ofSeconds(maxClientTimeoutSeconds), maxWaiting).withMaxResponseBytes(maxResponseSize)
            .withExecutor(new RequestThreadExecutor(routerThreads));
      }
      routerLoader = redisUrl == null ? l : l.withRedisUrl(redisUrl);
      loaded = routerLoader.load(config, envFile, List.of(accessLog.decisionListener(), metrics.listener()));
    } catch (LlmRouterException e) {
      closeRouterThreads(routerThreads);
      accessLog.close();
      metrics.close();
      err.println("llm-router serve: configuration error: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      closeRouterThreads(routerThreads);
      accessLog.close();
      metrics.close();
      // No loader on the class path: a broken build, not the user's config.
      err.println("llm-router serve: " + e.getMessage());
      return 1;
    }
    StartupTrace.mark("router-built");
    Router router = loaded.router();
    metrics.bind(router);
    RouterLoader.Loaded serving = loaded;
    ConfigReloader reloader = new ConfigReloader(config, envFile, () -> {
      RouterLoader.Reloaded r = routerLoader.reload(serving, config, envFile);
      if (!sameKey(r.masterKey(), serving.masterKey())) {
        LOG.warn("the master key in the configuration changed; the server keeps the key it started with until a restart");
      }
      metrics.bind(router); // the reloaded groups and deployments get their gauges
      return r.summary();
    }, Clock.systemUTC(), digest);
    FacadeServer s;
    try {
      FacadeOptions options = FacadeOptions.builder()
          .host(host).port(port).masterKey(loaded.masterKey()).maxBodyBytes(maxBodySize).insecure(insecure)
          .bodyTimeout(Duration.ofSeconds(bodyTimeoutSeconds)).maxConnectionsPerAddress(maxConnectionsPerAddress)
          .shutdownGrace(Duration.ofSeconds(shutdownGraceSeconds)).accessLog(accessLog).reloadStatus(reloader)
          .metricsText(metrics::scrape).metricsPublic(metricsPublic).build();
      s = new FacadeServer(router, options);
      StartupTrace.mark("facade-built");
      s.start();
      StartupTrace.mark("listening");
    } catch (IllegalArgumentException e) {
      reloader.close();
      router.close();
      closeRouterThreads(routerThreads);
      accessLog.close();
      metrics.close();
      err.println("llm-router serve: " + e.getMessage());
      return 2;
    } catch (IOException | IllegalStateException e) {
      reloader.close();
      router.close();
      closeRouterThreads(routerThreads);
      accessLog.close();
      metrics.close();
      err.println("llm-router serve: " + e.getMessage());
      return 1;
    }
    this.reloader = reloader;
    if (!noWatch) reloader.start();
    server = s;
    // Without a signal handler (or for other exits) the JVM still runs this hook: stop gracefully there.
    Thread hook = new Thread(this::stopFromShutdownHook, "llm-router-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (installSignalHandlers) {
      Signals.onTerminate(this::requestShutdown);
      Signals.onHangup(() -> reloader.reloadNow("SIGHUP"));
    }
    out.printf("llm-router serving %d model groups at %s%s%n", router.modelGroups().size(), s.baseUri(),
        loaded.masterKey() == null ? " (no master key: open to anyone who can reach it)" : "");
    out.flush();
    LOG.info("listening on {} after {} ms; status page at /ui, metrics at /metrics{}", s.baseUri(), (System.nanoTime() - t0) / 1_000_000,
        metricsPublic ? " (public)" : "");
    started.countDown();
    StartupTrace.report(System.err);
    metrics.bindJvmInBackground();
    try {
      stopRequested.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("stopping: no new connections, in-flight requests get up to {} s", shutdownGraceSeconds);
    try {
      reloader.close();
      s.stop();
    } finally {
      router.close();
      closeRouterThreads(routerThreads);
      // Last: the final requests' access lines and the decisions of their last calls are written out.
      accessLog.close();
      metrics.close();
      stopped.countDown();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting and running the hook, which has just been released.
    }
    LOG.info("stopped");
    return 0;
  }

  /**
   * Asks a running serve to reload its configuration and {@code .env} file now, as SIGHUP does. Returns at
   * once; the reload runs on serve's reload thread. Does nothing before the server started.
   */
  public void requestReload() {
    ConfigReloader r = reloader;
    if (r != null) r.reloadNow("requested");
  }

  /** {@code text} or {@code json}, in any case. */
  static final class LogFormatConverter implements CommandLine.ITypeConverter<LogFormat> {
    @Override
    public LogFormat convert(String value) {
      for (LogFormat f : LogFormat.values()) if (f.name().equalsIgnoreCase(value.strip())) return f;
      throw new CommandLine.TypeConversionException("expected text or json, got '" + value + "'");
    }
  }

  private static boolean sameKey(Secret a, Secret b) {
    if (a == null || b == null) return a == b;
    return MessageDigest.isEqual(a.reveal().getBytes(StandardCharsets.UTF_8), b.reveal().getBytes(StandardCharsets.UTF_8));
  }

  /** Serve's router threads, as the router's own default: 64 daemon threads, 10,000 queued tasks, then refusal. */
  private static ExecutorService routerThreads() {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    ThreadPoolExecutor e = new ThreadPoolExecutor(64, 64, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
      Thread t = new Thread(r, "llm-router-async-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  /** After the router closed: lets its last tasks end (up to 10 s, as the router waits for its own), then interrupts. */
  private static void closeRouterThreads(ExecutorService threads) {
    threads.shutdown();
    try {
      if (!threads.awaitTermination(10, TimeUnit.SECONDS)) threads.shutdownNow();
    } catch (InterruptedException e) {
      threads.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** Asks a running serve to stop gracefully, as SIGTERM does. Safe from any thread, idempotent. */
  public void requestShutdown() {
    stopRequested.countDown();
  }

  /** Waits until the server is listening; false when {@code timeout} passed first. */
  public boolean awaitStarted(Duration timeout) throws InterruptedException {
    return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The running server, or null before it started. */
  public FacadeServer server() {
    return server;
  }

  private void stopFromShutdownHook() {
    requestShutdown();
    try {
      // Bounded: the grace period plus a margin for closing the router.
      stopped.await(shutdownGraceSeconds + 5L, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
