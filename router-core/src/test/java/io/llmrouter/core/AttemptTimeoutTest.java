package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16: a stalled first choice must not use up the request's deadline, and the deadline holds for
 * streams as for JSON.
 */
class AttemptTimeoutTest extends EngineTestSupport {
  private final List<Duration> timeouts = new CopyOnWriteArrayList<>();

  /** A first choice that accepts the call and never answers: it uses its whole timeout, then times out. */
  private void stallFor(String id) {
    provider.always(id, pc -> {
      timeouts.add(pc.timeout());
      clock.advance(pc.timeout());
      throw new RequestTimeoutException("timed out before a response", ctx(0, id));
    });
  }

  private static ChatRequest ask(String model, double timeoutSeconds) {
    return ChatRequest.builder().model(model).messages(ChatMessage.user("hello")).timeout(timeoutSeconds).build();
  }

  @Test
  void aStalledFirstChoiceLeavesTheFallbackTime() {
    Router router = router(RouterConfig.builder().deployment(dep("main", "stall")).deployment(dep("backup", "ok"))
        .fallbacks("main", "backup").numRetries(2).build());
    stallFor("stall");
    ChatResponse r = router.chat(ask("main", 5));
    assertThat(r.route().deploymentId()).isEqualTo("ok");
    // Half of the 5 s deadline, not all of it; and no retry of the stalled deployment before the fallback.
    assertThat(timeouts).containsExactly(Duration.ofMillis(2500));
    assertThat(provider.callsTo("stall")).isEqualTo(1);
  }

  @Test
  void theLastCandidateGetsAllTheTimeLeft() {
    Router router = router(RouterConfig.builder().deployment(dep("main", "stall")).deployment(dep("backup", "stall2"))
        .fallbacks("main", "backup").numRetries(0).build());
    stallFor("stall");
    stallFor("stall2");
    assertThatThrownBy(() -> router.chat(ask("main", 4))).isInstanceOf(NoDeploymentAvailableException.class)
        .hasMessageContaining("main / stall: failed (RequestTimeoutException").hasMessageContaining("backup / stall2: failed (RequestTimeoutException");
    assertThat(timeouts).containsExactly(Duration.ofMillis(2000), Duration.ofMillis(2000));
  }

  @Test
  void aDeploymentsOwnTimeoutWins() {
    Router router = router(RouterConfig.builder().deployment(dep("main", "stall").timeout(Duration.ofMillis(700)))
        .deployment(dep("backup", "ok")).fallbacks("main", "backup").build());
    stallFor("stall");
    assertThat(router.chat(ask("main", 5)).route().deploymentId()).isEqualTo("ok");
    assertThat(timeouts).containsExactly(Duration.ofMillis(700));
  }

  @Test
  void aClientChosenTimeoutIsCapped() {
    Router router = LlmRouter.builder(RouterConfig.builder().deployment(dep("main", "stall")).build()).env(env).clock(clock)
        .sleeper(clock::sleep).providerClient(provider).maxClientTimeout(Duration.ofSeconds(10)).build();
    opened.add(router);
    stallFor("stall");
    assertThatThrownBy(() -> router.chat(ask("main", 1_000_000))).isInstanceOf(io.llmrouter.api.LlmRouterException.class);
    assertThat(timeouts).first().isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void streamTimeoutBoundsAStreamAttempt() {
    Router router = router(RouterConfig.builder()
        .deployment(dep("main", "s").timeout(Duration.ofSeconds(30)).streamTimeout(Duration.ofMillis(1500)))
        .build());
    try (ChatStream s = router.stream(ask("main", 60))) {
      s.forEach(c -> { });
    }
    assertThat(provider.streamCalls()).hasSize(1);
    assertThat(provider.streamCalls().get(0).call().timeout()).isEqualTo(Duration.ofMillis(1500));
  }

  // Real time: the deadline is enforced by a timer against a stream that blocks; 1 s deadline, hang guard 30 s.
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aDrippingStreamEndsAtTheDeadline() {
    Drip drip = new Drip(provider);
    Router router = LlmRouter.builder(RouterConfig.builder().deployment(dep("main", "d")).build()).env(env).clock(clock)
        .sleeper(clock::sleep).providerClient(drip).build();
    opened.add(router);
    long start = System.nanoTime();
    ChatStream s = router.stream(ask("main", 1));
    assertThat(s.next().choices().get(0).delta().text()).isEqualTo("drip");
    assertThatThrownBy(s::next).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("deadline");
    assertThat(s.next()).isNull();
    assertThat(drip.closed.getCount()).isZero();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(20_000);
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aStreamWithoutContentTimesOutItsAttemptAndFallsBack() {
    Drip drip = new Drip(provider);
    drip.contentFirst = false;
    Router router = LlmRouter.builder(RouterConfig.builder().deployment(dep("main", "d").streamTimeout(Duration.ofMillis(300)))
        .deployment(dep("backup", "ok")).fallbacks("main", "backup").build()).env(env).clock(clock)
        .sleeper(clock::sleep).providerClient(drip).build();
    opened.add(router);
    try (ChatStream s = router.stream(ask("main", 20))) {
      assertThat(s.route().deploymentId()).isEqualTo("ok");
    }
    assertThat(drip.closed.getCount()).isZero();
  }

  /** Deployment "d" streams one chunk (or only a role chunk) and then blocks until closed; others go to the scripted provider. */
  static final class Drip implements ProviderClient {
    final ScriptedProvider delegate;
    final CountDownLatch closed = new CountDownLatch(1);
    volatile boolean contentFirst = true;

    Drip(ScriptedProvider delegate) {
      this.delegate = delegate;
    }

    @Override
    public Set<String> prefixes() {
      return delegate.prefixes();
    }

    @Override
    public ProviderInfo info(String prefix) {
      return delegate.info(prefix);
    }

    @Override
    public ProviderResponse<ChatResponse> chat(ProviderCall call) {
      return delegate.chat(call);
    }

    @Override
    public ProviderStream stream(ProviderCall call) {
      if (!call.endpoint().deploymentId().equals("d")) return delegate.stream(call);
      return new ProviderStream() {
        int sent;

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
          return RateSignal.none(java.time.Instant.EPOCH);
        }

        @Override
        public ChatChunk next() {
          if (sent++ == 0) return contentFirst ? ScriptedProvider.chunk("drip") : ScriptedProvider.roleChunk();
          try {
            closed.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        }

        @Override
        public void close() {
          closed.countDown();
        }
      };
    }

    @Override
    public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
      return delegate.listModels(endpoint, timeout);
    }

    @Override
    public void close() {}
  }
}
