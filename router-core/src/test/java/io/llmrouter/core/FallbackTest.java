package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmrouter.api.Attempt;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.Router;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FallbackTest extends EngineTestSupport {

  private ProviderUnavailableException down(String id) {
    return new ProviderUnavailableException("500 internal error", ctx(500, id));
  }

  @Test
  void fallbacksAreTriedInOrder() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b")).deployment(dep("g3", "c"))
        .fallbacks("g1", "g2", "g3").numRetries(0).build());
    provider.fail("a", down("a")).fail("b", down("b"));
    ChatResponse r = router.chat(ask("g1"));
    assertThat(r.route().servedModelGroup()).isEqualTo("g3");
    assertThat(r.route().fallbacks()).containsExactly("g2", "g3");
    assertThat(r.route().requestedModel()).isEqualTo("g1");
    assertThat(provider.order()).containsExactly("a", "b", "c");
    assertThat(events).containsSubsequence("fallback g1->g2 fallbacks", "fallback g1->g3 fallbacks");
    // The provider's model id that served, as LiteLLM reports it.
    assertThat(r.model()).isEqualTo("model-c");
    assertThat(r.route().providerModel()).isEqualTo("model-c");
  }

  @Test
  void defaultFallbacksApplyToGroupsWithoutTheirOwn() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b")).deployment(dep("safe", "s"))
        .fallbacks("g2", "g1").defaultFallbacks("safe").numRetries(0).build());
    provider.fail("a", down("a"));
    assertThat(router.chat(ask("g1")).route().servedModelGroup()).isEqualTo("safe");
    assertThat(events).contains("fallback g1->safe default_fallbacks");
  }

  @Test
  void depthLimitStopsTheChain() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b")).deployment(dep("g3", "c"))
        .fallbacks("g1", "g2", "g3").maxFallbacks(1).numRetries(0).build());
    provider.fail("a", down("a")).fail("b", down("b"));
    assertThatThrownBy(() -> router.chat(ask("g1"))).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(provider.order()).containsExactly("a", "b");
  }

  @Test
  void contextWindowFallbackOnTheError() {
    Router router = router(RouterConfig.builder().deployment(dep("small", "a")).deployment(dep("big", "b")).deployment(dep("other", "o"))
        .fallbacks("small", "other").contextWindowFallbacks("small", "big").numRetries(2).build());
    provider.fail("a", new ContextWindowExceededException("maximum context length is 8192", ctx(400, "a")));
    ChatResponse r = router.chat(ask("small"));
    assertThat(r.route().servedModelGroup()).isEqualTo("big");
    assertThat(provider.order()).containsExactly("a", "b");
    assertThat(events).contains("fallback small->big context_window_fallbacks");
  }

  @Test
  void contextWindowFallbackAheadOfTimeWithPreCallChecks() {
    Router router = router(RouterConfig.builder().deployment(dep("small", "a").maxInputTokens(100)).deployment(dep("big", "b").maxInputTokens(100_000))
        .contextWindowFallbacks("small", "big").enablePreCallChecks(true).build());
    ChatRequest longPrompt = ChatRequest.builder().model("small").messages(ChatMessage.user("x".repeat(4000))).build();
    ChatResponse r = router.chat(longPrompt);
    assertThat(r.route().servedModelGroup()).isEqualTo("big");
    assertThat(provider.order()).containsExactly("b");
    assertThat(r.route().attempts()).first().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(Attempt.Outcome.SKIPPED);
      assertThat(a.error()).startsWith("CONTEXT_TOO_SMALL");
    });
    // A short prompt still goes to the small model.
    assertThat(router.chat(ask("small")).route().deploymentId()).isEqualTo("a");
  }

  @Test
  void perRequestFallbacksAndDisableFallbacks() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b")).deployment(dep("g3", "c"))
        .fallbacks("g1", "g2").numRetries(0).build());
    provider.fail("a", down("a"));
    ChatResponse r = router.chat(ask("g1").toBuilder().fallbacks("g3").build());
    assertThat(r.route().servedModelGroup()).isEqualTo("g3");
    // Router-only fields are never sent upstream.
    assertThat(provider.calls().get(provider.calls().size() - 1).call().request().fallbacks()).isNull();

    provider.fail("a", down("a"));
    assertThatThrownBy(() -> router.chat(ask("g1").toBuilder().disableFallbacks(true).build()))
        .isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(provider.callsTo("b")).isZero();
    assertThatThrownBy(() -> router.chat(ask("g1").toBuilder().fallbacks("nope").build())).isInstanceOf(UnknownModelException.class);
    assertThatThrownBy(() -> router.chat(ask("nope"))).isInstanceOf(UnknownModelException.class);
  }

  @Test
  void mockTestingFallbacksFailTheFirstChoiceWithoutCallingIt() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b"))
        .fallbacks("g1", "g2").build());
    ChatResponse r = router.chat(ask("g1").toBuilder().extra("mock_testing_fallbacks", BooleanNode.TRUE).build());
    assertThat(r.route().servedModelGroup()).isEqualTo("g2");
    assertThat(provider.order()).containsExactly("b");
    assertThat(provider.calls().get(0).call().request().extra()).doesNotContainKey("mock_testing_fallbacks");
    assertThat(r.route().attempts().get(0).outcome()).isEqualTo(Attempt.Outcome.SKIPPED);
  }

  @Test
  void mockTestingContextWindowFallbacksBothSpellings() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b")).deployment(dep("big", "c"))
        .fallbacks("g1", "g2").contextWindowFallbacks("g1", "big").build());
    for (String field : new String[] {"mock_testing_context_window_fallbacks", "mock_testing_context_fallbacks"}) {
      ChatResponse r = router.chat(ask("g1").toBuilder().extra(field, TextNode.valueOf("true")).build());
      assertThat(r.route().servedModelGroup()).as(field).isEqualTo("big");
      assertThat(provider.calls().get(provider.calls().size() - 1).call().request().extra()).doesNotContainKey(field);
    }
    assertThat(provider.order()).containsExactly("c", "c");
  }

  @Test
  void mockTestingRateLimitErrorFailsTheFirstAttemptOnly() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b"))
        .fallbacks("g1", "g2").numRetries(2).build());
    ChatResponse retried = router.chat(ask("g1").toBuilder().extra("mock_testing_rate_limit_error", BooleanNode.TRUE).build());
    // The retry inside the group makes the real call, at once (the deployment itself is fine).
    assertThat(retried.route().deploymentId()).isEqualTo("a");
    assertThat(clock.sleeps()).isEmpty();
    assertThat(events).contains("retry g1 #1 0ms");
    ChatResponse fellBack = router.chat(ask("g1").toBuilder().extra("mock_testing_rate_limit_error", BooleanNode.TRUE)
        .extra("num_retries", IntNode.valueOf(0)).build());
    assertThat(fellBack.route().deploymentId()).isEqualTo("b");
    assertThat(provider.order()).containsExactly("a", "b");
    assertThat(provider.calls().get(1).call().request().extra()).isEmpty();
  }

  @Test
  void retryPolicyPerExceptionKind() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b"))
        .fallbacks("g1", "g2").numRetries(3).retryPolicy("RateLimitErrorRetries", 0).retryPolicy("BadRequestErrorRetries", 1)
        .build());
    provider.fail("a", rateLimited("a", RateScope.MINUTE, null, null));
    assertThat(router.chat(ask("g1")).route().deploymentId()).isEqualTo("b");
    assertThat(provider.order()).containsExactly("a", "b");

    provider.fail("a", new BadRequestException("400 bad param", ctx(400, "a"), null));
    assertThat(router.chat(ask("g1")).route().deploymentId()).isEqualTo("a");
    assertThat(provider.order()).containsExactly("a", "b", "a", "a");
  }

  @Test
  void nonRetryableErrorsShortCircuit() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).numRetries(3).build());
    provider.fail("a", new BadRequestException("400 unknown parameter logprobs", ctx(400, "a"), null));
    assertThatThrownBy(() -> router.chat(ask("g1"))).isInstanceOf(BadRequestException.class).hasMessageContaining("logprobs");
    assertThat(provider.callsTo("a")).isEqualTo(1);
  }

  @Test
  void retryWaitsForTheProviderHintOnlyWhenItFitsTheDeadline() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b"))
        .fallbacks("g1", "g2").numRetries(2).retryAfter(Duration.ofMillis(500)).build());
    // g2 is busy until later, so waiting 2 s for g1's own reset is the fastest way to an answer.
    provider.fail("b", rateLimited("b", RateScope.MINUTE, null, clock.instant().plusSeconds(60)));
    provider.fail("a", rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(2), null));
    assertThat(router.chat(ask("g1").toBuilder().disableFallbacks(true).build()).route().deploymentId()).isEqualTo("a");
    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(2));

    provider.fail("a", rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(20), null));
    assertThatThrownBy(() -> router.chat(ask("g1").toBuilder().timeout(5.0).disableFallbacks(true).build()))
        .isInstanceOf(NoDeploymentAvailableException.class).hasMessageContaining("RateLimitedException");
    assertThat(clock.sleeps()).hasSize(1);
  }

  @Test
  void aFallbackThatCanServeNowBeatsWaiting() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b"))
        .fallbacks("g1", "g2").numRetries(2).build());
    provider.fail("a", rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(2), null));
    ChatResponse r = router.chat(ask("g1"));
    assertThat(r.route().deploymentId()).isEqualTo("b");
    assertThat(r.route().fallbacks()).containsExactly("g2");
    assertThat(clock.sleeps()).isEmpty();
    assertThat(provider.order()).containsExactly("a", "b");
  }

  @Test
  void anotherHealthyDeploymentIsUsedAtOnce() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a").order(1)).deployment(dep("g1", "b").order(2)).numRetries(1).build());
    provider.fail("a", rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(30), null));
    ChatResponse r = router.chat(ask("g1"));
    assertThat(r.route().deploymentId()).isEqualTo("b");
    assertThat(clock.sleeps()).isEmpty();
    assertThat(r.route().callCount()).isEqualTo(2);
  }

  @Test
  void requestTooLargeMovesToTheNextDeployment() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a").order(1)).deployment(dep("g1", "b").order(2)).numRetries(0).build());
    provider.fail("a", new RequestTooLargeException("413 request too large for TPM", ctx(413, "a")));
    assertThat(router.chat(ask("g1")).route().deploymentId()).isEqualTo("b");
  }

  @Test
  void noDeploymentAvailableListsWhyPerDeployment() {
    Instant reset = clock.instant().plusSeconds(90);
    Router router = router(RouterConfig.builder()
        .deployment(dep("g1", "cool").order(1))
        .deployment(dep("g1", "busy").order(1).rpm(1))
        .deployment(dep("g1", "nokey").order(1).apiKeyEnv("NOT_SET_KEY"))
        .deployment(dep("g1", "broken").order(2))
        .deployment(dep("g2", "quota"))
        .fallbacks("g1", "g2").numRetries(0).allowedFails(100).build());
    provider.fail("cool", rateLimited("cool", RateScope.MINUTE, null, reset));
    provider.always("broken", c -> { throw down("broken"); });
    io.llmrouter.api.RateSignal zero = new io.llmrouter.api.RateSignal(null,
        new io.llmrouter.api.RateSignal.Window(6000L, 0L, clock.instant().plusSeconds(40), RateScope.MINUTE), null, clock.instant());
    provider.then("quota", c -> provider.ok(c, "x", zero, Map.of()));
    // Warm up: "busy" spends its rpm, "cool" learns its reset, "quota" its exhausted tokens.
    for (int i = 0; i < 12 && (provider.callsTo("busy") == 0 || provider.callsTo("cool") == 0); i++) {
      try {
        router.chat(ask("g1").toBuilder().disableFallbacks(true).build());
      } catch (NoDeploymentAvailableException ignored) {
        // expected while deployments fail
      }
    }
    router.chat(ask("g2"));
    NoDeploymentAvailableException e = null;
    try {
      router.chat(ask("g1"));
    } catch (NoDeploymentAvailableException x) {
      e = x;
    }
    assertThat(e).isNotNull();
    Map<String, NoDeploymentAvailableException.Reason> by = new java.util.HashMap<>();
    e.reasons().forEach(r -> by.put(r.deploymentId(), r));
    assertThat(by.get("cool").kind()).isEqualTo(Kind.COOLING);
    assertThat(by.get("cool").until()).isEqualTo(reset);
    assertThat(by.get("busy").kind()).isEqualTo(Kind.OVER_RPM);
    assertThat(by.get("nokey").kind()).isEqualTo(Kind.MISSING_KEY);
    assertThat(by.get("nokey").detail()).contains("NOT_SET_KEY");
    assertThat(by.get("broken").kind()).isEqualTo(Kind.FAILED);
    assertThat(by.get("broken").detail()).contains("ProviderUnavailableException: 500 internal error");
    assertThat(by.get("quota").kind()).isEqualTo(Kind.QUOTA_EXHAUSTED);
    assertThat(e.earliestAvailable()).isEqualTo(clock.instant().plusSeconds(40));
    assertThat(e.getMessage()).contains("g1 / cool: cooling until " + reset).contains("remaining quota 0").doesNotContain("gsk-test-secret");
    assertThat(e.lastError()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(e.route().fallbacks()).containsExactly("g2");
  }

  @Test
  void apiKeysResolveAtCallTimeAndMissingOnesStopOnlyTheirDeployment() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a").order(1).apiKeyEnv("MISSING_A"))
        .deployment(dep("g1", "b").order(2)).build());
    ChatResponse r = router.chat(ask("g1"));
    assertThat(r.route().deploymentId()).isEqualTo("b");
    // No api_key configured: the dialect's variable (GROQ_API_KEY) is used.
    assertThat(provider.calls().get(0).call().endpoint().apiKey().reveal()).isEqualTo("gsk-test-secret");
    assertThat(r.route().apiBase()).isEqualTo("https://groq.example/v1");
  }
}
