package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, chain-aware waiting: when nothing in the chain (the group and its fallbacks, in the planner's
 * order) can serve now, the request waits where capacity frees first within its deadline and is served
 * there; it never waits while something can serve now, and fails at once when nothing frees in time.
 * Issue 16: the asynchronous calls wait in a {@link Scheduler}, holding no thread.
 */
class ChainAwareWaitingTest extends EngineTestSupport {
  /** g1 -> g2 -> g3, one deployment each, one request a minute each. */
  static RouterConfig chain() {
    return RouterConfig.builder()
        .deployment(dep("g1", "a").rpm(1)).deployment(dep("g2", "b").rpm(1)).deployment(dep("g3", "c").rpm(1))
        .fallbacks("g1", "g2", "g3").numRetries(2).build();
  }

  /** A request for {@code group} alone: no fallback may serve it. */
  static ChatRequest askOnly(String group) {
    return ask(group).toBuilder().disableFallbacks(true).build();
  }

  /** Spends the groups' windows in {@code order}, 10 s apart, then moves on 10 s: the first spent frees first. */
  void spend(Router router, String... order) {
    for (String g : order) {
      assertThat(router.chat(askOnly(g)).route().servedModelGroup()).isEqualTo(g);
      clock.advance(Duration.ofSeconds(10));
    }
    clock.clearSleeps();
    events.clear();
  }

  static Instant availableAt(Router router, String group) {
    ModelGroupStatus s = router.modelGroups().stream().filter(g -> g.name().equals(group)).findFirst().orElseThrow();
    assertThat(s.availableNow()).as(group + " is full").isFalse();
    return s.availableAt();
  }

  @Test
  void aChainAllAtItsLimitsWaitsForTheFallbackThatFreesFirstAndIsServedThere() {
    Router router = router(chain());
    spend(router, "g2", "g1", "g3");
    Instant now = clock.instant();
    Instant bFree = availableAt(router, "g2");
    assertThat(bFree).isBefore(availableAt(router, "g1")).isBefore(availableAt(router, "g3"));

    ChatResponse r = router.chat(ask("g1"));

    assertThat(r.route().deploymentId()).isEqualTo("b");
    assertThat(r.route().fallbacks()).containsExactly("g2");
    assertThat(clock.sleeps()).containsExactly(Duration.between(now, bFree));
    assertThat(events).contains("fallback g1->g2 fallbacks", "retry g2 #1 " + Duration.between(now, bFree).toMillis() + "ms");
    assertThat(provider.order()).containsExactly("b", "a", "c", "b");
  }

  @Test
  void whenTheRequestedGroupFreesFirstItWaitsThereWithoutFallingBack() {
    Router router = router(chain());
    spend(router, "g1", "g2", "g3");
    Instant now = clock.instant();
    Instant aFree = availableAt(router, "g1");

    ChatResponse r = router.chat(ask("g1"));

    assertThat(r.route().deploymentId()).isEqualTo("a");
    assertThat(r.route().fallbacks()).isEmpty();
    assertThat(clock.sleeps()).containsExactly(Duration.between(now, aFree));
    assertThat(events).noneMatch(e -> e.startsWith("fallback"));
  }

