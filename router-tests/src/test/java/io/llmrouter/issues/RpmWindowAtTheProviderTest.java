package io.llmrouter.issues;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.Limit;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: with 64 clients and rpm 30 the router's own admission log held, but the provider saw 31
 * calls within 58.6 s. This test checks the window where a strict provider counts it: in the simulator's
 * own log of arrivals, over real HTTP, with the router and the simulator on one running virtual clock
 * (30 virtual seconds per real second, so real network and scheduling delays become late departures).
 */
class RpmWindowAtTheProviderTest {
  static final int CLIENTS = 64;
  static final int RPM = 30;

  @Test
  void sixtyFourClientsNeverPutMoreThanRpmArrivalsInAnySixtySecondsAtTheProvider() throws Exception {
    VirtualClock clock = VirtualClock.at(VirtualClock.DEFAULT_START).speed(30);
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(clock)
        .model(SimModel.builder(SimProvider.GROQ, "strict-30").rpm(RPM).rpd(1_000_000).tpm(100_000_000).build())
        .build().start()) {
      OpenAiCompatibleClient http = OpenAiCompatibleClient.builder().clock(clock).build();
      RouterConfig config = RouterConfig.builder()
          .deployment(DeploymentBuilder.of("g", "groq/strict-30").id("d").rpm(RPM)).numRetries(20).build();
      try (Router router = LlmRouter.builder(config).env(Env.of(sim.env())).clock(clock).sleeper(clock::sleep)
          .providerClient(http).build()) {
        long until = clock.millis() + Duration.ofMinutes(4).toMillis();
        AtomicInteger served = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<?>> fs = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          fs.add(pool.submit(() -> {
            while (clock.millis() < until) {
              try {
                router.chat(ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).maxTokens(8).timeout(600.0).build());
                served.incrementAndGet();
              } catch (LlmRouterException e) {
                // refused for the window or the deadline: the provider's log is what is checked
              }
            }
            return null;
          }));
        }
        for (Future<?> f : fs) f.get(120, TimeUnit.SECONDS);
        pool.shutdown();
        assertThat(served.get()).as("the window's capacity was used").isGreaterThanOrEqualTo(3 * RPM);
      } finally {
        http.close();
      }
      List<SimEvent> events = sim.events(SimProvider.GROQ, "strict-30");
      assertThat(events).noneMatch(e -> e.limit() == Limit.RPM);
      long[] times = events.stream().mapToLong(e -> e.time().toEpochMilli()).sorted().toArray();
      int worst = 0;
      for (int i = 0, j = 0; i < times.length; i++) {
        while (j < times.length && times[j] < times[i] + 60_000) j++;
        worst = Math.max(worst, j - i);
      }
      System.out.printf("rpm window at the provider: %d arrivals, worst 60 s window %d (rpm %d)%n", times.length, worst, RPM);
      assertThat(worst).as("arrivals in the worst 60 s window at the provider").isLessThanOrEqualTo(RPM);
    }
  }
}
