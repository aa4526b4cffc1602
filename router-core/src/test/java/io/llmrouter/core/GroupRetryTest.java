package io.llmrouter.core;

import static io.llmrouter.core.PolicyFixture.byId;
import static io.llmrouter.core.PolicyFixture.dep;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterConfigBuilder;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link GroupRetry} over hand-built collaborators: retries, waits through the sleeper, the deadline, falling back. */
class GroupRetryTest {
  final PolicyFixture f = new PolicyFixture();
  DeploymentRegistry registry;
  GroupRetry retry;

  final AttemptRunner.Call<ChatResponse> chat = new AttemptRunner.Call<>() {
    @Override
    public AttemptRunner.Served<ChatResponse> invoke(ProviderCall call) {
      ProviderResponse<ChatResponse> r = f.provider.chat(call);
      return new AttemptRunner.Served<>(r.value(), r.status(), r.headers(), r.signal(), r.value().usage());
    }

    @Override
    public boolean holdsTicket() {
      return false;
    }
  };

  /** A chain with a fallback left, whose later groups free at {@code at.applyAsLong(now)}. */
  static GroupRetry.Chain fallbackFreeing(java.util.function.LongUnaryOperator at) {
    return new GroupRetry.Chain() {
      @Override
      public boolean fallbackLeft() {
        return true;
      }

      @Override
      public long laterAvailableAt(io.llmrouter.api.LlmRouterException err, long now) {
        return at.applyAsLong(now);
      }
    };
  }

  /** A chain whose next group can serve now. */
  static final GroupRetry.Chain READY_FALLBACK = fallbackFreeing(now -> now);

  ModelGroup setUp(RouterConfigBuilder b) {
    RouterConfig config = b.build();
    registry = f.registry(config);
    CooldownPolicy cooldowns = new CooldownPolicy(config.router(), f.store, f.listeners);
    AttemptRunner attempts = new AttemptRunner(config, registry, cooldowns, f.listeners, f.clock, 60_000);
    Selector selector = new Selector(SelectionStrategy.of(config.router().routingStrategy()),
        new Admission(registry, config.router(), f.clock), f.listeners, f.clock, new SplittableRandom(1), false);
    retry = new GroupRetry(config, selector, attempts, new MockTesting(f.clock, f.clock::sleep), registry, f.listeners, f.clock, f.clock::sleep);
    return registry.group("g");
  }

  static ProviderUnavailableException down(String id) {
    return new ProviderUnavailableException("503 " + id, ScriptedProvider.errorContext(503, "groq", id));
  }

  static RateLimitedException rateLimited(String id, Duration retryAfter) {
    return new RateLimitedException("429 " + id, ScriptedProvider.errorContext(429, "groq", id), RateScope.MINUTE, retryAfter, null);
  }

  GroupRetry.GroupOutcome<ChatResponse> serve(ModelGroup g, RequestState rs, boolean canFallBack) {
    return retry.serve(g, rs, chat, true, canFallBack ? READY_FALLBACK : GroupRetry.Chain.NONE);
  }

  static AttemptRunner.Success<ChatResponse> served(GroupRetry.GroupOutcome<ChatResponse> o) {
    assertThat(o).isInstanceOf(AttemptRunner.Success.class);
    return (AttemptRunner.Success<ChatResponse>) o;
  }

  static GroupRetry.Failed<ChatResponse> failed(GroupRetry.GroupOutcome<ChatResponse> o) {
    assertThat(o).isInstanceOf(GroupRetry.Failed.class);
    return (GroupRetry.Failed<ChatResponse>) o;
  }

