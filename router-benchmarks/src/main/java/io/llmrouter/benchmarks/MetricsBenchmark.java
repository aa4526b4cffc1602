package io.llmrouter.benchmarks;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterStatus;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.micrometer.RouterMetrics;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * What metrics cost: a routed request without listeners ({@code routedChat}, the baseline of this run)
 * against the same request on a router carrying {@link RouterMetrics} over a Prometheus registry
 * ({@code routedChatWithMetrics}); and what a dashboard's read costs: {@code Router.status()} and one
 * whole Prometheus scrape with every per-deployment gauge (the gauges share one status snapshot for a
 * second, the default, so back-to-back scrapes here mostly reuse it: add {@code status} for a scrape
 * that takes a fresh one). Same deployments and in-memory provider as {@link RouterOverheadBenchmark}.
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -q -pl router-benchmarks -am package -DskipTests
 * java -jar router-benchmarks/target/benchmarks.jar MetricsBenchmark -f 1 -wi 2 -i 3 -w 5s -r 5s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MetricsBenchmark {

  @Param({"30", "1000"})
  public int deployments;

  private static final Usage USAGE = Usage.builder().promptTokens(12).completionTokens(2).totalTokens(14).build();

  private Router plain;
  private Router metered;
  private PrometheusMeterRegistry registry;
  private ChatRequest[] requests;
  private int nextPlain;
  private int nextMetered;

  @Setup(Level.Trial)
  public void setUp() {
    int groups = Math.max(1, deployments / 10);
    RouterConfigBuilder b = RouterConfig.builder().numRetries(2);
    for (int i = 0; i < deployments; i++) {
      b.deployment(DeploymentBuilder.of("group-" + (i % groups), "groq/model-" + i).id("d" + i).rpm(600).tpm(1_000_000)
          .apiKeyEnv("GROQ_API_KEY"));
    }
    RouterConfig config = b.build();
    plain = router(config, null);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    RouterMetrics metrics = RouterMetrics.builder(registry).build();
    metered = router(config, metrics);
    metrics.bindTo(metered);
    requests = new ChatRequest[groups];
    for (int g = 0; g < groups; g++) {
      requests[g] = ChatRequest.builder().model("group-" + g)
          .messages(ChatMessage.system("You are terse."), ChatMessage.user("Say hello in one word.")).maxTokens(16).build();
    }
  }

  private static Router router(RouterConfig config, RouterMetrics metrics) {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
    ScriptedProvider provider = new ScriptedProvider(clock, List.of(
        new ProviderInfo("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_API_BASE", true, Set.of())))
        .recordCalls(false)
        .latency(Duration.ofMillis(100));
    provider.otherwise(c -> provider.ok(c, "Hello", USAGE, 200, Map.of(), null));
    LlmRouter.Builder rb = LlmRouter.builder(config).env(Env.of(Map.of("GROQ_API_KEY", "gsk-bench"))).clock(clock).providerClient(provider);
    if (metrics != null) rb.listener(metrics);
    return rb.build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    plain.close();
    metered.close();
    registry.close();
  }

  /** A routed request with no listener: this run's baseline. */
  @Benchmark
  public ChatResponse routedChat() {
    ChatRequest r = requests[nextPlain];
    nextPlain = nextPlain + 1 == requests.length ? 0 : nextPlain + 1;
    return plain.chat(r);
  }

  /** The same request with RouterMetrics counting and timing it. */
  @Benchmark
  public ChatResponse routedChatWithMetrics() {
    ChatRequest r = requests[nextMetered];
    nextMetered = nextMetered + 1 == requests.length ? 0 : nextMetered + 1;
    return metered.chat(r);
  }

  /** One status snapshot of every group and deployment (what /ui/status serialises). */
  @Benchmark
  public RouterStatus status() {
    return metered.status();
  }

  /** One Prometheus scrape: every meter, the per-deployment gauges read from the shared snapshot. */
  @Benchmark
  public String scrape() {
    return registry.scrape();
  }
}
