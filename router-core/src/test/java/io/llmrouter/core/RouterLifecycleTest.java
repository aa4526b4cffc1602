package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.core.config.RouterConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The router's executor, its close(), and the typed errors of malformed requests. */
class RouterLifecycleTest extends EngineTestSupport {

  private RouterConfig one() {
    return RouterConfig.builder().deployment(dep("g", "a")).build();
  }

  @Test
  void chatAsyncRunsOnTheInjectedExecutorWhichCloseLeavesRunning() throws Exception {
    AtomicInteger ran = new AtomicInteger();
    ExecutorService mine = Executors.newSingleThreadExecutor();
    try {
      Router router = LlmRouter.builder(one()).env(env).clock(clock).sleeper(clock::sleep).providerClient(provider)
          .executor(r -> { ran.incrementAndGet(); mine.execute(r); }).build();
      assertThat(router.chatAsync(ask("g")).get(5, TimeUnit.SECONDS).text()).isNotNull();
      router.close();
      assertThat(ran.get()).isEqualTo(1);
      assertThat(mine.isShutdown()).isFalse();
    } finally {
      mine.shutdownNow();
    }
  }

  @Test
  void closeWaitsForTheDefaultExecutorsRunningTasks() throws Exception {
    Router router = router(one());
    CountDownLatch inCall = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    provider.always("a", c -> {
      inCall.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return provider.ok(c, "late");
    });
    var future = router.chatAsync(ask("g"));
    assertThat(inCall.await(5, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(router::close);
    closer.start();
    closer.join(200);
    assertThat(closer.isAlive()).as("close() waits for the call in flight").isTrue();
    release.countDown();
    closer.join(5_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(future.get(1, TimeUnit.SECONDS).text()).isEqualTo("late");
    // The executor was shut down, not abandoned: its threads end (a worker may take a moment to exit its loop).
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("llm-router-async")) t.join(2_000);
    }
    assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("llm-router-async") && t.isAlive());
  }

  @Test
  void everyCallAfterCloseIsRefusedClearly() {
    Router router = router(one());
    router.close();
    router.close(); // idempotent
    assertThatThrownBy(() -> router.chat(ask("g"))).isInstanceOf(LlmRouterException.class).hasMessageContaining("router is closed");
    assertThatThrownBy(() -> router.stream(ask("g"))).hasMessageContaining("router is closed");
    assertThatThrownBy(() -> router.chatAsync(ask("g"))).hasMessageContaining("router is closed");
    assertThatThrownBy(() -> router.stream(ask("g"), (StreamListener) c -> {})).hasMessageContaining("router is closed");
    assertThat(provider.calls()).isEmpty();
  }

  @Test
  void callerMistakesAreInvalidRequestsNamingTheField() {
    Router router = router(one());
    List<InvalidRequestException> errors = new ArrayList<>();
    for (ChatRequest bad : List.of(
        ChatRequest.builder().model("g").build(),
        ChatRequest.builder().model("g").messages(List.of()).build(),
        ChatRequest.builder().model(" ").messages(ChatMessage.user("hi")).build(),
        ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).extra("num_retries", com.fasterxml.jackson.databind.node.TextNode.valueOf("three")).build(),
        ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).extra("num_retries", com.fasterxml.jackson.databind.node.IntNode.valueOf(-1)).build())) {
      try {
        router.chat(bad);
      } catch (InvalidRequestException e) {
        errors.add(e);
      }
    }
    assertThat(errors).extracting(InvalidRequestException::field).containsExactly("messages", "messages", "model", "num_retries", "num_retries");
    assertThat(errors).allSatisfy(e -> {
      assertThat(e.retriable()).isFalse();
      assertThat(e.getMessage()).doesNotContain("java.", "Integer", "String", "Node", "Exception");
    });
    assertThatThrownBy(() -> router.chat(null)).isInstanceOf(InvalidRequestException.class);
    assertThat(provider.calls()).isEmpty();
  }
}
