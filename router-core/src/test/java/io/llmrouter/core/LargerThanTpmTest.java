package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import org.junit.jupiter.api.Test;

/**
 * A request no deployment of a group can ever hold because of its declared tpm (not its context window):
 * {@code context_window_fallbacks} where the group has an entry (LiteLLM's mapping of Groq's 413), otherwise the
 * group's ordinary fallbacks, and refused as such before a provider quota that is short now could say "later".
 */
class LargerThanTpmTest extends EngineTestSupport {
  // ~1,000 prompt tokens (chars / 4) + max_tokens 256: over a tpm of 1,000
  private static ChatRequest large(String model) {
    return ChatRequest.builder().model(model).messages(ChatMessage.user("x".repeat(4_000))).maxTokens(256).build();
  }

  @Test
  void withoutAContextEntryForTheGroupItsOrdinaryFallbacksServe() {
    Router r = router(RouterConfig.builder().deployment(dep("small", "a").tpm(1_000L)).deployment(dep("big", "b"))
        .deployment(dep("other", "c").tpm(1_000L)).fallbacks("small", "big").contextWindowFallbacks("other", "big").build());
    ChatResponse res = r.chat(large("small"));
    assertThat(provider.calls()).extracting(ScriptedProvider.Call::deploymentId).containsExactly("b");
    assertThat(res).isNotNull();
  }

  @Test
  void aContextEntryForTheGroupIsUsedAsForGroqs413() {
    Router r = router(RouterConfig.builder().deployment(dep("small", "a").tpm(1_000L)).deployment(dep("big", "b"))
        .deployment(dep("ordinary", "c")).fallbacks("small", "ordinary").contextWindowFallbacks("small", "big").build());
    r.chat(large("small"));
    assertThat(provider.calls()).extracting(ScriptedProvider.Call::deploymentId).containsExactly("b");
  }

  @Test
  void withNoFallbackAtAllTheErrorSaysItIsTheTpmNotTheContextWindow() {
    Router r = router(RouterConfig.builder().deployment(dep("small", "a").tpm(1_000L)).build());
    assertThatThrownBy(() -> r.chat(large("small"))).isInstanceOf(ContextWindowExceededException.class)
        .hasMessageContaining("larger than the tpm of every deployment of small").hasMessageNotContaining("context window");
    assertThat(provider.calls()).isEmpty();
  }

  @Test
  void aTrackedTokenRefusalDoesNotHideThatTheRequestCanNeverFit() {
    Router r = router(RouterConfig.builder().deployment(dep("small", "a").tpm(1_000L)).deployment(dep("big", "b"))
        .contextWindowFallbacks("small", "big").numRetries(0).build());
    // the provider's day window refused a request and has 10 tokens left: the deployment is not cooling, its
    // window is tracked; a request larger than the deployment's whole tpm still goes to its context fallback at
    // once instead of being told "later" by the tracked window
    provider.fail("a", new io.llmrouter.api.RateLimitedException("Rate limit reached for model on tokens per day (TPD): Limit 500000, "
        + "Used 499990, Requested 300. Please try again in 50s.", ctx(429, "a"), io.llmrouter.api.RateScope.DAY,
        java.time.Duration.ofSeconds(50), null));
    assertThatThrownBy(() -> r.chat(ask("small"))).isInstanceOf(io.llmrouter.api.LlmRouterException.class);
    r.chat(large("small"));
    assertThat(provider.calls()).extracting(ScriptedProvider.Call::deploymentId).containsExactly("a", "b");
    assertThat(events.stream().filter(e -> e.startsWith("cooldown")).toList()).as("the refusal cooled nothing").isEmpty();
  }
}
