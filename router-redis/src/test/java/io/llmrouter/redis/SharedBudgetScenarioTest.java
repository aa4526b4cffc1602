package io.llmrouter.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.RedisServerProcess;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import io.llmrouter.testkit.scenario.VirtualTimeDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three routers (three JVM-level instances: each its own provider client and its own Redis connection)
 * share one Redis and one provider simulator, on one manual {@link VirtualClock} driven as a discrete-event
 * simulation ({@link VirtualTimeDriver}, 3 x 32 concurrent callers). Whether a deployment ever received more
 * than its declared rpm in a 60-second window is read from the simulator's own log, never from the router.
 */
class SharedBudgetScenarioTest {
  static final int RPM = 30;
  static final List<String> MODELS = List.of("shared-a", "shared-b", "shared-c", "shared-d");
  static final int INSTANCES = 3;

  RedisServerProcess redis;
  VirtualClock clock;
  ProviderSimulator sim;
  final List<RedisSharedState> shared = new ArrayList<>();
  final List<Router> routers = new ArrayList<>();

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    clock = VirtualClock.manual();
    ProviderSimulator.Builder b = ProviderSimulator.builder().clock(clock).seed(7).providers(SimProvider.GROQ);
    // The simulator itself never refuses: any excess over the router's declared rpm would show in its log.
    for (String m : MODELS) b.model(SimModel.builder(SimProvider.GROQ, m).rpm(100_000).rpd(10_000_000).tpm(100_000_000).tpd(1_000_000_000).build());
    sim = b.build().start();
  }

  @AfterEach
  void stop() {
    routers.forEach(Router::close);
    shared.forEach(RedisSharedState::close);
    sim.close();
    redis.close();
  }

  static String config() {
    StringBuilder y = new StringBuilder("model_list:\n");
    for (String m : MODELS) {
      y.append("  - model_name: chat\n    litellm_params: {model: groq/").append(m)
          .append(", api_key: os.environ/GROQ_API_KEY, rpm: ").append(RPM).append(", tpm: 4000}\n");
    }
    return y + """
        router_settings:
          num_retries: 3
        litellm_settings:
          request_timeout: 150
        """;
  }

  void startRouters(VirtualTimeDriver driver, Duration redisTimeout) {
    RouterConfig config = LiteLlmConfigReader.parse(config(), Env.of(sim.env())).config();
    for (int i = 0; i < INSTANCES; i++) {
      RedisSharedState s = RedisSharedState.builder(redis.url()).expectedInstances(INSTANCES).keyPrefix("scenario")
          .commandTimeout(redisTimeout).retryInterval(Duration.ofMillis(50)).build();
      RedisTesting.awaitConnected(s, true);
      shared.add(s);
      // No providerClient(...): each router creates its own (router-providers' OkHttp client).
      routers.add(LlmRouter.builder(config).env(Env.of(sim.env())).clock(clock).sleeper(driver::sleep).sharedState(s).build());
    }
  }

  record Job(int index, Instant at) {}

  /** Bursts of 96 callers (3 routers x 32) every {@code gap}, {@code total} requests in all. */
  static List<Job> bursts(int total, Duration gap) {
    Instant t0 = VirtualClock.DEFAULT_START.plusSeconds(1);
    return IntStream.range(0, total).mapToObj(i -> new Job(i, t0.plus(gap.multipliedBy(i / 96)))).toList();
  }

  ChatRequest request(int i) {
    return ChatRequest.builder().model("chat").messages(ChatMessage.user("question " + i + " about the shared budget"))
        .maxTokens(64).build();
  }

  /** The most requests any model received in any 60-second window [t, t + 60 s), from the simulator's log. */
  int maxPerWindow(String model) {
    return maxPerWindow(model, Instant.EPOCH, Instant.parse("3000-01-01T00:00:00Z"));
  }

  int maxPerWindow(String model, Instant from, Instant to) {
    List<Long> times = sim.events(SimProvider.GROQ, model).stream().filter(SimEvent::admitted).map(e -> e.time().toEpochMilli()).sorted().toList();
    int max = 0;
    int j = 0;
    for (int i = 0; i < times.size(); i++) {
      if (times.get(i) < from.toEpochMilli() || times.get(i) >= to.toEpochMilli()) continue;
      if (j < i) j = i;
      while (j < times.size() && times.get(j) - times.get(i) < 60_000) j++;
      max = Math.max(max, j - i);
    }
    return max;
  }

  @Test
  void threeRoutersOf32CallersNeverExceedTheDeclaredRpmAnywhere() throws Exception {
    int total = 5_000;
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    AtomicInteger served = new AtomicInteger();
    try (VirtualTimeDriver driver = new VirtualTimeDriver(clock, INSTANCES * 32)) {
      startRouters(driver, Duration.ofSeconds(1));
      // 4 deployments x 30 rpm = 120 a minute; 96 callers arrive every 46 s (125 a minute): just over capacity.
      driver.run(bursts(total, Duration.ofSeconds(46)), Job::at, job -> {
        try {
          routers.get(job.index() % INSTANCES).chat(request(job.index()));
          served.incrementAndGet();
        } catch (LlmRouterException e) {
          failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
        }
      }, null);
    }
    for (String m : MODELS) assertThat(maxPerWindow(m)).as("most requests %s received in one 60 s window", m).isLessThanOrEqualTo(RPM);
    long received = MODELS.stream().mapToLong(m -> sim.events(SimProvider.GROQ, m).size()).sum();
    assertThat(received).isEqualTo(served.get());
    // Not vacuous: the deployments ran at their limit and most callers were served (the rest over capacity).
    assertThat(MODELS.stream().mapToInt(this::maxPerWindow).min().orElseThrow()).isEqualTo(RPM);
    assertThat(served.get()).isGreaterThan(total * 9 / 10);
    assertThat(failures.keySet()).allMatch(k -> k.equals(NoDeploymentAvailableException.class.getSimpleName()));
    // Every admission went through Redis: no split happened that could have hidden an over-limit.
    assertThat(shared).allSatisfy(s -> {
      assertThat(s.outages()).isZero();
      assertThat(s.localFallbacks()).isZero();
    });
    System.out.printf("shared budget: %d requests, %d served, failures %s, max per 60 s window %s%n", total, served.get(),
        failures, MODELS.stream().map(m -> m + "=" + maxPerWindow(m)).toList());
  }

  @Test
  void redisKilledMidRunAndRestartedEmptyCausesNoCallerErrorAndStaysWithinTheBound() throws Exception {
    int total = 2_000;
    Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();
    AtomicInteger served = new AtomicInteger();
    Instant t0 = VirtualClock.DEFAULT_START.plusSeconds(1);
    Instant kill = t0.plus(Duration.ofMinutes(4));
    Instant restart = t0.plus(Duration.ofMinutes(8));
    try (VirtualTimeDriver driver = new VirtualTimeDriver(clock, INSTANCES * 32)) {
      startRouters(driver, Duration.ofSeconds(1));
      driver.schedule(kill, redis::kill);
      driver.schedule(restart, () -> {
        redis.restart();
        // The re-join happens on each link's own thread; hold virtual time until it did (infrastructure, not a window).
        shared.forEach(s -> RedisTesting.awaitConnected(s, true));
      });
      driver.run(bursts(total, Duration.ofSeconds(46)), Job::at, job -> {
        try {
          routers.get(job.index() % INSTANCES).chat(request(job.index()));
          served.incrementAndGet();
        } catch (LlmRouterException e) {
          failures.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicInteger()).incrementAndGet();
        }
      }, null);
    }
    // No caller saw an error caused by Redis: the only failures are the over-capacity ones.
    assertThat(failures.keySet()).allMatch(k -> k.equals(NoDeploymentAvailableException.class.getSimpleName()));
    assertThat(shared).allSatisfy(s -> {
      assertThat(s.outages()).isGreaterThanOrEqualTo(1);
      assertThat(s.localFallbacks()).isPositive();
      assertThat(s.connected()).isTrue();
    });
    // The documented bound while apart: rpm + (N - 1) * ceil(rpm / N) in a window that straddles the split
    // (each instance's local window already holds its own share of what Redis admitted).
    int bound = RPM + (INSTANCES - 1) * ((RPM + INSTANCES - 1) / INSTANCES);
    int worst = MODELS.stream().mapToInt(this::maxPerWindow).max().orElseThrow();
    assertThat(worst).isLessThanOrEqualTo(bound);
    // Before the split, and once the written-back grants have aged out after the re-join, the rpm holds exactly.
    for (String m : MODELS) {
      assertThat(maxPerWindow(m, t0, kill.minusSeconds(60))).as(m + " before").isLessThanOrEqualTo(RPM);
      assertThat(maxPerWindow(m, restart, Instant.parse("3000-01-01T00:00:00Z"))).as(m + " after the re-join").isLessThanOrEqualTo(RPM);
    }
    int apart = MODELS.stream().mapToInt(m -> maxPerWindow(m, kill, restart)).max().orElseThrow();
    System.out.printf("redis killed at +4 min, restarted empty at +8 min: %d served, failures %s, worst 60 s window %d "
        + "(bound %d), worst window starting while apart %d, outages %s, local admissions %s%n", served.get(), failures, worst, bound,
        apart, shared.stream().map(RedisSharedState::outages).toList(), shared.stream().map(RedisSharedState::localFallbacks).toList());
  }
}
