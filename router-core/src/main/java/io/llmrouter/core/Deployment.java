package io.llmrouter.core;

import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.state.DeploymentState;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deployment: its configuration, what the registry resolved for it (dialect facts, base URL, extra
 * headers), its limits' state ({@link DeploymentState}: windows, quotas, cooldown, daily count), and the
 * process-local facts selection reads (in-flight count, parallel-request permits, latency, health).
 */
final class Deployment {
  final DeploymentConfig config;
  final String id;
  final String group;
  final ProviderInfo info;
  final String noDialect;
  final String effectiveApiBase;
  final Map<String, String> extraHeaders;
  final DeploymentState state;
  final Semaphore parallel;
  final AtomicInteger inFlight = new AtomicInteger();
  /** Calls made to it (skips not counted), for {@code Router.status()}. */
  final HourlyCounter calls = new HourlyCounter();
  /** {@code litellm_params.stream_timeout}: a stream attempt's time to its first chunk, or null. */
  final java.time.Duration streamTimeout;
  /** {@link #effectiveApiBase} as a {@code Route} shows it (credentials redacted), computed once; null when there is none. */
  final String redactedApiBase;
  /** {@code litellm_params.drop_params: true}, read once. */
  final boolean dropParams;
  /**
   * The key and endpoint the registry that last served this deployment resolved for it ({@link DeploymentRegistry#key}),
   * or null; replaced whole. A deployment reused by a reload is served by a new registry, which resolves again.
   */
  volatile DeploymentRegistry.Resolved resolved;

  private volatile double latencyMillis;
  // Doubles' bits, written with release semantics (no fence on the request path; see recordServed).
  private long servedMillisBits = Double.doubleToRawLongBits(-1);
  private volatile boolean unhealthy;
  private volatile String healthError;

  Deployment(DeploymentConfig config, ProviderInfo info, String noDialect, String effectiveApiBase,
      Map<String, String> extraHeaders, DeploymentState state) {
    this.config = config;
    this.id = config.id();
    this.group = config.modelName();
    this.info = info;
    this.noDialect = noDialect;
    this.effectiveApiBase = effectiveApiBase;
    this.extraHeaders = extraHeaders;
    this.state = state;
    this.parallel = config.maxParallelRequests() == null ? null : new Semaphore(config.maxParallelRequests());
    this.streamTimeout = streamTimeout(config);
    this.redactedApiBase = effectiveApiBase == null ? null : io.llmrouter.api.SafeUrls.redact(effectiveApiBase);
    this.dropParams = Boolean.TRUE.equals(config.extraParams().get("drop_params"));
  }

  /** {@code stream_timeout} from the deployment's other params (seconds, as LiteLLM reads it); validated at load. */
  static java.time.Duration streamTimeout(DeploymentConfig c) {
    Object v = c.extraParams().get("stream_timeout");
    double s;
    if (v instanceof Number n) s = n.doubleValue();
    else if (v instanceof String t && t.strip().matches("\\d{1,9}(\\.\\d{0,9})?")) s = Double.parseDouble(t.strip());
    else return null;
    if (!(s > 0) || s > 1e9) return null;
    return java.time.Duration.ofNanos((long) (s * 1e9));
  }

  void recordLatency(double millis) {
    double prev = latencyMillis;
    // EWMA: recent calls dominate, a single outlier does not; races only lose one sample.
    latencyMillis = prev == 0 ? millis : prev * 0.8 + millis * 0.2;
  }

  double latencyMillis() {
    return latencyMillis;
  }

  /** Records how long a served call took (to its answer, or a stream's first content), for {@link #roomToRun}. */
  void recordServed(long millis) {
    // A release store, not a volatile one: a volatile write fences on x86 (tens of ns on every served
    // call); readers only need a whole, recent value, and races only lose one sample.
    double prev = Double.longBitsToDouble((long) SERVED.getAcquire(this));
    double m = Math.max(0, millis);
    SERVED.setRelease(this, Double.doubleToRawLongBits(prev < 0 ? m : prev * 0.8 + m * 0.2));
  }

  private static final java.lang.invoke.VarHandle SERVED;

  static {
    try {
      SERVED = java.lang.invoke.MethodHandles.lookup().findVarHandle(Deployment.class, "servedMillisBits", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * How long before its deadline a request must be able to start a call here for the call to finish in time:
   * twice what served calls took lately, at least {@link #MIN_ROOM_MILLIS}; until a call has been served,
   * {@link AttemptRunner#MIN_ATTEMPT_MILLIS}. Never more than that nor than a quarter of {@code leftMillis}
   * (what is left of the request's deadline), so a short request can still wait.
   */
  long roomToRun(long leftMillis) {
    double served = Double.longBitsToDouble((long) SERVED.getAcquire(this));
    long room = served < 0 ? AttemptRunner.MIN_ATTEMPT_MILLIS
        : Math.min(AttemptRunner.MIN_ATTEMPT_MILLIS, Math.max(MIN_ROOM_MILLIS, (long) Math.ceil(served * 2)));
    return Math.min(room, Math.max(0, leftMillis) / 4);
  }

  /** Room left before a deadline to start a call on a deployment known to answer at once. */
  static final long MIN_ROOM_MILLIS = 25;

  /** {@link #roomToRun} where the deployment is not known. */
  static long roomToRun(Deployment d, long leftMillis) {
    return d != null ? d.roomToRun(leftMillis) : Math.min(AttemptRunner.MIN_ATTEMPT_MILLIS, Math.max(0, leftMillis) / 4);
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
