package io.llmrouter.facade;

import io.llmrouter.api.spi.Secret;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How the HTTP facade listens and whom it lets in: host, port, master key, request body limit and the time
 * a body may take to arrive, connections per client address, graceful shutdown bound, thread count, idle
 * timeout, the clock used for {@code Retry-After}, the access log, the reload status and the optional
 * {@code /metrics} text.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}. {@link Builder#build()} refuses to bind a
 * non-loopback address without a master key unless {@link Builder#insecure(boolean)} was set, because an
 * open facade spends the operator's provider quotas for anyone who can reach the port.
 */
public final class FacadeOptions {
  /** The default request body limit: 10 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
  /** The largest request body limit that can be set: 1 GiB (a body is held in memory while it is parsed). */
  public static final long MAX_BODY_BYTES_LIMIT = 1L << 30;
  /** The default time a client gets to send a whole request body: 60 s. */
  public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
  /** The default number of connections one client address may hold open at once: 512. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 512;

  private final String host;
  private final int port;
  private final Secret masterKey;
  private final long maxBodyBytes;
  private final Duration shutdownGrace;
  private final Duration idleTimeout;
  private final Duration streamKeepAlive;
  private final int maxThreads;
  private final Duration bodyTimeout;
  private final int maxConnectionsPerAddress;
  private final boolean insecure;
  private final Clock clock;
  private final AccessLog accessLog;
  private final Supplier<ReloadStatus> reloadStatus;
  private final Supplier<String> metricsText;
  private final boolean metricsPublic;

  private FacadeOptions(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.masterKey = b.masterKey;
    this.maxBodyBytes = b.maxBodyBytes;
    this.shutdownGrace = b.shutdownGrace;
    this.idleTimeout = b.idleTimeout;
    this.streamKeepAlive = b.streamKeepAlive;
    this.maxThreads = b.maxThreads;
    this.bodyTimeout = b.bodyTimeout;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.insecure = b.insecure;
    this.clock = b.clock;
    this.accessLog = b.accessLog;
    this.reloadStatus = b.reloadStatus;
    this.metricsText = b.metricsText;
    this.metricsPublic = b.metricsPublic;
  }

  /**
   * Returns a builder with the defaults: {@code 127.0.0.1:4000}, no key, 10 MiB bodies within 60 s, 512
   * connections per client address, 30 s grace.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The address to bind. */
  public String host() {
    return host;
  }

  /** The port to bind; 0 picks a free one (see {@link FacadeServer#port()}). */
  public int port() {
    return port;
  }

  /** How long a stream may be silent before the facade sends an SSE {@code : keep-alive} comment. */
  public Duration streamKeepAlive() {
    return streamKeepAlive;
  }

  /** The key callers must present, or null when the facade is open. */
  public Secret masterKey() {
    return masterKey;
  }

  /** The largest request body accepted; larger ones get 413. */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /** How long a stop waits for in-flight requests before closing them. */
  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  /** How long a connection may sit without reading or writing a byte. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** The most request threads; each in-flight chat holds one while the router waits for the provider. */
  public int maxThreads() {
    return maxThreads;
  }

  /**
   * How long a client may take to send a whole request body, from the end of its headers; a slower one gets
   * 408 and its connection is closed. Bodies are read without holding a request thread, so slow senders
   * cost memory for their buffers, not threads.
   */
  public Duration bodyTimeout() {
    return bodyTimeout;
  }

  /**
   * The most connections one client IP address may hold open at once; a connection beyond it is closed as
   * soon as it is accepted.
   */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /** True when binding a non-loopback address without a master key was explicitly allowed. */
  public boolean insecure() {
    return insecure;
  }

  /** The clock {@code Retry-After} values are computed against. */
  public Clock clock() {
    return clock;
  }

  /**
   * The access and decision log the caller supplied, or null: the server then makes its own
   * ({@link AccessLog#toSlf4j}, plain text) and closes it when it stops. A log given here is not closed by
   * the server.
   */
  public AccessLog accessLog() {
    return accessLog;
  }

  /** Where the served configuration stands, shown on {@code /health/readiness}; null when nothing reloads it. */
  public Supplier<ReloadStatus> reloadStatus() {
    return reloadStatus;
  }

  /**
   * What {@code GET /metrics} answers (Prometheus text format), or null when the facade has no metrics
   * (then {@code /metrics} is 404). The facade does not depend on a metrics library: the application
   * passes its registry's scrape, for example {@code prometheusRegistry::scrape}.
   */
  public Supplier<String> metricsText() {
    return metricsText;
  }

  /** True when {@code GET /metrics} is served without the master key (for a scraper that cannot send one). */
  public boolean metricsPublic() {
    return metricsPublic;
  }

  /** Builds {@link FacadeOptions}. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 4000;
    private Secret masterKey;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private Duration shutdownGrace = Duration.ofSeconds(30);
    private Duration idleTimeout = Duration.ofMinutes(5);
    private Duration streamKeepAlive = Duration.ofSeconds(15);
    private int maxThreads = 512;
    private Duration bodyTimeout = DEFAULT_BODY_TIMEOUT;
    private int maxConnectionsPerAddress = DEFAULT_MAX_CONNECTIONS_PER_ADDRESS;
    private boolean insecure;
    private Clock clock = Clock.systemUTC();
    private AccessLog accessLog;
    private Supplier<ReloadStatus> reloadStatus;
    private Supplier<String> metricsText;
    private boolean metricsPublic;

    private Builder() {}

    /** Sets the access and decision log (see {@link FacadeOptions#accessLog()}); null for the default. */
    public Builder accessLog(AccessLog accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    /**
     * Sets where the served configuration's reload state is read (see {@link ReloadStatus}); null when the
     * configuration never reloads. Called on every readiness probe: must be fast and thread-safe.
     */
    public Builder reloadStatus(Supplier<ReloadStatus> reloadStatus) {
      this.reloadStatus = reloadStatus;
      return this;
    }

    /** Sets the address to bind (a literal address or a host name). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** Sets the port, 0 to 65535 (0: any free port). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
      this.port = port;
      return this;
    }

    /** Sets the key callers must present; null leaves the facade open. */
    public Builder masterKey(Secret masterKey) {
      this.masterKey = masterKey;
      return this;
    }

    /**
     * Sets the request body limit in bytes, 1 to {@link #MAX_BODY_BYTES_LIMIT}.
     *
     * @throws IllegalArgumentException when out of that range
     */
    public Builder maxBodyBytes(long maxBodyBytes) {
      if (maxBodyBytes < 1 || maxBodyBytes > MAX_BODY_BYTES_LIMIT) {
        throw new IllegalArgumentException("maxBodyBytes must be 1 to " + MAX_BODY_BYTES_LIMIT
            + " bytes (1 GiB; a body is held in memory), got " + maxBodyBytes);
      }
      this.maxBodyBytes = maxBodyBytes;
      return this;
    }

    /** Sets how long a stop waits for in-flight requests. */
    public Builder shutdownGrace(Duration shutdownGrace) {
      if (shutdownGrace == null || shutdownGrace.isNegative()) {
        throw new IllegalArgumentException("shutdownGrace must be zero or positive");
      }
      this.shutdownGrace = shutdownGrace;
      return this;
    }

    /** Sets the connection idle timeout; long streams with slow first tokens need minutes, not seconds. */
    public Builder idleTimeout(Duration idleTimeout) {
      if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive");
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * Sets how long a stream may be silent before an SSE {@code : keep-alive} comment is sent (default 15 s).
     * It also bounds how long a client that hung up during a silence keeps the upstream call open.
     */
    public Builder streamKeepAlive(Duration interval) {
      if (interval == null || interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("streamKeepAlive must be positive");
      }
      this.streamKeepAlive = interval;
      return this;
    }

    /** Sets the most request threads (at least 16: Jetty reserves some for accepting and selecting). */
    public Builder maxThreads(int maxThreads) {
      if (maxThreads < 16) throw new IllegalArgumentException("maxThreads must be at least 16, got " + maxThreads);
      this.maxThreads = maxThreads;
      return this;
    }

    /**
     * Sets how long a client may take to send a whole request body (default 60 s).
     *
     * @throws IllegalArgumentException when null, zero or negative
     */
    public Builder bodyTimeout(Duration bodyTimeout) {
      if (bodyTimeout == null || bodyTimeout.isNegative() || bodyTimeout.isZero()) {
        throw new IllegalArgumentException("bodyTimeout must be positive");
      }
      this.bodyTimeout = bodyTimeout;
      return this;
    }

    /**
     * Sets the most connections one client address may hold open at once (default 512).
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder maxConnectionsPerAddress(int max) {
      if (max < 1) throw new IllegalArgumentException("maxConnectionsPerAddress must be at least 1, got " + max);
      this.maxConnectionsPerAddress = max;
      return this;
    }

    /** Allows binding a non-loopback address without a master key. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /** Sets the clock {@code Retry-After} is computed against. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Serves {@code GET /metrics} with what {@code scrape} returns, called once per request on the
     * request's thread (Prometheus text format, {@code text/plain; version=0.0.4}); null removes the
     * endpoint. Behind the master key unless {@link #metricsPublic(boolean)}.
     */
    public Builder metricsText(Supplier<String> scrape) {
      this.metricsText = scrape;
      return this;
    }

    /** Serves {@code GET /metrics} without the master key (default false). */
    public Builder metricsPublic(boolean metricsPublic) {
      this.metricsPublic = metricsPublic;
      return this;
    }

    /**
     * Builds the options.
     *
     * @throws IllegalArgumentException when the master key is blank, the host cannot be resolved, or the
     *     host is not a loopback address while no master key is set and {@code insecure} is off
     */
    public FacadeOptions build() {
      if (masterKey != null && masterKey.reveal().isBlank()) {
        throw new IllegalArgumentException("the master key is empty; set a real key or none at all");
      }
      if (masterKey == null && !insecure && !isLoopback(host)) {
        throw new IllegalArgumentException("refusing to listen on " + host + " without a master key: anyone who can "
            + "reach it could spend your provider quotas. Set general_settings.master_key (or LLM_ROUTER_MASTER_KEY / LITELLM_MASTER_KEY), "
            + "bind 127.0.0.1, or pass --insecure");
      }
      return new FacadeOptions(this);
    }

    private static boolean isLoopback(String host) {
      try {
        return InetAddress.getByName(host).isLoopbackAddress();
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("cannot resolve host '" + host + "'", e);
      }
    }
  }
}
