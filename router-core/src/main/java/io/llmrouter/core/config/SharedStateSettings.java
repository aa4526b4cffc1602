package io.llmrouter.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Where several router instances share their per-deployment state (rpm/tpm windows, provider quotas,
 * cooldowns, the half-open probe, daily counters): Redis, named by the {@code router_settings} keys LiteLLM
 * users already have ({@code redis_url}, or {@code redis_host} / {@code redis_port} / {@code redis_password},
 * each also as {@code os.environ/NAME}) plus llm-router's own {@code redis_expected_instances},
 * {@code redis_key_prefix} and {@code redis_timeout}. {@link #none()} when no Redis is named: state stays in
 * the process. The implementation lives in the {@code router-redis} module; the core only carries the settings.
 *
 * @param url {@code redis_url} ({@code redis://[:password@]host[:port][/db]}); a secret, since it may carry
 *     the password; null when not given
 * @param host {@code redis_host}, null when not given
 * @param port {@code redis_port}, null for 6379
 * @param password {@code redis_password}, null for none
 * @param expectedInstances {@code redis_expected_instances}: how many instances share the budget; while Redis
 *     is unreachable each instance admits {@code ceil(limit / expectedInstances)} locally. Default 1: the full
 *     local limit (safe only when one instance runs)
 * @param keyPrefix {@code redis_key_prefix}: the namespace of every key, default {@code llm-router}
 * @param commandTimeout {@code redis_timeout} (seconds): the longest a request waits for Redis before it
 *     falls back to local state, default 0.05 s (a slower Redis counts as unavailable)
 * @param sourceKey the key path that switched shared state on ({@code router_settings.redis_url} or
 *     {@code router_settings.redis_host}), for error messages; null for {@link #none()}
 */
public record SharedStateSettings(SecretRef url, String host, Integer port, SecretRef password, int expectedInstances,
    String keyPrefix, Duration commandTimeout, String sourceKey) {

  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "llm-router";
  /** The default command timeout: 50 ms. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);

  private static final SharedStateSettings NONE = new SharedStateSettings(null, null, null, null, 1, DEFAULT_PREFIX,
      DEFAULT_TIMEOUT, null);

  public SharedStateSettings {
    if (expectedInstances < 1) {
      throw new IllegalArgumentException("router_settings.redis_expected_instances: expected an integer >= 1, got " + expectedInstances);
    }
    keyPrefix = keyPrefix == null || keyPrefix.isEmpty() ? DEFAULT_PREFIX : keyPrefix;
    commandTimeout = commandTimeout == null ? DEFAULT_TIMEOUT : commandTimeout;
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("router_settings.redis_timeout: expected a positive number of seconds, got " + commandTimeout);
    }
    if (port != null && (port < 1 || port > 65535)) {
      throw new IllegalArgumentException("router_settings.redis_port: expected a port 1..65535, got " + port);
    }
  }

  /** No shared state: everything stays in the process. */
  public static SharedStateSettings none() {
    return NONE;
  }

  /** Shared state at {@code redis://...} (a literal URL; see {@link #url()}). */
  public static SharedStateSettings url(String redisUrl) {
    return new SharedStateSettings(SecretRef.literal(Objects.requireNonNull(redisUrl, "redisUrl")), null, null, null, 1,
        DEFAULT_PREFIX, DEFAULT_TIMEOUT, "router_settings.redis_url");
  }

  /** True when a Redis is named. */
  public boolean enabled() {
    return url != null || host != null;
  }

  /** These settings with {@code redis_url} replaced (the CLI's {@code --redis-url}). */
  public SharedStateSettings withUrl(SecretRef newUrl, String source) {
    return new SharedStateSettings(newUrl, null, null, null, expectedInstances, keyPrefix, commandTimeout, source);
  }

  /** These settings with another expected instance count. */
  public SharedStateSettings withExpectedInstances(int n) {
    return new SharedStateSettings(url, host, port, password, n, keyPrefix, commandTimeout, sourceKey);
  }

  /** These settings with another key prefix. */
  public SharedStateSettings withKeyPrefix(String prefix) {
    return new SharedStateSettings(url, host, port, password, expectedInstances, prefix, commandTimeout, sourceKey);
  }

  /** These settings with another command timeout. */
  public SharedStateSettings withCommandTimeout(Duration timeout) {
    return new SharedStateSettings(url, host, port, password, expectedInstances, keyPrefix, timeout, sourceKey);
  }

  @Override
  public String toString() {
    // Never the URL or password: either may carry the secret.
    return enabled() ? "SharedStateSettings[redis via " + sourceKey + ", expectedInstances=" + expectedInstances
        + ", keyPrefix=" + keyPrefix + ", commandTimeout=" + commandTimeout + "]" : "SharedStateSettings[none]";
  }
}
