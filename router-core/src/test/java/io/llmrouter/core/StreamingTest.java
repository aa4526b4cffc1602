package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.ScriptedProvider.StreamScript;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StreamingTest extends EngineTestSupport {

  private Router twoTier() {
    return router(RouterConfig.builder().deployment(dep("g", "a").order(1)).deployment(dep("g", "b").order(2)).numRetries(1).build());
  }

  private static String text(List<ChatChunk> chunks) {
    StringBuilder sb = new StringBuilder();
    for (ChatChunk c : chunks) if (c.choices() != null && c.choices().get(0).delta().text() != null) sb.append(c.choices().get(0).delta().text());
    return sb.toString();
  }

  @Test
  void failureAtOpenFallsBackAndStreamReturnsOnceADeploymentProduced() {
    Router router = twoTier();
    provider.failStream("a", new ProviderUnavailableException("503", ctx(503, "a")));
    try (ChatStream s = router.stream(ask("g"))) {
      assertThat(s.route().deploymentId()).isEqualTo("b");
      assertThat(s.route().upstreamHeaders()).containsEntry("x-ratelimit-remaining-requests", "5");
      List<ChatChunk> got = new ArrayList<>();
      s.forEach(got::add);
      assertThat(text(got)).isEqualTo("hi there");
    }
  }

  @Test
  void failureBeforeFirstContentStillFallsBackWithoutRepeating() {
    Router router = twoTier();
    provider.stream("a", StreamScript.of(ScriptedProvider.roleChunk())
        .failing(new RequestTimeoutException("stalled", ctx(0, "a"))));
    try (ChatStream s = router.stream(ask("g"))) {
      assertThat(s.route().deploymentId()).isEqualTo("b");
      List<ChatChunk> got = new ArrayList<>();
      s.forEach(got::add);
      assertThat(text(got)).isEqualTo("hi there");
      assertThat(got).hasSize(2);
    }
  }

  @Test
  void errorAfterFirstContentEndsTheStreamWithATypedErrorAndNoRepeat() {
    Router router = twoTier();
    provider.stream("a", StreamScript.of(ScriptedProvider.chunk("Hel"), ScriptedProvider.chunk("lo"))
        .failing(new ProviderUnavailableException("connection reset", ctx(0, "a"))));
    List<ChatChunk> got = new ArrayList<>();
    try (ChatStream s = router.stream(ask("g"))) {
      assertThat(s.route().deploymentId()).isEqualTo("a");
      assertThatThrownBy(() -> {
        ChatChunk c;
        while ((c = s.next()) != null) got.add(c);
      }).isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("connection reset");
      assertThat(s.next()).isNull();
    }
    assertThat(text(got)).isEqualTo("Hello");
    assertThat(provider.streamCalls()).extracting(ScriptedProvider.Call::deploymentId).containsExactly("a");
  }

  @Test
  void callbackFormDeliversOpenChunksAndExactlyOneEnd() throws Exception {
    Router router = twoTier();
    provider.failStream("a", new ProviderUnavailableException("503", ctx(503, "a")));
    CompletableFuture<Route> done = new CompletableFuture<>();
    List<String> seen = new ArrayList<>();
    router.stream(ask("g"), new StreamListener() {
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
        done.complete(route);
      }

      @Override
      public void onError(LlmRouterException error) {
        done.completeExceptionally(error);
      }
    });
    assertThat(done.get(10, TimeUnit.SECONDS).deploymentId()).isEqualTo("b");
    assertThat(seen).containsExactly("open b", "hi", " there");
  }

  @Test
  void chatAsyncCompletes() throws Exception {
    Router router = twoTier();
    assertThat(router.chatAsync(ask("g")).get(10, TimeUnit.SECONDS).route().deploymentId()).isEqualTo("a");
  }
}
