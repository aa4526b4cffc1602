package io.llmrouter.benchmarks;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.DeploymentState;
import io.llmrouter.core.state.Gate;
import io.llmrouter.core.state.InMemoryStateStore;
import io.llmrouter.core.state.Reservation;
import io.llmrouter.redis.RedisSharedState;
import io.llmrouter.testing.RedisServerProcess;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;

/**
 * The work behind one shared admission, as counts and CPU time rather than latency (they survive a loaded
 * machine better): the redis calls the scripts make per admission (every command run inside a script is
 * counted by the server's {@code INFO commandstats}), redis-server's CPU per admission ({@code INFO cpu},
 * user + sys) and this JVM's ({@code getProcessCpuTime}: caller, Lettuce's event loop, JIT and GC).
 * The deployment and clock of {@link SharedAdmissionBenchmark} (rpm 1,000,000, tpm 1,000,000,000, +10 ms
 * per admission); {@code n} admissions of warm-up (at least 6,000 fill the 60 s window, so that every counted
 * admission evicts one grant: the steady state), then {@code n} counted.
 *
 * <pre>
 * java -cp router-benchmarks/target/benchmarks.jar io.llmrouter.benchmarks.SharedAdmissionServerCpu admit|admitOnly 30000
 * </pre>
 * {@code admit} corrects each grant (100 to 90 tokens) as the benchmark does; {@code admitOnly} does not.
 */
public final class SharedAdmissionServerCpu {
  private SharedAdmissionServerCpu() {}

  private static long ms = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
  private static final Clock clock = new Clock() {
    public long millis() { return ms += 10; }
    public Instant instant() { return Instant.ofEpochMilli(millis()); }
    public ZoneId getZone() { return ZoneOffset.UTC; }
    public Clock withZone(ZoneId z) { return this; }
  };
  private static Map<String, String> info(StatefulRedisConnection<String, String> c, String section) {
    Map<String, String> m = new HashMap<>();
    for (String l : c.sync().info(section).split("\r?\n")) { int i = l.indexOf(':'); if (i > 0) m.put(l.substring(0, i), l.substring(i + 1)); }
    return m;
  }
  private static double cpu(StatefulRedisConnection<String, String> c) {
    Map<String, String> m = info(c, "cpu");
    return Double.parseDouble(m.get("used_cpu_user")) + Double.parseDouble(m.get("used_cpu_sys"));
  }
  public static void main(String[] a) throws Exception {
    if (a.length != 2 || !(a[0].equals("admit") || a[0].equals("admitOnly"))) {
      throw new IllegalArgumentException("usage: SharedAdmissionServerCpu admit|admitOnly <admissions>");
    }
    boolean correct = a[0].equals("admit");
    int n = Integer.parseInt(a[1]);
    DeploymentConfig d = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("bench", "groq/llama-3.1-8b-instant").id("bench").rpm(1_000_000).tpm(1_000_000_000L))
        .build().deployments().get(0);
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (RedisServerProcess redis = RedisServerProcess.start();
         RedisSharedState shared = RedisSharedState.builder(redis.url()).commandTimeout(Duration.ofSeconds(1)).build()) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!shared.connected() && System.nanoTime() < deadline) Thread.sleep(10);
      if (!shared.connected()) throw new IllegalStateException("redis-server did not join");
      DeploymentState s = shared.deploymentStates(new InMemoryStateStore(), clock).create(d);
      RedisClient rc = RedisClient.create();
      StatefulRedisConnection<String, String> c = rc.connect(StringCodec.UTF8, RedisURI.create(redis.url()));
      for (int round = 0; round < 2; round++) { // round 0: warm-up (and fills the 60 s window: 6,000 grants)
        c.sync().configResetstat();
        double s0 = cpu(c); long p0 = os.getProcessCpuTime();
        for (int i = 0; i < n; i++) {
          Gate g = s.admit(clock, 100);
          if (!(g.reservation() instanceof Reservation.Granted gr)) throw new IllegalStateException("refused " + g);
          if (correct) s.correct(gr, 90);
        }
        c.sync().ping();
        double s1 = cpu(c); long p1 = os.getProcessCpuTime();
        if (round == 0) continue;
        long evals = 0, inner = 0;
        for (Map.Entry<String, String> e : info(c, "commandstats").entrySet()) {
          if (!e.getKey().startsWith("cmdstat_")) continue;
          long calls = Long.parseLong(e.getValue().replaceAll("calls=(\\d+),.*", "$1"));
          String cmd = e.getKey().substring(8);
          if (cmd.equals("evalsha")) evals = calls;
          else if (!cmd.equals("ping") && !cmd.equals("info") && !cmd.startsWith("config")) inner += calls;
        }
        // A run that fell back locally did not measure Redis: the figures are printed with the count, to discard.
        System.out.printf("%s n=%d: EVALSHA %d, inner redis calls per admission %.2f (per EVALSHA %.2f), redis-server CPU %.1f us/admission, this JVM CPU %.1f us/admission, fallbacks %d%n",
            a[0], n, evals, inner / (double) n, inner / (double) evals, (s1 - s0) * 1e6 / n, (p1 - p0) / 1e3 / n, shared.localFallbacks());
      }
      c.close(); rc.shutdown();
    }
  }
}
