package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdmissionTest extends EngineTestSupport {

  @Test
  void sixtyFourThreadsNeverExceedDeclaredRpmInAnySixtySecondWindow() throws Exception {
    Map<String, Integer> rpm = Map.of("a", 20, "b", 30, "c", 50);
    RouterConfig config = RouterConfig.builder()
        .deployment(dep("g", "a").rpm(20)).deployment(dep("g", "b").rpm(30)).deployment(dep("g", "c").rpm(50))
        .numRetries(0).build();
    Router router = router(config);
    int threads = 64;
    int perThread = 10_000 / threads + 1; // 157 rounds -> 10,048 requests
    Random jitter = new Random(1);
    // Time moves only between rounds, so every call of a round sees the same instant: the hardest case
    // for admission (all 64 race for the same window) and an exact reference for the check below.
    CyclicBarrier barrier = new CyclicBarrier(threads, () -> clock.advance(Duration.ofMillis(200 + jitter.nextInt(1600))));
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      fs.add(pool.submit(() -> {
        for (int i = 0; i < perThread; i++) {
          try {
            router.chat(ask("g"));
            ok.incrementAndGet();
          } catch (NoDeploymentAvailableException e) {
            assertThat(e.reasons()).allMatch(r -> r.kind() == Kind.OVER_RPM);
            assertThat(e.earliestAvailable()).isAfter(clock.instant());
            refused.incrementAndGet();
          }
          barrier.await(30, TimeUnit.SECONDS);
        }
        return null;
      }));
    }
    for (Future<?> f : fs) f.get(120, TimeUnit.SECONDS);
    pool.shutdown();

    assertThat(ok.get() + refused.get()).isEqualTo(threads * perThread);
    assertThat(provider.calls()).hasSize(ok.get());
    for (var e : rpm.entrySet()) {
      long[] times = provider.calls().stream().filter(c -> c.deploymentId().equals(e.getKey())).mapToLong(ScriptedProvider.Call::atMillis).sorted().toArray();
      assertThat(times.length).as("deployment %s was used", e.getKey()).isGreaterThan(e.getValue());
      int max = e.getValue();
      // For every call, the calls in the 60 s window starting at it.
      for (int i = 0, j = 0; i < times.length; i++) {
        while (j < times.length && times[j] < times[i] + 60_000) j++;
        assertThat(j - i).as("calls to %s in the window from %s", e.getKey(), Instant.ofEpochMilli(times[i])).isLessThanOrEqualTo(max);
      }
    }
    // Capacity was used, not starved: ~100 per minute over the run.
    long minutes = (provider.calls().get(provider.calls().size() - 1).atMillis() - provider.calls().get(0).atMillis()) / 60_000;
    assertThat((long) ok.get()).isGreaterThanOrEqualTo(minutes * 100);
  }

  /**
   * Issue 16: the rpm window must hold at the provider, whose own log of arrivals is what a strict limiter
   * counts. The first call leaves late (it reaches the provider 1.4 s after its admission); the router
   * once counted its slot from admission and admitted a 31st call at 60.0 s: 31 arrivals within 58.6 s.
   */
  @Test
  void theRpmWindowHoldsInTheProvidersOwnLogOfArrivalsWhenACallLeavesLate() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").rpm(30)).numRetries(0).build());
    List<Long> arrivals = new java.util.concurrent.CopyOnWriteArrayList<>();
    long t0 = clock.millis();
    provider.then("a", c -> {
      clock.advance(Duration.ofMillis(1_400)); // the call reaches the provider late
      arrivals.add(clock.millis());
      return provider.ok(c);
    });
    provider.otherwise(c -> {
      arrivals.add(clock.millis());
      return provider.ok(c);
    });
    router.chat(ask("g"));
    for (int i = 1; i < 30; i++) {
      clock.advance(Duration.ofMillis(100));
      router.chat(ask("g"));
    }
    clock.set(Instant.ofEpochMilli(t0 + 60_000));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class)
        .satisfies(e -> assertThat(((NoDeploymentAvailableException) e).earliestAvailable()).isEqualTo(Instant.ofEpochMilli(t0 + 61_400)));
    clock.set(Instant.ofEpochMilli(t0 + 61_400));
    router.chat(ask("g"));
    long[] times = arrivals.stream().mapToLong(Long::longValue).sorted().toArray();
    assertThat(times).hasSize(31);
    for (int i = 0, j = 0; i < times.length; i++) {
      while (j < times.length && times[j] < times[i] + 60_000) j++;
      assertThat(j - i).as("arrivals in the 60 s from %s", Instant.ofEpochMilli(times[i])).isLessThanOrEqualTo(30);
    }
  }

  @Test
  void tokensAreReservedBeforeTheCallAndCorrectedFromUsage() {
    // Each request is estimated at prompt + max_tokens = ~5 + 400 tokens; the window holds 1000.
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").tpm(1000)).numRetries(0).build());
    ChatRequest big = ask("g").toBuilder().maxTokens(400).build();
    provider.always("a", c -> provider.ok(c));  // actual usage: 15 tokens
    router.chat(big);
    router.chat(big);
    // Both reservations were corrected to 15 tokens, so more fit now.
    for (int i = 0; i < 10; i++) router.chat(big);
    assertThat(provider.callsTo("a")).isEqualTo(12);

    ChatRequest huge = ask("g").toBuilder().maxTokens(990).build();
    assertThatThrownBy(() -> router.chat(huge)).isInstanceOf(NoDeploymentAvailableException.class)
        .satisfies(e -> assertThat(((NoDeploymentAvailableException) e).reasons()).extracting(r -> r.kind()).containsExactly(Kind.OVER_TPM));
  }

  @Test
  void maxParallelRequestsIsAPermitAndOrderTiersFillFromTheLowest() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").order(1).maxParallelRequests(1))
        .deployment(dep("g", "b").order(2)).build());
    List<String> nested = new ArrayList<>();
    provider.then("a", c -> {
      // While a's only permit is held, tier 1 has nothing admissible: the nested request goes to tier 2.
      nested.add(router.chat(ask("g")).route().deploymentId());
      return provider.ok(c);
    });
    assertThat(router.chat(ask("g")).route().deploymentId()).isEqualTo("a");
    assertThat(nested).containsExactly("b");
    // The permit came back: tier 1 serves again.
    assertThat(router.chat(ask("g")).route().deploymentId()).isEqualTo("a");
    assertThat(provider.order()).containsExactly("a", "b", "a");
  }

  @Test
  void remainingZeroStopsCallsUntilItsReset() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a")).numRetries(0).build());
    Instant reset = clock.instant().plusSeconds(30);
    RateSignal exhausted = new RateSignal(new RateSignal.Window(100L, 0L, reset, RateScope.DAY), null, null, clock.instant());
    provider.then("a", c -> provider.ok(c, "last one", exhausted, Map.of("x-ratelimit-remaining-requests", "0")));
    ChatResponse first = router.chat(ask("g"));
    assertThat(first.route().upstreamHeaders()).containsEntry("x-ratelimit-remaining-requests", "0");

    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOfSatisfying(NoDeploymentAvailableException.class, e -> {
      assertThat(e.reasons()).singleElement().satisfies(r -> {
        assertThat(r.kind()).isEqualTo(Kind.QUOTA_EXHAUSTED);
        assertThat(r.until()).isEqualTo(reset);
      });
      assertThat(e.earliestAvailable()).isEqualTo(reset);
    });
    clock.advance(Duration.ofSeconds(29));
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(provider.callsTo("a")).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));
    router.chat(ask("g"));
    assertThat(provider.callsTo("a")).isEqualTo(2);
  }

  @Test
  void overRpmWaitsForTheWindowWhenItFitsTheDeadline() {
    Router router = router(RouterConfig.builder().deployment(dep("g", "a").rpm(1)).numRetries(1).build());
    router.chat(ask("g"));
    clock.advance(Duration.ofSeconds(20));
    router.chat(ask("g"));
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(40));
    assertThat(provider.calls().get(1).atMillis() - provider.calls().get(0).atMillis()).isEqualTo(60_000);
    // A 10-second request deadline cannot wait 60 s: it fails at once.
    assertThatThrownBy(() -> router.chat(ask("g").toBuilder().timeout(10.0).build())).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(clock.sleeps()).hasSize(1);
  }
}
