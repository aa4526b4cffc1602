package io.llmrouter.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What one instance learns, the others obey: three routers over one Redis and the simulator, on one manual
 * virtual clock. A provider's {@code remaining: 0}, a cooldown, and the single half-open probe.
 */
class CrossInstanceRoutingTest {
  RedisServerProcess redis;
  final VirtualClock clock = VirtualClock.manual();
  ProviderSimulator sim;
  final List<RedisSharedState> shared = new ArrayList<>();
  final List<Router> routers = new ArrayList<>();

  static final String CONFIG = """
      model_list:
        - model_name: daily
          litellm_params: {model: groq/tiny-rpd, api_key: os.environ/GROQ_API_KEY, rpm: 1000}
        - model_name: flaky
          litellm_params: {model: groq/flaky, api_key: os.environ/GROQ_API_KEY, rpm: 1000}
      router_settings:
        num_retries: 0
        allowed_fails: 0
        cooldown_time: 30
      """;

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    sim = ProviderSimulator.builder().clock(clock).seed(3).providers(SimProvider.GROQ)
        .model(SimModel.builder(SimProvider.GROQ, "tiny-rpd").rpd(4).tpm(1_000_000).build())
        .model(SimModel.builder(SimProvider.GROQ, "flaky").rpd(1_000_000).tpm(1_000_000).build())
        .build().start();
    RouterConfig config = LiteLlmConfigReader.parse(CONFIG, Env.of(sim.env())).config();
    for (int i = 0; i < 3; i++) {
      RedisSharedState s = RedisSharedState.builder(redis.url()).expectedInstances(3).keyPrefix("cross")
          .commandTimeout(Duration.ofSeconds(1)).build();
      RedisTesting.awaitConnected(s, true);
      shared.add(s);
      routers.add(LlmRouter.builder(config).env(Env.of(sim.env())).clock(clock).sharedState(s).build());
    }
  }

  @AfterEach
  void stop() {
    routers.forEach(Router::close);
    shared.forEach(RedisSharedState::close);
    sim.close();
    redis.close();
  }

  static ChatRequest ask(String group) {
    return ChatRequest.builder().model(group).messages(ChatMessage.user("hello")).maxTokens(8).build();
  }

  long received(String model) {
    return sim.events(SimProvider.GROQ, model).size();
  }

  @Test
  void aRemainingZeroSeenByOneInstanceStopsAllThreeUntilTheReset() {
    // Groq's headers count the day's requests down: 3, 2, 1, 0. The instance that reads 0 blocks the deployment for all.
    for (int i = 0; i < 4; i++) routers.get(i % 3).chat(ask("daily"));
    Instant reset = null;
    for (int i = 0; i < 6; i++) {
      Router r = routers.get(i % 3);
      NoDeploymentAvailableException e = (NoDeploymentAvailableException) org.assertj.core.api.Assertions.catchThrowable(() -> r.chat(ask("daily")));
      assertThat(e).isNotNull();
      assertThat(e.reasons()).extracting(NoDeploymentAvailableException.Reason::kind).containsOnly(NoDeploymentAvailableException.Kind.QUOTA_EXHAUSTED);
      reset = e.earliestAvailable();
    }
    assertThat(received("tiny-rpd")).isEqualTo(4);
    assertThat(sim.events(SimProvider.GROQ, "tiny-rpd")).noneMatch(ev -> ev.outcome() == Outcome.RATE_LIMITED);
    // Until the reset the provider is never asked; at the reset any instance calls it again.
    clock.set(reset.minusMillis(1));
    assertThatThrownBy(() -> routers.get(2).chat(ask("daily"))).isInstanceOf(NoDeploymentAvailableException.class);
    clock.set(reset);
    routers.get(2).chat(ask("daily"));
    assertThat(received("tiny-rpd")).isEqualTo(5);
  }

  @Test
  void aCooldownStartedByOneIsHonouredByAllAndExactlyOneProbeEndsIt() throws Exception {
    sim.failNext(SimProvider.GROQ, "flaky", Fault.serverError(503), 1);
    assertThatThrownBy(() -> routers.get(0).chat(ask("flaky"))).isInstanceOf(LlmRouterException.class);
    // allowed_fails 0: that 503 cooled the deployment (a 5xx cools for at most 60 s; here cooldown_time 30 s)
    for (int i = 1; i < 3; i++) {
      Router r = routers.get(i);
      assertThatThrownBy(() -> r.chat(ask("flaky"))).isInstanceOf(NoDeploymentAvailableException.class)
          .satisfies(e -> assertThat(((NoDeploymentAvailableException) e).reasons())
              .extracting(NoDeploymentAvailableException.Reason::kind).containsOnly(NoDeploymentAvailableException.Kind.COOLING));
    }
    assertThat(received("flaky")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(30));
    // Half-open: 12 callers on the three instances at the same instant. The probe's answer is held for 2 s
    // (real time), so every other caller is decided while it is in flight: exactly one reaches the provider.
    sim.failNext(SimProvider.GROQ, "flaky", Fault.stall(Duration.ofSeconds(2)), 1);
    ExecutorService pool = Executors.newFixedThreadPool(12);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Boolean>> calls = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Router r = routers.get(i % 3);
      calls.add(pool.submit(() -> {
        go.await();
        try {
          r.chat(ask("flaky"));
          return true;
        } catch (NoDeploymentAvailableException e) {
          return false;
        }
      }));
    }
    go.countDown();
    int served = 0;
    for (Future<Boolean> c : calls) if (c.get()) served++;
    pool.shutdown();
    assertThat(served).isEqualTo(1);
    assertThat(received("flaky")).isEqualTo(2);
    // The probe succeeded: the breaker is closed for every instance.
    for (Router r : routers) r.chat(ask("flaky"));
    assertThat(received("flaky")).isEqualTo(5);
    assertThat(sim.events(SimProvider.GROQ, "flaky")).filteredOn(SimEvent::admitted).hasSize(4);
  }
}
