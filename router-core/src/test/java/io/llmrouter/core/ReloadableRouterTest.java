package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatStream;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link ReloadableRouter#reload}: unchanged deployments keep their state, in-flight calls finish on the old config. */
class ReloadableRouterTest extends EngineTestSupport {
  private final List<RequestHandle> handles = new CopyOnWriteArrayList<>();
  private ReloadableRouter router;

  private ReloadableRouter reloadable(RouterConfig config) {
    router = LlmRouter.builder(config).env(env).clock(clock).sleeper(clock::sleep).providerClient(provider)
        .listener(recorder()).listener(new RouterListener() {
          @Override
          public void onRequestEnd(RequestHandle request, RequestEnd end) {
            handles.add(request);
          }
        }).buildReloadable();
    return router;
  }

  @AfterEach
  void close() {
    if (router != null) router.close();
  }

  private static io.llmrouter.core.config.RouterConfigBuilder base() {
    return RouterConfig.builder().numRetries(0).cooldownTime(Duration.ofHours(1));
  }

  @Test
  void unchangedDeploymentsKeepTheirCooldownChangedOnesStartFreshRemovedOnesGoNewOnesStartFresh() {
    ReloadableRouter r = reloadable(base().deployment(dep("g", "a")).deployment(dep("g2", "b").rpm(10))
        .deployment(dep("h", "c")).build());
    provider.always("a", c -> { throw rateLimited("a", RateScope.MINUTE, Duration.ofMinutes(30), null); });
    provider.always("b", c -> { throw rateLimited("b", RateScope.MINUTE, Duration.ofMinutes(30), null); });
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(LlmRouterException.class);
    assertThatThrownBy(() -> r.chat(ask("g2"))).isInstanceOf(LlmRouterException.class);
    assertThat(r.cooldowns()).extracting(CooldownStatus::deploymentId).containsExactly("a", "b");

    // a unchanged, b's rpm changed, c (and group h) removed, d new.
    ReloadableRouter.Result result = r.reload(base().deployment(dep("g", "a")).deployment(dep("g2", "b").rpm(20))
        .deployment(dep("n", "d")).build());

    assertThat(result.kept()).containsExactly("a");
    assertThat(result.added()).containsExactly("b", "d");
    assertThat(result.removed()).containsExactly("b", "c");
    assertThat(r.cooldowns()).extracting(CooldownStatus::deploymentId).containsExactly("a");
    assertThat(r.modelGroups()).extracting(ModelGroupStatus::name).containsExactly("g", "g2", "n");
    assertThat(r.modelGroups().get(0).availableNow()).isFalse();
    assertThatThrownBy(() -> r.chat(ask("h"))).isInstanceOf(UnknownModelException.class);
    long callsToA = provider.callsTo("a");
    // Still cooling: a is skipped without a call; b (changed) is called again at once.
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(LlmRouterException.class);
    assertThat(provider.callsTo("a")).isEqualTo(callsToA);
    long callsToB = provider.callsTo("b");
    assertThatThrownBy(() -> r.chat(ask("g2"))).isInstanceOf(LlmRouterException.class);
    assertThat(provider.callsTo("b")).isEqualTo(callsToB + 1);
    assertThat(r.chat(ask("n")).route().deploymentId()).isEqualTo("d");
    assertThat(r.reloadCount()).isEqualTo(1);
  }

  @Test
  void rpmWindowsCarryOverForAnUnchangedDeployment() {
    ReloadableRouter r = reloadable(base().deployment(dep("g", "a").rpm(2)).build());
    r.chat(ask("g"));
    r.chat(ask("g"));
    r.reload(base().deployment(dep("g", "a").rpm(2)).deployment(dep("other", "x")).build());
    // The window still holds the two calls of this minute: a third is refused without a call.
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(LlmRouterException.class);
    assertThat(provider.callsTo("a")).isEqualTo(2);
    clock.advance(Duration.ofSeconds(61));
    r.chat(ask("g"));
    assertThat(provider.callsTo("a")).isEqualTo(3);
  }

  @Test
  void aCallInFlightFinishesOnTheOldConfigurationAndNewCallsUseTheNewOne() throws Exception {
    ReloadableRouter r = reloadable(base().deployment(dep("g", "a")).build());
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    provider.always("a", c -> {
      inCall.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new io.llmrouter.api.spi.ProviderResponse<>(ScriptedProvider.chatResponse("m", "old", ScriptedProvider.DEFAULT_USAGE, 1),
          200, java.util.Map.of(), null);
    });
    CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> r.chat(ask("g")).route().deploymentId());
    assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();

    r.reload(base().deployment(dep("h", "b")).build());
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(UnknownModelException.class);
    assertThat(r.chat(ask("h")).route().deploymentId()).isEqualTo("b");
    release.countDown();

    assertThat(inFlight.get(10, TimeUnit.SECONDS)).isEqualTo("a");
  }

  @Test
  void anOpenStreamIsReadToItsEndAfterAReload() {
    ReloadableRouter r = reloadable(base().deployment(dep("g", "a")).build());
    ChatStream s = r.stream(ask("g"));
    r.reload(base().deployment(dep("h", "b")).build());
    StringBuilder text = new StringBuilder();
    for (var chunk : s) text.append(chunk.choices().get(0).delta().text());
    s.close();
    assertThat(text).hasToString("hi there");
    assertThat(r.stream(ask("h")).route().deploymentId()).isEqualTo("b");
  }

  @Test
  void requestIdsKeepIncreasingAcrossReloadsAndTheCallersIdReachesListeners() {
    ReloadableRouter r = reloadable(base().deployment(dep("g", "a")).build());
    r.chat(ask("g").toBuilder().requestId("req-1").build());
    r.reload(base().deployment(dep("g", "a")).deployment(dep("h", "b")).build());
    r.chat(ask("g"));
    assertThat(handles).extracting(RequestHandle::id).containsExactly(1L, 2L);
    assertThat(handles).extracting(RequestHandle::requestId).containsExactly("req-1", null);
  }

  @Test
  void aClosedRouterRefusesReloadsAndCalls() {
    ReloadableRouter r = reloadable(base().deployment(dep("g", "a")).build());
    r.close();
    assertThatThrownBy(() -> r.reload(base().deployment(dep("g", "a")).build())).isInstanceOf(LlmRouterException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> r.chat(ask("g"))).isInstanceOf(LlmRouterException.class).hasMessageContaining("closed");
  }
}
