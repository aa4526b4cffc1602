package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LiteLLM's {@code mock_response} and {@code mock_timeout} request fields: answered or timed out without a call. */
class MockResponseTest extends EngineTestSupport {

  Router twoGroups() {
    return router(RouterConfig.builder().deployment(dep("g1", "a")).deployment(dep("g2", "b")).fallbacks("g1", "g2").build());
  }

  @Test
  void mockResponseAnswersWithTheTextAndLiteLlmsFakeUsageWithoutCallingTheProvider() {
    Router router = twoGroups();

    ChatResponse r = router.chat(ask("g1").toBuilder().extra("mock_response", TextNode.valueOf("It's simple to use")).build());

    assertThat(r.choices()).singleElement().satisfies(c -> {
      assertThat(c.message().text()).isEqualTo("It's simple to use");
      assertThat(c.finishReason()).isEqualTo("stop");
    });
    assertThat(r.usage().promptTokens()).isEqualTo(10);
    assertThat(r.usage().completionTokens()).isEqualTo(20);
    assertThat(r.usage().totalTokens()).isEqualTo(30);
    Route route = r.route();
    assertThat(route.servedModelGroup()).isEqualTo("g1");
    assertThat(route.deploymentId()).isEqualTo("a");
    assertThat(route.callCount()).isZero();
    assertThat(route.attempts()).singleElement().satisfies(a -> {
      assertThat(a.outcome()).isEqualTo(Attempt.Outcome.SKIPPED);
      assertThat(a.deploymentId()).isEqualTo("a");
      assertThat(a.error()).startsWith("mock_response");
    });
    assertThat(r.model()).isEqualTo("model-a");
    assertThat(provider.calls()).isEmpty();
    assertThat(provider.streamCalls()).isEmpty();
  }

  @Test
  void mockResponseLeavesTheDeploymentAsItWas() {
    Router router = router(RouterConfig.builder().deployment(dep("g1", "a").maxParallelRequests(1)).build());
    ChatRequest mocked = ask("g1").toBuilder().extra("mock_response", TextNode.valueOf("ok")).build();
    for (int i = 0; i < 5; i++) router.chat(mocked);
    // The parallel-request permit was returned each time: a real call still gets through.
    assertThat(router.chat(ask("g1")).route().callCount()).isEqualTo(1);
    assertThat(provider.order()).containsExactly("a");
  }

  @Test
  void streamedMockResponseComesInChunksWithTheUsageChunkWhenAsked() {
    Router router = twoGroups();
    ChatRequest req = ask("g1").toBuilder().stream(true)
        .streamOptions(JsonNodeFactory.instance.objectNode().put("include_usage", true))
        .extra("mock_response", TextNode.valueOf("Hello mock")).build();

    List<ChatChunk> chunks = new ArrayList<>();
    Route route;
    try (ChatStream s = router.stream(req)) {
      ChatChunk c;
      while ((c = s.next()) != null) chunks.add(c);
      route = s.route();
    }

    List<String> texts = chunks.stream().filter(c -> !c.choices().isEmpty() && c.choices().get(0).delta().text() != null
        && !c.choices().get(0).delta().text().isEmpty()).map(c -> c.choices().get(0).delta().text()).toList();
    assertThat(texts).containsExactly("Hel", "lo ", "moc", "k");
    assertThat(chunks.get(chunks.size() - 2).choices().get(0).finishReason()).isEqualTo("stop");
    ChatChunk last = chunks.get(chunks.size() - 1);
    assertThat(last.choices()).isEmpty();
    assertThat(last.usage().totalTokens()).isEqualTo(30);
    assertThat(route.deploymentId()).isEqualTo("a");
    assertThat(route.attempts()).singleElement().satisfies(a -> assertThat(a.outcome()).isEqualTo(Attempt.Outcome.SKIPPED));
    assertThat(provider.streamCalls()).isEmpty();
    assertThat(provider.calls()).isEmpty();
  }

  @Test
  void mockTimeoutTimesOutAtTheRequestTimeoutOnTheInjectedSleeperWithoutACall() {
    Router router = twoGroups();
    long start = clock.millis();

    assertThatThrownBy(() -> router.chat(ask("g1").toBuilder().timeout(7.0).extra("mock_timeout", BooleanNode.TRUE).build()))
        .isInstanceOf(RequestTimeoutException.class).hasMessageContaining("mock_timeout");

    assertThat(clock.sleeps()).containsExactly(Duration.ofSeconds(7));
    assertThat(clock.millis() - start).isEqualTo(7_000);
    // A timeout leaves no time for the fallback: nothing was called.
    assertThat(provider.calls()).isEmpty();
    assertThat(events).noneMatch(e -> e.startsWith("cooldown"));
  }

  @Test
  void mockFieldsNeverReachTheProvider() {
    Router router = twoGroups();
    router.chat(ask("g1").toBuilder().extra("mock_timeout", BooleanNode.FALSE).extra("mock_response", JsonNodeFactory.instance.nullNode())
        .extra("mock_testing_fallbacks", IntNode.valueOf(0)).extra("temperature_hint", TextNode.valueOf("kept")).build());

    assertThat(provider.calls()).singleElement().satisfies(c -> assertThat(c.call().request().extra())
        .doesNotContainKeys("mock_timeout", "mock_response", "mock_testing_fallbacks").containsKey("temperature_hint"));
  }

  @Test
  void aMockResponseThatIsNotTextIsRefused() {
    Router router = twoGroups();
    assertThatThrownBy(() -> router.chat(ask("g1").toBuilder().extra("mock_response", IntNode.valueOf(3)).build()))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.field()).isEqualTo("mock_response"));
    assertThat(provider.calls()).isEmpty();
  }
}
