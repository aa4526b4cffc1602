package io.llmrouter.benchmarks;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Router;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
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
 * The router's own cost per request: selection, admission (rpm ring, tpm window, cooldown check, key
 * resolution), bookkeeping and the route, with the HTTP call replaced by an in-memory provider.
 * {@code baselineProviderCall} measures that in-memory provider call alone, in the same run, so the
 * router's figures can be read as a ratio; the router's overhead is the difference.
 *
 * <p>Deployments are in groups of 10 (3 groups at 30 deployments, 100 at 1,000); requests rotate over
 * the groups. Every deployment declares rpm 600 and tpm 1,000,000 so admission does real work; the
 * provider is router-test-fixtures' {@link ScriptedProvider} with nothing scripted and recording off, on a
 * {@link TestClock} it advances 100 ms per call (a simulated latency) so nothing is ever refused (refusals are
 * a different path).
 *
 * <p>Run (from the repository root):
 * <pre>
 * mvn -q -pl router-benchmarks -am package -DskipTests
 * java -jar router-benchmarks/target/benchmarks.jar RouterOverheadBenchmark -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RouterOverheadBenchmark {

  @Param({"30", "1000"})
  public int deployments;

  private static final Usage USAGE = Usage.builder().promptTokens(12).completionTokens(2).totalTokens(14).build();

  private Router router;
  private ScriptedProvider provider;
  private ChatRequest[] requests;
  private ProviderCall baselineCall;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    TestClock clock = new TestClock(Instant.parse("2026-03-01T00:00:00Z"));
    // Nothing scripted and recording off: each call only advances the clock and builds the response.
    provider = new ScriptedProvider(clock, List.of(
        new ProviderInfo("groq", "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_API_BASE", true, Set.of())))
        .recordCalls(false)
        .latency(Duration.ofMillis(100));
    ScriptedProvider p = provider;
    provider.otherwise(c -> p.ok(c, "Hello", USAGE, 200, Map.of(), null));
    RouterConfigBuilder b = RouterConfig.builder().numRetries(2);
    int groups = Math.max(1, deployments / 10);
    for (int i = 0; i < deployments; i++) {
      String group = "group-" + (i % groups);
      b.deployment(DeploymentBuilder.of(group, "groq/model-" + i).id("d" + i).rpm(600).tpm(1_000_000).apiKeyEnv("GROQ_API_KEY"));
    }
    router = LlmRouter.builder(b.build()).env(Env.of(Map.of("GROQ_API_KEY", "gsk-bench"))).clock(clock).providerClient(provider).build();
    requests = new ChatRequest[groups];
    for (int g = 0; g < groups; g++) {
      requests[g] = ChatRequest.builder().model("group-" + g)
          .messages(ChatMessage.system("You are terse."), ChatMessage.user("Say hello in one word.")).maxTokens(16).build();
    }
    baselineCall = new ProviderCall(Endpoint.of("d0", "groq", "model-0", null, Secret.of("gsk-bench")), requests[0], Duration.ofSeconds(60), false);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    router.close();
  }

  /** The in-memory provider call alone: the floor every routed request also pays. */
  @Benchmark
  public ChatResponse baselineProviderCall() {
    return provider.chat(baselineCall).value();
  }

  /** One routed request: the provider call plus everything the router does around it. */
  @Benchmark
  public ChatResponse routedChat() {
    ChatRequest r = requests[next];
    next = next + 1 == requests.length ? 0 : next + 1;
    return router.chat(r);
  }
}
