package io.llmrouter.benchmarks;

import io.llmrouter.facade.AccessLog;
import io.llmrouter.facade.LogFormat;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What logging one request costs the request's thread. {@code baselineSyncAutoflushedWrite} is what the
 * facade did before {@link AccessLog}: format the line and write it through an autoflushing
 * {@link PrintStream} (slf4j-simple's stderr), one write system call per request, here to {@code /dev/null}
 * (the cheapest output there is: a pipe to journald or a terminal only costs more).
 * {@code accessLog} puts the same fields in {@link AccessLog}'s bounded queue; its writer thread formats and
 * writes them in batches to {@code /dev/null}. The teardown prints how many entries the writer kept up with
 * and how many the full queue dropped, since a caller that outruns the writer takes the (cheaper) drop path.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -q -B -pl router-benchmarks -am package -DskipTests
 * java -jar router-benchmarks/target/benchmarks.jar AccessLogBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AccessLogBenchmark {
  @Param({"text", "json"})
  public String format;

  /**
   * CPU work ({@link Blackhole#consumeCPU} tokens) done before each log call, standing in for the rest of a
   * request: with 0 the loop outruns any writer and the access log mostly takes its drop path; with work
   * the writer can keep up, as it must in a server.
   */
  @Param({"0", "2000"})
  public int work;

  private PrintStream sync;
  private FileOutputStream asyncOut;
  private AccessLog log;
  private final List<String> fallbacks = List.of();
  private long n;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    sync = new PrintStream(new FileOutputStream("/dev/null"), true, "UTF-8");
    asyncOut = new FileOutputStream("/dev/null");
    log = AccessLog.toStream(asyncOut, LogFormat.valueOf(format.toUpperCase(java.util.Locale.ROOT)));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    log.close();
    System.out.printf("%n[accessLog %s work=%d] written %d, dropped %d%n", format, work, log.written(), log.dropped());
    sync.close();
    asyncOut.close();
  }

  @Benchmark
  public void baselineSyncAutoflushedWrite() {
    Blackhole.consumeCPU(work);
    long i = n++;
    // The old access line: formatted on the request thread, then println with autoflush.
    sync.println(java.time.Instant.now() + " INFO access request_id=" + Long.toHexString(i) + " method=POST path=/v1/chat/completions"
        + " group=fast deployment=groq-8b status=200 latency_ms=" + (i & 1023) + " attempts=1 fallbacks=-");
  }

  @Benchmark
  public void accessLog() {
    Blackhole.consumeCPU(work);
    long i = n++;
    log.log("INFO", "access", "request_id", Long.toHexString(i), "method", "POST", "path", "/v1/chat/completions",
        "group", "fast", "deployment", "groq-8b", "status", 200, "latency_ms", i & 1023, "attempts", 1, "fallbacks", fallbacks,
        "note", null);
  }
}
