package io.llmrouter.benchmarks;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Choice;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

/**
 * The router's own cost per request: selection, admission (rpm ring, tpm window, cooldown check, key
 * resolution), bookkeeping and the route, with the HTTP call replaced by an in-memory provider.
 * {@code baselineProviderCall} measures that in-memory provider call alone, in the same run, so the
 * router's figures can be read as a ratio; the router's overhead is the difference.
 *
 * <p>Deployments are in groups of 10 (3 groups at 30 deployments, 100 at 1,000); requests rotate over
 * the groups. Every deployment declares rpm 600 and tpm 1,000,000 so admission does real work; a virtual
 * clock advances 100 ms per provider call so nothing is ever refused (refusals are a different path).
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

  private Router router;
  private InMemoryProvider provider;
  private ChatRequest[] requests;
  private ProviderCall baselineCall;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    VirtualClock clock = new VirtualClock();
    provider = new InMemoryProvider(clock);
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

  /** A clock the provider moves 100 ms per call. */
  static final class VirtualClock extends Clock {
    final AtomicLong millis = new AtomicLong(Instant.parse("2026-03-01T00:00:00Z").toEpochMilli());

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }

  /** Answers every call from memory, as a real client would after parsing a small response. */
  static final class InMemoryProvider implements ProviderClient {
    private final VirtualClock clock;
    private final Usage usage = Usage.builder().promptTokens(12).completionTokens(2).totalTokens(14).build();

    InMemoryProvider(VirtualClock clock) {
      this.clock = clock;
    }

    @Override
    public Set<String> prefixes() {
      return Set.of("groq");
    }

    @Override
    public ProviderInfo info(String prefix) {
      return new ProviderInfo(prefix, "https://api.groq.com/openai/v1", "GROQ_API_KEY", "GROQ_API_BASE", true, Set.of());
    }

    @Override
    public ProviderResponse<ChatResponse> chat(ProviderCall call) {
      long now = clock.millis.addAndGet(100);
      ChatResponse r = ChatResponse.builder().id("chatcmpl-1").object("chat.completion").created(now / 1000)
          .model(call.endpoint().model())
          .choices(Choice.builder().index(0).message(ChatMessage.assistant("Hello")).finishReason("stop").build())
          .usage(usage).build();
      return new ProviderResponse<>(r, 200, Map.of(), RateSignal.none(Instant.ofEpochMilli(now)));
    }

    @Override
    public ProviderStream stream(ProviderCall call) {
      ChatResponse r = chat(call).value();
      return new ProviderStream() {
        private boolean sent;

        @Override
        public int status() {
          return 200;
        }

        @Override
        public Map<String, String> headers() {
          return Map.of();
        }

        @Override
        public RateSignal signal() {
          return RateSignal.none(Instant.ofEpochMilli(clock.millis()));
        }

        @Override
        public ChatChunk next() {
          if (sent) return null;
          sent = true;
          return ChatChunk.builder().id(r.id()).model(r.model()).build();
        }

        @Override
        public void close() {}
      };
    }

    @Override
    public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
      return new ProviderResponse<>(List.of(), 200, Map.of(), RateSignal.none(Instant.ofEpochMilli(clock.millis())));
    }

    @Override
    public void close() {}
  }
}
