package io.llmrouter.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection to Redis every deployment state of a router shares (Lettuce connections are
 * thread-safe and pipeline concurrent commands), and the up/apart decision.
 *
 * <p>A request never waits longer than the command timeout: a late or failed answer marks the link apart at
 * once (one warning per outage, never one per request) and the caller falls back to its local state. A
 * background thread (never a request thread) pings every retry interval; when Redis answers again it
 * reconnects, reloads the scripts, lets every deployment write back what it learned while apart, and only
 * then marks the link up. No lock is held across a round trip: the only shared mutable fields are volatile.
 */
final class RedisLink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RedisLink.class);

  /** A deployment state that writes back what it knows when the link joins (again). */
  interface Member {
    /** @return false when Redis failed meanwhile (the join is retried later) */
    boolean rejoin();
  }

  private final RedisClient client;
  private final String backend;
  private final long timeoutNanos;
  private final int expectedInstances;
  private final ScheduledExecutorService pinger;
  private final List<Member> members = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong fallbacks = new AtomicLong();
  private final AtomicLong outages = new AtomicLong();
  private final AtomicLong joins = new AtomicLong();
  private volatile StatefulRedisConnection<String, String> connection;
  private volatile boolean up;
  private volatile boolean everUp;
  private volatile String downReason = "not connected yet";
  private volatile String runId; // the server's run_id at the last join: a new one means it restarted

  // "run_id:<hex>" from INFO server, or null when the server does not say.
  static String runId(String info) {
    if (info == null) return null;
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("run_id:")) return line.substring("run_id:".length()).strip();
    }
    return null;
  }

  RedisLink(RedisURI uri, String backend, Duration commandTimeout, Duration retryInterval, int expectedInstances) {
    this.backend = backend;
    this.timeoutNanos = commandTimeout.toNanos();
    this.expectedInstances = expectedInstances;
    this.client = RedisClient.create();
    // Our own reconnect loop decides when the link is back (after writing back), so Lettuce must not queue
    // commands for a reconnect of its own: a command on a broken link fails at once.
    client.setOptions(ClientOptions.builder()
        .autoReconnect(false)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(Math.max(500, commandTimeout.toMillis() * 10))).build())
        .timeoutOptions(TimeoutOptions.enabled(Duration.ofMillis(Math.max(1000, commandTimeout.toMillis() * 20))))
        .build());
    this.uri = uri;
    this.pinger = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-router-redis-link");
      t.setDaemon(true);
      return t;
    });
    long every = Math.max(10, retryInterval.toMillis());
    // The first attempt is waited for (bounded), so status() is meaningful as soon as the router is built.
    try {
      pinger.submit(this::check).get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // still apart; the schedule below keeps trying
    }
    if (!up) {
      outages.incrementAndGet();
      LOG.warn("shared state on Redis ({}) not reachable at start ({}); admitting under local limits divided by {} expected "
          + "instance(s) until it answers", backend, downReason, expectedInstances);
    }
    pinger.scheduleWithFixedDelay(this::check, every, every, TimeUnit.MILLISECONDS);
  }

  private final RedisURI uri;

  /** True when the last command was answered in time and the join completed. */
  boolean up() {
    return up;
  }

  String backend() {
    return backend;
  }

  String downReason() {
    return up ? null : downReason;
  }

  /** How many admissions were decided locally because Redis was apart. */
  long fallbacks() {
    return fallbacks.get();
  }

  /** How many times the link went apart. */
  long joins() {
    return joins.get();
  }

  long outages() {
    return outages.get();
  }

  void countFallback() {
    fallbacks.incrementAndGet();
  }

  void register(Member m) {
    members.add(m);
  }

  /** Runs a script and waits at most the command timeout; null when Redis is apart, slow or failed (marking it apart). */
  @SuppressWarnings("unchecked")
  <T> T eval(Script s, String[] keys, String... args) {
    StatefulRedisConnection<String, String> c = connection;
    if (!up || c == null) return null;
    return (T) await(c, s, keys, args, true);
  }

  /** Like {@link #eval} but also while joining (the join thread writes back before the link is up). */
  @SuppressWarnings("unchecked")
  <T> T evalJoining(Script s, String[] keys, String... args) {
    StatefulRedisConnection<String, String> c = connection;
    if (c == null) return null;
    return (T) await(c, s, keys, args, false);
  }

  private Object await(StatefulRedisConnection<String, String> c, Script s, String[] keys, String[] args, boolean markDown) {
    try {
      return get(c.async().evalsha(s.sha, s.output, keys, args));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RedisNoScriptException) {
        try {
          return get(c.async().eval(s.source, s.output, keys, args)); // caches it again (SCRIPT FLUSH, a restart)
        } catch (ExecutionException | TimeoutException | RuntimeException e2) {
          if (markDown) down(e2 instanceof ExecutionException ? e2.getCause() : e2);
          return null;
        }
      }
      if (markDown) down(e.getCause());
      return null;
    } catch (TimeoutException | RuntimeException e) {
      if (markDown) down(e);
      return null;
    }
  }

  /** Sends a script without waiting (corrections, counters): lost when Redis is apart, which the bounds allow. */
  void send(Script s, String[] keys, String... args) {
    StatefulRedisConnection<String, String> c = connection;
    if (!up || c == null) return;
    try {
      RedisAsyncCommands<String, String> a = c.async();
      a.evalsha(s.sha, s.output, keys, args).whenComplete((v, err) -> {
        if (err instanceof RedisNoScriptException) a.eval(s.source, s.output, keys, args);
      });
    } catch (RuntimeException e) {
      down(e);
    }
  }

  /** A plain GET, waiting at most the command timeout; null when apart or absent. */
  String get(String key) {
    StatefulRedisConnection<String, String> c = connection;
    if (!up || c == null) return null;
    try {
      return get(c.async().get(key));
    } catch (ExecutionException e) {
      down(e.getCause());
      return null;
    } catch (TimeoutException | RuntimeException e) {
      down(e);
      return null;
    }
  }

  /** A plain read, waiting at most the command timeout; null when apart. */
  String hget(String key, String field) {
    StatefulRedisConnection<String, String> c = connection;
    if (!up || c == null) return null;
    try {
      return get(c.async().hget(key, field));
    } catch (ExecutionException e) {
      down(e.getCause());
      return null;
    } catch (TimeoutException | RuntimeException e) {
      down(e);
      return null;
    }
  }

  private <T> T get(RedisFuture<T> f) throws ExecutionException, TimeoutException {
    try {
      return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TimeoutException("interrupted");
    } catch (TimeoutException e) {
      f.cancel(false);
      throw e;
    }
  }

  private void down(Throwable cause) {
    down(cause instanceof TimeoutException ? "no answer within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms"
        : cause == null ? "failed" : cause.getClass().getSimpleName());
  }

  private void down(String why) {
    synchronized (this) {
      if (!up) return;
      up = false;
      downReason = why;
    }
    outages.incrementAndGet();
    // One warning per outage. The reason is a class name or a timeout, never a message (it could echo a URI).
    LOG.warn("shared state on Redis ({}) unavailable ({}); admitting under local limits divided by {} expected instance(s) "
        + "until it answers again", backend, why, expectedInstances);
  }

  // The background check: keeps an up link honest (a quiet, dropped connection) and joins an apart one.
  private void check() {
    if (closed.get()) return;
    try {
      StatefulRedisConnection<String, String> c = connection;
      if (c == null || !c.isOpen()) {
        if (c != null) c.closeAsync();
        connection = null;
        if (up) down("connection closed");
        c = client.connect(StringCodec.UTF8, uri);
        connection = c;
      }
      long wait = Math.max(timeoutNanos, TimeUnit.MILLISECONDS.toNanos(200));
      String pong = c.async().ping().get(wait, TimeUnit.NANOSECONDS);
      if (!"PONG".equals(pong)) throw new IllegalStateException("unexpected ping answer");
      // A Redis restarted between two checks may be back before this instance saw it gone (the client
      // reconnects by itself), and empty: its run_id tells. Then write back as after an outage.
      String runId = runId(c.async().info("server").get(wait, TimeUnit.NANOSECONDS));
      if (up && (runId == null || runId.equals(this.runId))) return;
      if (up) LOG.info("shared state on Redis ({}) restarted (a new run_id); writing back local cooldowns and grants", backend);
      for (Script s : Script.ALL) c.async().scriptLoad(s.source).get(1, TimeUnit.SECONDS);
      for (Member m : members) {
        if (!m.rejoin()) throw new IllegalStateException("write-back failed");
      }
      boolean again = everUp;
      this.runId = runId;
      joins.incrementAndGet();
      synchronized (this) {
        up = true;
        everUp = true;
        downReason = null;
      }
      if (again) LOG.info("shared state on Redis ({}) answers again; re-joined and wrote back local cooldowns and grants", backend);
      else LOG.info("shared state on Redis ({}) connected", backend);
    } catch (Exception e) {
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      if (up) down(cause);
      else downReason = cause instanceof TimeoutException ? "no answer" : "unreachable (" + cause.getClass().getSimpleName() + ")";
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    up = false;
    pinger.shutdownNow();
    try {
      pinger.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    StatefulRedisConnection<String, String> c = connection;
    connection = null;
    if (c != null) c.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }

  /** A script with its SHA-1 (computed here: EVALSHA needs no round trip to learn it). */
  static final class Script {
    static final Script ADMIT = new Script(Scripts.ADMIT, ScriptOutputType.MULTI);
    static final Script CORRECT = new Script(Scripts.CORRECT, ScriptOutputType.INTEGER);
    static final Script QUOTA_BLOCK = new Script(Scripts.QUOTA_BLOCK, ScriptOutputType.INTEGER);
    static final Script OPEN = new Script(Scripts.OPEN, ScriptOutputType.INTEGER);
    static final Script FAIL = new Script(Scripts.FAIL, ScriptOutputType.INTEGER);
    static final Script SUCCESS = new Script(Scripts.SUCCESS, ScriptOutputType.INTEGER);
    static final Script RELEASE_PROBE = new Script(Scripts.RELEASE_PROBE, ScriptOutputType.INTEGER);
    static final Script CLEAR = new Script(Scripts.CLEAR, ScriptOutputType.INTEGER);
    static final Script AVAILABLE = new Script(Scripts.AVAILABLE, ScriptOutputType.INTEGER);
    static final Script WRITE_BACK = new Script(Scripts.WRITE_BACK, ScriptOutputType.INTEGER);
    static final Script DAILY = new Script(Scripts.DAILY, ScriptOutputType.INTEGER);
    static final List<Script> ALL = List.of(ADMIT, CORRECT, QUOTA_BLOCK, OPEN, FAIL, SUCCESS, RELEASE_PROBE, CLEAR, AVAILABLE,
        WRITE_BACK, DAILY);

    final String source;
    final String sha;
    final ScriptOutputType output;

    private Script(String source, ScriptOutputType output) {
      this.source = source;
      this.output = output;
      try {
        this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8)));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