  @Test
  void aFallbackThatCanServeNowIsTakenWithoutWaiting() {
    Router router = router(chain());
    spend(router, "g1", "g2");
    ChatResponse r = router.chat(ask("g1"));
    assertThat(r.route().deploymentId()).isEqualTo("c");
    assertThat(r.route().fallbacks()).containsExactly("g2", "g3");
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void whenNothingFreesWithinTheDeadlineItFailsAtOnceNamingTheNearestReset() {
    Router router = router(chain());
    spend(router, "g2", "g1", "g3");
    Instant now = clock.instant();
    Instant bFree = availableAt(router, "g2");
    assertThat(Duration.between(now, bFree)).isGreaterThan(Duration.ofSeconds(5));

    assertThatThrownBy(() -> router.chat(ask("g1").toBuilder().timeout(5.0).build()))
        .isInstanceOfSatisfying(NoDeploymentAvailableException.class, e -> {
          assertThat(e.earliestAvailable()).isEqualTo(bFree);
          assertThat(e.route().fallbacks()).containsExactly("g2", "g3");
        });
    assertThat(clock.sleeps()).isEmpty();
    assertThat(clock.instant()).isEqualTo(now);
    assertThat(provider.calls()).hasSize(3);
  }

  @Test
  void waitingForTheGroupsOwnLimitsIsBoundedByTheDeadlineNotByNumRetries() {
    // One retry allowed and a window of one request a minute. While the request waits for the slot, another
    // caller takes it (run from inside the sleep): the request waits a second time, more than num_retries
    // allows for failed calls, and is served within its deadline. The other caller has 30 s: too little to
    // wait behind the parked request, so it is not held back for it (a place in line it could not use in
    // time would only fail it).
    RouterConfig cfg = RouterConfig.builder().deployment(dep("g", "a").rpm(1)).numRetries(1).build();
    java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
    Router[] self = new Router[1];
    Router router = LlmRouter.builder(cfg).env(env).clock(clock).providerClient(provider).listener(recorder())
        .sleeper(d -> {
          clock.sleep(d);
          if (taken.compareAndSet(false, true)) self[0].chat(ask("g").toBuilder().timeout(30.0).build());
        }).build();
    opened.add(router);
    self[0] = router;
    assertThat(router.chat(ask("g")).route().deploymentId()).isEqualTo("a");
    clock.clearSleeps();
    Instant start = clock.instant();

    assertThat(router.chat(ask("g")).route().deploymentId()).isEqualTo("a");

    assertThat(clock.sleeps()).hasSize(2);
    assertThat(Duration.between(start, clock.instant())).isEqualTo(Duration.ofSeconds(120));
    assertThat(provider.calls()).hasSize(3);

    // num_retries 0 opts out of waiting: the request fails at once with the window's reset
    Router none = router(RouterConfig.builder().deployment(dep("g", "a").rpm(1)).numRetries(0).build());
    assertThat(none.chat(ask("g")).route().deploymentId()).isEqualTo("a");
    clock.clearSleeps();
    assertThatThrownBy(() -> none.chat(ask("g"))).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void theWaitingBoundStillRefusesWithTheWaitAsRetryAfter() {
    Router router = LlmRouter.builder(chain()).env(env).clock(clock).sleeper(clock::sleep).providerClient(provider)
        .listener(recorder()).maxWaiting(0).build();
    opened.add(router);
    spend(router, "g2", "g1", "g3");
    Instant now = clock.instant();
    Instant bFree = availableAt(router, "g2");

    assertThatThrownBy(() -> router.chat(ask("g1")))
        .isInstanceOfSatisfying(RateLimitedException.class, e -> {
          assertThat(e.retryAfter()).isEqualTo(Duration.between(now, bFree));
          assertThat(e.getMessage()).contains("'g2'");
        });
    assertThat(clock.sleeps()).isEmpty();
  }

  @Test
  void aStreamWaitsForTheEarliestOfTheChainToo() {
    Router router = router(chain());
    spend(router, "g3", "g1", "g2");
    Instant now = clock.instant();
    Instant cFree = availableAt(router, "g3");
    try (ChatStream s = router.stream(ask("g1"))) {
      assertThat(s.route().deploymentId()).isEqualTo("c");
      assertThat(s.route().fallbacks()).containsExactly("g2", "g3");
      StringBuilder text = new StringBuilder();
      for (ChatChunk c; (c = s.next()) != null; ) text.append(c.choices().get(0).delta().text());
      assertThat(text).hasToString("hi there");
    }
    assertThat(clock.sleeps()).containsExactly(Duration.between(now, cFree));
  }

  // ---- asynchronous: the wait is a scheduled task, no thread --------------------------------------

  Router asyncRouter(VirtualScheduler scheduler, int maxWaiting) {
    // The direct executor runs every step on the thread that starts or wakes it: a call that returns with
    // its future open holds no thread. The sleeper must never be used by these calls.
    Router router = LlmRouter.builder(chain()).env(env).clock(clock).providerClient(provider).listener(recorder())
        .sleeper(d -> {
          throw new AssertionError("an asynchronous call slept for " + d);
        })
        .scheduler(scheduler).executor(Runnable::run).maxWaiting(maxWaiting).build();
    opened.add(router);
    return router;
  }

  @Test
  void chatAsyncWaitsInTheSchedulerAndIsServedWhereCapacityFreesFirst() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 8);
    spend(router, "g2", "g1", "g3");
    Instant now = clock.instant();
    Instant bFree = availableAt(router, "g2");

    CompletableFuture<ChatResponse> f = router.chatAsync(ask("g1"));

    assertThat(f).isNotDone();
    assertThat(scheduler.delays()).containsExactly(Duration.between(now, bFree));
    assertThat(provider.calls()).hasSize(3);
    assertThat(scheduler.runNext()).isTrue();
    ChatResponse r = f.get(0, TimeUnit.SECONDS);
    assertThat(r.route().deploymentId()).isEqualTo("b");
    assertThat(r.route().fallbacks()).containsExactly("g2");
    assertThat(clock.instant()).isEqualTo(bFree);
  }