  @Test
  void aFiveHundredIsRetriedAtOnceOnAnotherDeployment() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a").order(1)).deployment(dep("g", "b").order(2)));
    f.provider.fail("a", down("a"));
    AttemptRunner.Success<ChatResponse> s = served(serve(g, f.request("g"), false));
    assertThat(s.ticket().deployment.id).isEqualTo("b");
    assertThat(s.value().choices().get(0).message().text()).isEqualTo("hello from b");
    assertThat(f.provider.order()).containsExactly("a", "b");
    assertThat(f.clock.sleeps()).isEmpty();
    assertThat(f.events).contains("retry g #1 0ms");
  }

  @Test
  void aRateLimitHintIsWaitedForThroughTheSleeper() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    f.provider.fail("a", rateLimited("a", Duration.ofSeconds(2)));
    long t0 = f.now();
    AttemptRunner.Success<ChatResponse> s = served(serve(g, f.request("g"), false));
    assertThat(s.ticket().deployment.id).isEqualTo("a");
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofSeconds(2));
    assertThat(f.provider.calls()).extracting(ScriptedProvider.Call::atMillis).containsExactly(t0, t0 + 2_000);
    assertThat(f.events).contains("cooldown a until " + java.time.Instant.ofEpochMilli(t0 + 2_000), "retry g #1 2000ms", "cooldown-end a");
  }

  @Test
  void failuresWithoutAHintBackOffAndStopAfterNumRetries() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")).numRetries(2).allowedFails(10));
    f.provider.alwaysFail("a", down("a"));
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, f.request("g"), false));
    assertThat(out.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(out.lastError()).isSameAs(out.error());
    assertThat(out.deadlineHit()).isFalse();
    assertThat(f.provider.callsTo("a")).isEqualTo(3);
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1_000));
  }

  @Test
  void retryAfterIsTheFloorOfABackoffNotOfAProvidersHint() {
    // LiteLLM's retry_after is min_timeout in its backoff; a retry-after the provider sent (up to 60 s) is
    // slept as given. The guide sets 5 s: a 1.5 s refill is not stretched to 5 s.
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")).numRetries(2).allowedFails(10)
        .retryAfter(Duration.ofSeconds(5)));
    f.provider.fail("a", rateLimited("a", Duration.ofMillis(1_500)));
    assertThat(serve(g, f.request("g"), false)).isInstanceOf(AttemptRunner.Success.class);
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofMillis(1_500));
    // Without a hint the backoff (500 ms, then 1 s) is raised to the floor.
    f.provider.fail("a", down("a")).fail("a", down("a"));
    assertThat(serve(g, f.request("g"), false)).isInstanceOf(AttemptRunner.Success.class);
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofMillis(1_500), Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  @Test
  void aWaitThatLeavesTheCallNoTimeIsNotStarted() {
    // The hint ends exactly at the deadline: waking then would leave the retry no time to run (it could
    // only time out), so the group gives up at once, without sleeping; the fallback may still answer.
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    RequestState rs = f.request("g");
    assertThat(rs.deadline - f.now()).isEqualTo(60_000);
    RateLimitedException e = rateLimited("a", Duration.ofSeconds(60));
    f.provider.fail("a", e);
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, rs, false));
    assertThat(out.deadlineHit()).isFalse();
    assertThat(out.error()).isInstanceOf(RateLimitedException.class);
    assertThat(out.error().getMessage()).isEqualTo("429 a");
    assertThat(f.clock.sleeps()).isEmpty();
    assertThat(f.provider.callsTo("a")).isEqualTo(1);
  }

  @Test
  void aWaitThatLeavesTheCallASecondIsTaken() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    f.provider.fail("a", rateLimited("a", Duration.ofSeconds(59)));
    assertThat(serve(g, f.request("g"), false)).isInstanceOf(AttemptRunner.Success.class);
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofSeconds(59));
    assertThat(f.provider.callsTo("a")).isEqualTo(2);
  }

  @Test
  void aDeploymentThatAnswersAtOnceMayBeWaitedForUntilJustBeforeItsDeadline() {
    // Once it has served a call in no time, the room a wait must leave before the deadline is what its calls
    // take (at least 25 ms), not the second kept for a deployment nobody has timed yet.
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    assertThat(serve(g, f.request("g"), false)).isInstanceOf(AttemptRunner.Success.class);
    RequestState rs = f.request("g");
    f.provider.fail("a", rateLimited("a", Duration.ofMillis(59_900)));
    assertThat(serve(g, rs, false)).isInstanceOf(AttemptRunner.Success.class);
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofMillis(59_900));
    assertThat(f.provider.callsTo("a")).isEqualTo(3);
  }

  @Test
  void theRoomBeforeTheDeadlineIsTwiceWhatTheDeploymentsCallsTookLately() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    Deployment a = g.all[0];
    assertThat(a.roomToRun(60_000)).as("never served: a second").isEqualTo(1_000);
    f.provider.latency(Duration.ofMillis(300));
    assertThat(serve(g, f.request("g"), false)).isInstanceOf(AttemptRunner.Success.class);
    assertThat(a.roomToRun(60_000)).isEqualTo(600);
    assertThat(a.roomToRun(2_000)).as("never more than a quarter of what is left").isEqualTo(500);
    // The hint leaves 500 ms: less than the 600 ms the calls need, so the group gives up at once.
    RequestState rs = f.request("g");
    f.provider.fail("a", rateLimited("a", Duration.ofMillis(59_500 - 300)));
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, rs, false));
    assertThat(out.error()).isInstanceOf(RateLimitedException.class);
    assertThat(f.clock.sleeps()).isEmpty();
  }

  /** A chain whose later groups cannot serve within any deadline. */
  static final GroupRetry.Chain BLOCKED_FALLBACK = fallbackFreeing(now -> Long.MAX_VALUE);

  static RateLimitedException perDay(String id, Duration retryAfter) {
    return new RateLimitedException("429 " + id + " tokens per day", ScriptedProvider.errorContext(429, "groq", id), RateScope.DAY,
        retryAfter, null);
  }

  @Test
  void aDayScopeRefusalWithAShortHintIsWaitedForWhenNothingLaterInTheChainFreesSooner() {
    // Groq's tokens per day refill by the second: "try again in 1.569s" is when this deployment has room.
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    f.provider.fail("a", perDay("a", Duration.ofMillis(1_569)));
    assertThat(retry.serve(g, f.request("g"), chat, true, BLOCKED_FALLBACK)).isInstanceOf(AttemptRunner.Success.class);
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofMillis(1_569));
    assertThat(f.provider.callsTo("a")).isEqualTo(2);
  }

  @Test
  void aDayScopeRefusalWithAHintMovesOnWhenAFallbackCanServeNow() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    f.provider.fail("a", perDay("a", Duration.ofMillis(1_569)));
    assertThat(failed(retry.serve(g, f.request("g"), chat, true, READY_FALLBACK)).error()).isInstanceOf(RateLimitedException.class);
    assertThat(f.clock.sleeps()).isEmpty();
    assertThat(f.provider.callsTo("a")).isEqualTo(1);
  }

  @Test
  void aDayScopeRefusalWithoutAHintMovesOnWhateverTheFallbacksCanDo() {
    // No hint: a backoff would only spend the deadline.
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    f.provider.fail("a", perDay("a", null));
    assertThat(failed(retry.serve(g, f.request("g"), chat, true, BLOCKED_FALLBACK)).error()).isInstanceOf(RateLimitedException.class);
    assertThat(f.clock.sleeps()).isEmpty();
    assertThat(f.provider.callsTo("a")).isEqualTo(1);
  }

  @Test
  void aWaitPastTheDeadlineIsNotStarted() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")));
    f.provider.fail("a", rateLimited("a", Duration.ofSeconds(61)));
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, f.request("g"), false));
    assertThat(out.deadlineHit()).isFalse();
    assertThat(out.error()).isInstanceOf(RateLimitedException.class);
    assertThat(f.clock.sleeps()).isEmpty();
  }

  @Test
  void aSlowCallThatSpendsTheDeadlineEndsWithDeadlineHit() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b")));
    f.provider.latency(Duration.ofSeconds(61)).alwaysFail("a", down("a")).alwaysFail("b", down("b"));
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, f.request("g"), true));
    assertThat(out.deadlineHit()).isTrue();
    assertThat(out.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(f.provider.calls()).hasSize(1);
  }

  @Test
  void whenEveryDeploymentIsSkippedItFallsBackAtOnceIfItCan() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b")));
    byId(registry, "a").state.open(f.now() + 5_000, false);
    byId(registry, "b").state.open(f.now() + 8_000, false);
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, f.request("g"), true));
    assertThat(out.deadlineHit()).isFalse();
    assertThat(out.lastError()).isNull();
    assertThat(out.error().getMessage()).isEqualTo("no deployment of 'g' can take the request now");
    assertThat(f.clock.sleeps()).isEmpty();
    assertThat(f.provider.calls()).isEmpty();
  }

  @Test
  void withoutAFallbackItWaitsForTheEarliestDeployment() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("g", "b")));
    byId(registry, "a").state.open(f.now() + 5_000, false);
    byId(registry, "b").state.open(f.now() + 8_000, false);
    AttemptRunner.Success<ChatResponse> s = served(serve(g, f.request("g"), false));
    assertThat(s.ticket().deployment.id).isEqualTo("a");
    assertThat(f.clock.sleeps()).containsExactly(Duration.ofSeconds(5));
    assertThat(f.events).contains("retry g #1 5000ms", "cooldown-end a");
  }

  @Test
  void aPromptTooLargeForEveryDeploymentFailsAsAContextWindowError() {
    ModelGroup g = setUp(RouterConfig.builder().deployment(dep("g", "a").maxInputTokens(1)).deployment(dep("g", "b").tpm(10))
        .enablePreCallChecks(true));
    RequestState rs = f.request(PolicyFixture.ask("g").messages(ChatMessage.user("a long enough prompt")).build());
    GroupRetry.Failed<ChatResponse> out = failed(serve(g, rs, false));
    assertThat(out.error()).isInstanceOf(ContextWindowExceededException.class);
    assertThat(out.lastError()).isSameAs(out.error());
    assertThat(f.provider.calls()).isEmpty();
    assertThat(f.clock.sleeps()).isEmpty();
  }
}
