package io.llmrouter.benchmarks;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.DeploymentState;
import io.llmrouter.core.state.DeploymentStateFactory;
import io.llmrouter.core.state.Gate;
import io.llmrouter.core.state.InMemoryStateStore;
import io.llmrouter.core.state.Reservation;
import io.llmrouter.redis.RedisSharedState;
import io.llmrouter.testing.RedisServerProcess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * The added cost of admission through Redis on loopback against in-process admission, in one run: one
 * admission step ({@link DeploymentState#admit}: provider quota, cooldown breaker, rpm and tpm windows) and
 * its token correction, per request. {@code backend=in-process} is {@link DeploymentStateFactory#inMemory};
 * {@code backend=redis} is {@link RedisSharedState} against a real {@code redis-server} the benchmark starts
 * on a free loopback port (one Lua script per admission, the correction sent without waiting).
 *
 * <p>One deployment with rpm 1,000,000 and tpm 1,000,000,000 so nothing is refused (a refusal is the cheaper
 * path); the router clock advances 10 ms per admission, so the Redis window holds at most 6,000 entries.
 * {@code admit} (one thread, sample time) gives p50/p99 per request; {@code admitOnly} the same without the
 * correction; {@code admit64} (64 threads, throughput) gives requests/s.
 *
 * <p>The floor, in the same run: {@code backend=lettuce-ping} and {@code lettuce-evalsha} are a bare Lettuce
 * round trip (PING; EVALSHA of a one-line script with one key and one argument) on a connection with the
 * client options {@link RedisSharedState} uses, to a server started the same way. Whatever {@code redis}
 * adds over {@code lettuce-evalsha} is ours (the admission script's work on the server, the correction, the
 * local mirror); the floor itself is client, transport and scheduler. At the end of each trial the server's
 * own time per command ({@code INFO commandstats}) is printed, so the script's share is measured, not guessed.
 *
 * <p>Run (from the repository root; needs redis-server on the PATH):
 * <pre>
 * mvn -q -pl router-benchmarks -am package -DskipTests
 * java -jar router-benchmarks/target/benchmarks.jar SharedAdmissionBenchmark -f 1 -wi 2 -i 3 -w 3s -r 3s
 * </pre>
 */
@State(Scope.Benchmark)
public class SharedAdmissionBenchmark {

  /**
   * {@code in-process} and {@code redis} are the two admission paths; {@code lettuce-ping} and
   * {@code lettuce-evalsha} are the floor under {@code redis}: a bare Lettuce round trip (PING, and EVALSHA of a
   * one-line script with one key and one argument) on a connection set up as {@link RedisSharedState} sets up
   * its own, waited for with {@code get(timeout)}, against the same kind of server. What {@code redis} adds
   * over the floor is the router's code and the admission script; the floor itself is client and transport.
   */
  @Param({"in-process", "redis", "lettuce-ping", "lettuce-evalsha"})
  public String backend;

  /** The floor's trivial script (EVALSHA with one key and one argument, like an admission, but no work). */
  static final String TRIVIAL = "return ARGV[1]";

  private RedisClient floorClient;
  private StatefulRedisConnection<String, String> floor;
  private String trivialSha;
  private final String[] floorKeys = {"llm-router:{bench}:floor"};

  private RedisServerProcess redis;
  private RedisSharedState shared;
  private DeploymentState state;
  private final SteppingClock clock = new SteppingClock(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());

  /** A clock that moves 10 ms each time it is read: admissions spread over the window without refusals. */
  static final class SteppingClock extends Clock {
    private final AtomicLong millis;

    SteppingClock(long start) {
      this.millis = new AtomicLong(start);
    }

    @Override
    public long millis() {
      return millis.addAndGet(10);
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    DeploymentConfig d = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("bench", "groq/llama-3.1-8b-instant").id("bench").rpm(1_000_000).tpm(1_000_000_000L))
        .build().deployments().get(0);
    InMemoryStateStore store = new InMemoryStateStore();
    if (backend.equals("redis")) {
      redis = RedisServerProcess.start();
      shared = RedisSharedState.builder(redis.url()).commandTimeout(Duration.ofSeconds(1)).build();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!shared.connected() && System.nanoTime() < deadline) Thread.sleep(10);
      if (!shared.connected()) throw new IllegalStateException("redis-server did not join");
      state = shared.deploymentStates(store, clock).create(d);
    } else if (backend.startsWith("lettuce-")) {
      redis = RedisServerProcess.start();
      floorClient = RedisClient.create();
      // The client options RedisLink uses: no auto-reconnect, commands rejected while disconnected, a
      // connect timeout, Lettuce's own command timeout as a backstop behind the caller's bounded wait.
      floorClient.setOptions(ClientOptions.builder()
          .autoReconnect(false)
          .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
          .socketOptions(SocketOptions.builder().connectTimeout(Duration.ofSeconds(10)).build())
          .timeoutOptions(TimeoutOptions.enabled(Duration.ofSeconds(20)))
          .build());
      floor = floorClient.connect(StringCodec.UTF8, RedisURI.create(redis.url()));
      trivialSha = floor.sync().scriptLoad(TRIVIAL);
    } else {
      state = DeploymentStateFactory.inMemory(store).create(d);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long fallbacks = shared == null ? 0 : shared.localFallbacks();
    try {
      if (redis != null) printServerTime();
    } finally {
      // Everything is closed before a failure is reported: a thrown tearDown must not leave redis-server running.
      if (shared != null) shared.close();
      if (floor != null) floor.close();
      if (floorClient != null) floorClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      if (redis != null) redis.close();
    }
    // A measurement that fell back locally would not measure Redis: say so instead of printing a figure.
    if (fallbacks > 0) throw new IllegalStateException(fallbacks + " admissions fell back locally");
  }

  // The server's own time per EVALSHA (admissions and corrections together) and per PING, from INFO commandstats.
  private void printServerTime() {
    RedisClient c = RedisClient.create();
    try (StatefulRedisConnection<String, String> conn = c.connect(StringCodec.UTF8, RedisURI.create(redis.url()))) {
      for (String line : conn.sync().info("commandstats").split("\r?\n")) {
        if (line.startsWith("cmdstat_evalsha:") || line.startsWith("cmdstat_ping:")) {
          System.out.println("redis-server (" + backend + "): " + line);
        }
      }
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private Object admitOnce() throws Exception {
    if (floor != null) {
      RedisFuture<String> f = backend.equals("lettuce-ping") ? floor.async().ping()
          : floor.async().evalsha(trivialSha, ScriptOutputType.VALUE, floorKeys, "1");
      String answer = f.get(1, TimeUnit.SECONDS);
      if (answer == null) throw new IllegalStateException("no answer");
      return answer;
    }
    return admitGate();
  }

  private Gate admitGate() {
    Gate g = state.admit(clock, 100);
    if (g.reservation() instanceof Reservation.Granted granted) state.correct(granted, 90);
    else throw new IllegalStateException("refused: " + g);
    return g;
  }

  /** One admission and its correction, one thread: latency per request. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object admit() throws Exception {
    return admitOnce();
  }

  /**
   * The admission alone, without its correction, one thread: what the caller waits for before a call
   * (the correction is sent without waiting, but it is one more command on the connection).
   */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object admitOnly() throws Exception {
    if (floor != null) return admitOnce();
    Gate g = state.admit(clock, 100);
    if (!(g.reservation() instanceof Reservation.Granted)) throw new IllegalStateException("refused: " + g);
    return g;
  }

  /** The same from 64 threads at once: requests per second. */
  @Benchmark
  @Threads(64)
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Object admit64() throws Exception {
    return admitOnce();
  }
}
