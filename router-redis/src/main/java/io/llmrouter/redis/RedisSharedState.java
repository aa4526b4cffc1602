package io.llmrouter.redis;

import io.lettuce.core.RedisURI;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.SharedStateSettings;
import io.llmrouter.core.state.DeploymentStateFactory;
import io.llmrouter.core.state.SharedState;
import io.llmrouter.core.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-deployment state shared by several router instances through one Redis: each deployment's rpm and tpm
 * windows with hard admission (one atomic Lua script per admission, on the router's clock), token
 * corrections, the provider's {@code remaining: 0} blocks, cooldown deadlines (never shortened) with exactly
 * one half-open probe across all instances, and daily counters. Keys are
 * {@code <prefix>:{<deployment id>}:<what>} and expire by themselves.
 *
 * <pre>{@code
 * try (RedisSharedState shared = RedisSharedState.builder("redis://127.0.0.1:6379").expectedInstances(3).build();
 *      Router router = LlmRouter.builder(config).sharedState(shared).build()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>When Redis is down at start, drops, answers slower than the command timeout (default 50 ms) or
 * restarts empty, callers see no error: admission falls back at once to local windows whose limits are the
 * declared ones divided by {@link Builder#expectedInstances(int)}, one warning is logged per outage, and
 * when Redis answers again each deployment writes back its cooldowns, quota blocks and this instance's
 * grants of the last minute before shared admission resumes. No request waits longer than the command
 * timeout and no lock is held across a round trip. Thread-safe; one instance serves one router (or several
 * routers with the same config in one process).
 */
public final class RedisSharedState implements SharedState {
  private final RedisLink link;
  private final int expectedInstances;
  private final String keyPrefix;
  private final String instance;
  private final AtomicLong seq = new AtomicLong();

  private RedisSharedState(Builder b) {
    this.expectedInstances = b.expectedInstances;
    this.keyPrefix = b.keyPrefix;
    byte[] id = new byte[6];
    ThreadLocalRandom.current().nextBytes(id);
    this.instance = HexFormat.of().formatHex(id);
    this.link = new RedisLink(b.uri, b.uri.getHost() + ":" + b.uri.getPort(), b.commandTimeout, b.retryInterval, b.expectedInstances);
  }

  /**
   * Starts a builder for {@code redis://[:password@]host[:port][/db]} (or {@code rediss://} for TLS).
   *
   * @throws ConfigException naming {@code router_settings.redis_url} when the URL is malformed (never echoing it)
   */
  public static Builder builder(String redisUrl) {
    return new Builder(parse(Objects.requireNonNull(redisUrl, "redisUrl"), "router_settings.redis_url"));
  }

  /**
   * Starts a builder for {@code host:port}, with {@code password} (null for none).
   *
   * @throws IllegalArgumentException when the host is blank or the port outside 1..65535
   */
  public static Builder builder(String host, int port, Secret password) {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("router_settings.redis_host: expected a host name");
    if (port < 1 || port > 65535) throw new IllegalArgumentException("router_settings.redis_port: expected a port 1..65535, got " + port);
    RedisURI.Builder u = RedisURI.Builder.redis(host, port);
    if (password != null) u.withPassword(password.reveal().toCharArray());
    return new Builder(u.build());
  }

  /**
   * Opens the shared state the {@code router_settings.redis_*} keys describe, resolving
   * {@code os.environ/NAME} in {@code env}. Never fails because Redis is unreachable (it starts apart).
   *
   * @throws ConfigException naming the key when a value is unusable or a referenced variable is unset
   */
  public static RedisSharedState open(SharedStateSettings s, Env env) {
    if (!s.enabled()) throw new IllegalArgumentException("no Redis configured: set router_settings.redis_url or redis_host");
    Builder b;
    if (s.url() != null) {
      Secret url = s.url().resolve(env).orElseThrow(() -> new ConfigException(s.sourceKey(),
          "variable " + s.url().envVar() + " is not set"));
      b = new Builder(parse(url.reveal(), s.sourceKey()));
    } else {
      Secret password = null;
      if (s.password() != null) {
        password = s.password().resolve(env).orElseThrow(() -> new ConfigException("router_settings.redis_password",
            "variable " + s.password().envVar() + " is not set"));
      }
      b = builder(s.host(), s.port() == null ? 6379 : s.port(), password);
    }
    return b.expectedInstances(s.expectedInstances()).keyPrefix(s.keyPrefix()).commandTimeout(s.commandTimeout()).build();
  }

  private static RedisURI parse(String url, String key) {
    try {
      RedisURI u = RedisURI.create(url);
      if (u.getHost() == null || u.getHost().isEmpty()) throw new IllegalArgumentException("no host");
      return u;
    } catch (RuntimeException e) {
      // Never the URL itself: it may carry the password.
      throw new ConfigException(key, "expected redis://[:password@]host[:port][/db], got a malformed URL");
    }
  }

  @Override
  public DeploymentStateFactory deploymentStates(StateStore localStore, Clock clock) {
    Objects.requireNonNull(localStore, "localStore");
    Objects.requireNonNull(clock, "clock");
    return d -> new RedisDeploymentState(d.id(), d.rpm(), d.tpm(), expectedInstances, localStore, link, clock, keyPrefix, instance, seq);
  }

  @Override
  public Status status() {
    return new Status("redis " + link.backend(), link.up(), link.downReason());
  }

  /** True when Redis answered its last command in time (shared admission); false while apart (local fallback). */
  public boolean connected() {
    return link.up();
  }

  /** How many admissions this instance decided locally because Redis was apart. */
  public long localFallbacks() {
    return link.fallbacks();
  }

  /**
   * How often this instance joined Redis and wrote back what it knew: once at the first connection, then
   * after each outage and each restart of the server (seen by its new {@code run_id}, even when the
   * client reconnected before the outage was noticed).
   */
  public long joins() {
    return link.joins();
  }

  /** How many times Redis went apart since start. */
  public long outages() {
    return link.outages();
  }

  /** The expected instance count (local limits while apart are the declared ones divided by it). */
  public int expectedInstances() {
    return expectedInstances;
  }

  /** The shared request count of {@code deploymentId} for the UTC {@code day} across all instances (0 when none or apart). */
  public long dailyCount(String deploymentId, LocalDate day) {
    String v = link.get(keyPrefix + ":{" + deploymentId + "}:d:" + day);
    return v == null ? 0 : Long.parseLong(v);
  }

  @Override
  public void close() {
    link.close();
  }

  /** Collects the settings; not thread-safe. */
  public static final class Builder {
    private final RedisURI uri;
    private int expectedInstances = 1;
    private String keyPrefix = SharedStateSettings.DEFAULT_PREFIX;
    private Duration commandTimeout = SharedStateSettings.DEFAULT_TIMEOUT;
    private Duration retryInterval = Duration.ofSeconds(1);

    private Builder(RedisURI uri) {
      this.uri = uri;
    }

    /**
     * How many instances share the budget ({@code router_settings.redis_expected_instances}); while Redis is
     * apart each admits {@code ceil(limit / n)}. Default 1: the full declared limit.
     */
    public Builder expectedInstances(int n) {
      if (n < 1) throw new IllegalArgumentException("router_settings.redis_expected_instances: expected an integer >= 1, got " + n);
      this.expectedInstances = n;
      return this;
    }

    /** The namespace of every key ({@code router_settings.redis_key_prefix}); default {@code llm-router}. */
    public Builder keyPrefix(String prefix) {
      if (prefix == null || prefix.isEmpty() || prefix.contains("{") || prefix.contains("}")) {
        throw new IllegalArgumentException("router_settings.redis_key_prefix: expected a non-empty prefix without { or }");
      }
      this.keyPrefix = prefix;
      return this;
    }

    /** The longest a request waits for Redis before falling back locally ({@code router_settings.redis_timeout}); default 50 ms. */
    public Builder commandTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("router_settings.redis_timeout: expected a positive duration");
      }
      this.commandTimeout = timeout;
      return this;
    }

    /** How often an apart link tries to re-join (and an up link pings); default 1 s. */
    public Builder retryInterval(Duration every) {
      if (every == null || every.isNegative() || every.isZero()) throw new IllegalArgumentException("retryInterval: expected a positive duration");
      this.retryInterval = every;
      return this;
    }

    /** Connects in the background and returns at once; the state is apart until Redis first answers. */
    public RedisSharedState build() {
      return new RedisSharedState(this);
    }
  }
}
