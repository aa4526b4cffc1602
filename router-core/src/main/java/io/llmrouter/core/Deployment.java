package io.llmrouter.core;

import io.llmrouter.api.RateSignal;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.core.config.DeploymentConfig;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deployment's live state: its rate windows, parallel-request permits, cooldown breaker, the quotas
 * the provider's headers announced, in-flight count, latency and health. Each deployment has its own
 * state and its own small locks, so requests to different deployments never contend.
 */
final class Deployment {
  final DeploymentConfig config;
  final String id;
  final String group;
  final ProviderInfo info;
  final String noDialect;
  final String effectiveApiBase;
  final Map<String, String> extraHeaders;
  final RateWindow window;
  final Semaphore parallel;
  final AtomicInteger inFlight = new AtomicInteger();
  final Breaker breaker = new Breaker();
  final double weight;

  // Header-fed quotas: epoch ms until which the provider said nothing is left (0: no block).
  private volatile long requestQuotaUntil;
  private volatile long tokenQuotaUntil;
  private volatile double latencyMillis;
  private volatile boolean unhealthy;
  private volatile String healthError;

  Deployment(DeploymentConfig config, ProviderInfo info, String noDialect, String effectiveApiBase,
      Map<String, String> extraHeaders, double weight) {
    this.config = config;
    this.id = config.id();
    this.group = config.modelName();
    this.info = info;
    this.noDialect = noDialect;
    this.effectiveApiBase = effectiveApiBase;
    this.extraHeaders = extraHeaders;
    this.window = new RateWindow(config.rpm(), config.tpm());
    this.parallel = config.maxParallelRequests() == null ? null : new Semaphore(config.maxParallelRequests());
    this.weight = weight;
  }

  /** Applies what a response said about limits: an exhausted window with a reset blocks until then. */
  void applySignal(RateSignal s) {
    if (s == null) return;
    RateSignal.Window r = s.requests();
    if (r != null && r.exhausted() && r.resetAt() != null) requestQuotaUntil = Math.max(requestQuotaUntil, r.resetAt().toEpochMilli());
    RateSignal.Window t = s.tokens();
    if (t != null && t.exhausted() && t.resetAt() != null) tokenQuotaUntil = Math.max(tokenQuotaUntil, t.resetAt().toEpochMilli());
  }

  /** Epoch ms until which the provider's own quota is exhausted, or 0. */
  long quotaUntil(long now) {
    long u = Math.max(requestQuotaUntil, tokenQuotaUntil);
    return u > now ? u : 0;
  }

  /**
   * Epoch ms at which this deployment would admit a request of {@code estTokens}: {@code now} when it
   * would now, {@link Long#MAX_VALUE} when it never will by waiting (no key, no dialect).
   */
  long availableAt(long now, long estTokens, boolean keyMissing) {
    if (noDialect != null || keyMissing) return Long.MAX_VALUE;
    long at = Math.max(now, Math.max(breaker.coolingUntil(now), quotaUntil(now)));
    return Math.max(at, window.availableAt(now, estTokens));
  }

  void recordLatency(double millis) {
    double prev = latencyMillis;
    // EWMA: recent calls dominate, a single outlier does not; races only lose one sample.
    latencyMillis = prev == 0 ? millis : prev * 0.8 + millis * 0.2;
  }

  double latencyMillis() {
    return latencyMillis;
  }

  boolean unhealthy() {
    return unhealthy;
  }

  String healthError() {
    return healthError;
  }

  /** Sets the health; @return true when it changed */
  synchronized boolean setHealth(String error) {
    boolean bad = error != null;
    boolean changed = bad != unhealthy;
    unhealthy = bad;
    healthError = error;
    return changed;
  }
}