  // ---- first come, first served: a parked request's slot is its own when it wakes -------------------

  @Test
  void aNewcomerAtTheWaitersWakeUpIsServedByTheFallbackThatCanServeNowAndTheWaiterGetsItsSlot() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 8);
    spend(router, "g1");
    Instant aFree = availableAt(router, "g1");
    // the first request may only use g1: it parks for a's slot
    CompletableFuture<ChatResponse> waiter = router.chatAsync(askOnly("g1"));
    assertThat(waiter).isNotDone();

    // a's window frees, and before the waiter runs a newcomer asks for g1: the slot is the waiter's, so the
    // newcomer is served at once by g2, which can serve now (it never waits while something can)
    clock.advance(Duration.between(clock.instant(), aFree));
    ChatResponse newcomer = router.chat(ask("g1"));
    assertThat(newcomer.route().deploymentId()).isEqualTo("b");
    assertThat(newcomer.route().fallbacks()).containsExactly("g2");
    assertThat(clock.instant()).as("no wait").isEqualTo(aFree);

    assertThat(scheduler.runNext()).isTrue();
    assertThat(waiter.get(0, TimeUnit.SECONDS).route().deploymentId()).isEqualTo("a");
    assertThat(clock.instant()).isEqualTo(aFree);
  }

  @Test
  void aNewcomerWithNothingElseToServeItWaitsBehindTheWaiter() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 8);
    spend(router, "g1");
    Instant aFree = availableAt(router, "g1");
    CompletableFuture<ChatResponse> first = router.chatAsync(askOnly("g1"));
    clock.advance(Duration.between(clock.instant(), aFree));
    // the slot has freed, but the first request is parked for it: the second waits for the next one
    CompletableFuture<ChatResponse> second = router.chatAsync(askOnly("g1"));
    assertThat(second).isNotDone();
    assertThat(scheduler.delays()).containsExactly(Duration.ofSeconds(50), Duration.ofSeconds(60));

    assertThat(scheduler.runNext()).isTrue();
    assertThat(first.get(0, TimeUnit.SECONDS).route().deploymentId()).isEqualTo("a");
    assertThat(second).isNotDone();
    assertThat(scheduler.runNext()).isTrue();
    assertThat(second.get(0, TimeUnit.SECONDS).route().deploymentId()).isEqualTo("a");
    assertThat(clock.instant()).isEqualTo(aFree.plusSeconds(60));
    assertThat(provider.order()).containsExactly("a", "a", "a");
  }

  @Test
  void asyncWaitersBeyondTheBoundAreRefusedAtOnceAndTheOthersServed() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 1);
    spend(router, "g2", "g1", "g3");
    Instant now = clock.instant();
    Instant bFree = availableAt(router, "g2");

    Instant aFree = availableAt(router, "g1");

    CompletableFuture<ChatResponse> waiting = router.chatAsync(ask("g1"));
    CompletableFuture<ChatResponse> refused = router.chatAsync(ask("g1"));

    assertThat(waiting).isNotDone();
    assertThat(refused).isCompletedExceptionally();
    // b's slot is the first waiter's: the second would have waited for g1's own, which frees next
    assertThatThrownBy(refused::get).isInstanceOf(ExecutionException.class).cause()
        .isInstanceOfSatisfying(RateLimitedException.class, e -> assertThat(e.retryAfter()).isEqualTo(Duration.between(now, aFree)));
    scheduler.runNext();
    assertThat(waiting.get(0, TimeUnit.SECONDS).route().deploymentId()).isEqualTo("b");
    // The place was given back: the next waiter is accepted.
    spend(router);
    CompletableFuture<ChatResponse> again = router.chatAsync(ask("g1"));
    assertThat(again).isNotDone();
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void aCallbackStreamWaitsWithoutAThreadAndStreamsOnceServed() {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 8);
    spend(router, "g2", "g1", "g3");
    List<String> seen = new CopyOnWriteArrayList<>();
    router.stream(ask("g1"), new StreamListener() {
      @Override
      public void onOpen(Route route) {
        seen.add("open " + route.deploymentId());
      }

      @Override
      public void onChunk(ChatChunk chunk) {
        seen.add(chunk.choices().get(0).delta().text());
      }

      @Override
      public void onComplete(Route route) {
        seen.add("complete");
      }

      @Override
      public void onError(LlmRouterException error) {
        seen.add("error " + error.getMessage());
      }
    });
    assertThat(seen).isEmpty();
    assertThat(scheduler.pending()).isEqualTo(1);
    scheduler.runNext();
    assertThat(seen).containsExactly("open b", "hi", " there", "complete");
  }

  @Test
  void closingTheRouterFailsAnAsyncRequestParkedInTheScheduler() {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 8);
    spend(router, "g2", "g1", "g3");
    CompletableFuture<ChatResponse> f = router.chatAsync(ask("g1"));
    assertThat(f).isNotDone();
    router.close();
    assertThatThrownBy(f::join).cause().isInstanceOf(LlmRouterException.class).hasMessageContaining("router is closed");
    // The wake-up that comes later finds the request ended and calls nothing.
    scheduler.runNext();
    assertThat(provider.calls()).hasSize(3);
  }

  @Test
  void streamAsyncWaitsInTheSchedulerAndOpensWhereCapacityFreesFirst() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 8);
    spend(router, "g3", "g1", "g2");
    CompletableFuture<ChatStream> f = router.streamAsync(ask("g1"));
    assertThat(f).isNotDone();
    assertThat(scheduler.pending()).isEqualTo(1);
    scheduler.runNext();
    try (ChatStream s = f.get(0, TimeUnit.SECONDS)) {
      assertThat(s.route().deploymentId()).isEqualTo("c");
      StringBuilder text = new StringBuilder();
      for (ChatChunk c; (c = s.next()) != null; ) text.append(c.choices().get(0).delta().text());
      assertThat(text).hasToString("hi there");
    }
  }

  @Test
  void cancellingAWaitingAsyncRequestEndsItAndGivesItsPlaceBack() {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    Router router = asyncRouter(scheduler, 1);
    spend(router, "g2", "g1", "g3");
    CompletableFuture<ChatStream> f = router.streamAsync(ask("g1"));
    assertThat(f.cancel(false)).isTrue();
    scheduler.runNext();
    assertThat(provider.calls()).hasSize(3);
    assertThat(provider.streamCalls()).isEmpty();
    // The one waiting place is free again: with the chain spent anew, the next request waits instead of being refused.
    spend(router, "g2", "g1", "g3");
    assertThat(router.chatAsync(ask("g1"))).isNotDone();
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void aReloadableRouterWaitsWithoutAThreadToo() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    ReloadableRouter router = LlmRouter.builder(chain()).env(env).clock(clock).providerClient(provider)
        .sleeper(d -> {
          throw new AssertionError("an asynchronous call slept for " + d);
        })
        .scheduler(scheduler).executor(Runnable::run).buildReloadable();
    opened.add(router);
    spend(router, "g2", "g1", "g3");
    CompletableFuture<ChatResponse> chat = router.chatAsync(ask("g1"));
    CompletableFuture<ChatStream> stream = router.streamAsync(ask("g1"));
    assertThat(chat).isNotDone();
    assertThat(stream).isNotDone();
    router.close();
    assertThatThrownBy(chat::join).cause().hasMessageContaining("router is closed");
    assertThatThrownBy(stream::join).cause().hasMessageContaining("router is closed");
  }

  @Test
  void aRequestCancelledWhileItsAttemptRunsEndsOnceAfterTheAttemptReturns() throws Exception {
    java.util.concurrent.CountDownLatch inCall = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    List<String> ends = new CopyOnWriteArrayList<>();
    provider.always("a", c -> {
      inCall.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return provider.ok(c, "late");
    });
    java.util.concurrent.ExecutorService one = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      Router router = LlmRouter.builder(chain()).env(env).clock(clock).providerClient(provider)
          .scheduler(new VirtualScheduler(clock)).executor(one)
          .listener(new io.llmrouter.api.RouterListener() {
            @Override
            public void onRequestEnd(io.llmrouter.api.RequestHandle request, io.llmrouter.api.RequestEnd end) {
              ends.add(end.outcome() + (end.error() == null ? "" : ": " + end.error().getMessage()));
              ended.countDown();
            }
          }).build();
      opened.add(router);
      CompletableFuture<ChatResponse> f = router.chatAsync(ask("g1"));
      assertThat(inCall.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(f.cancel(false)).isTrue();
      // The attempt is still writing the request's log: its end waits for it.
      assertThat(ends).isEmpty();
      release.countDown();
      assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
      one.shutdown();
      assertThat(one.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ends).containsExactly("FAILED: request cancelled");
    } finally {
      release.countDown();
      one.shutdownNow();
    }
  }
}
