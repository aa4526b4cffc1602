package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestThreadExecutor}: the facade's request thread makes the router's first attempt itself (no
 * hand-off to a router thread), a wait for capacity is resumed on the executor's pool, and nothing else
 * ever runs inline.
 */
class RequestThreadExecutorTest {
  private final ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "elsewhere-" + POOL_IDS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private static final AtomicInteger POOL_IDS = new AtomicInteger();

  @AfterEach
  void shutdown() {
    pool.shutdownNow();
  }

  @Test
  void onlyTheFirstSubmissionInsideTheFacadesCallRunsInline() throws Exception {
    RequestThreadExecutor executor = new RequestThreadExecutor(pool);
    List<String> ran = new CopyOnWriteArrayList<>();
    Thread me = Thread.currentThread();
    CompletableFuture<Void> second = new CompletableFuture<>();
    RequestThreadExecutor.inline(() -> {
      executor.execute(() -> ran.add(Thread.currentThread() == me ? "inline" : "pool"));
      executor.execute(() -> {
        ran.add(Thread.currentThread() == me ? "inline" : "pool");
        second.complete(null);
      });
      return null;
    });
    second.get(10, TimeUnit.SECONDS);
    assertThat(ran).containsExactly("inline", "pool");

    // Outside the facade's call, and on any other thread, every task goes to the pool.
    CompletableFuture<Thread> outside = new CompletableFuture<>();
    executor.execute(() -> outside.complete(Thread.currentThread()));
    assertThat(outside.get(10, TimeUnit.SECONDS).getName()).startsWith("elsewhere-");
  }

  @Test
  void theFirstAttemptRunsOnTheRequestThreadAndAWaitResumesOnThePool() throws Exception {
    TestClock clock = new TestClock();
    ConcurrentLinkedQueue<Runnable> waits = new ConcurrentLinkedQueue<>();
    CountDownLatch parked = new CountDownLatch(1);
    List<String> callThreads = new CopyOnWriteArrayList<>();
    ScriptedProvider provider = new ScriptedProvider(clock, List.of(ScriptedProvider.exampleInfo("groq")));
    provider.otherwise(call -> {
      callThreads.add(Thread.currentThread().getName());
      return provider.ok(call);
    });
    RouterConfig config = RouterConfig.builder().deployment(DeploymentBuilder.of("g", "groq/m").id("d").rpm(1)).numRetries(3).build();
    Router router = LlmRouter.builder(config).env(Env.of(Map.of("GROQ_API_KEY", "gsk-test"))).clock(clock)
        .sleeper(d -> {
          throw new AssertionError("slept for " + d);
        })
        .scheduler((delay, task) -> {
          waits.add(() -> {
            clock.advance(delay);
            task.run();
          });
          parked.countDown();
        })
        .providerClient(provider).executor(new RequestThreadExecutor(pool)).build();
    FacadeServer server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0)
        .shutdownGrace(Duration.ofMillis(100)).clock(clock).build());
    server.start();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      String body = "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      HttpResponse<String> first = http.send(post(server, body), HttpResponse.BodyHandlers.ofString());
      assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
      assertThat(Json.tree(first.body()).at("/choices/0/message/content").asText()).isEqualTo("hello from d");
      assertThat(callThreads).hasSize(1);
      assertThat(callThreads.get(0)).as("the first attempt's thread").startsWith("llm-router-http");

      // rpm 1 is spent: the next request waits in the scheduler (no thread) and is resumed on the pool.
      CompletableFuture<HttpResponse<String>> waiting = http.sendAsync(post(server, body), HttpResponse.BodyHandlers.ofString());
      assertThat(parked.await(30, TimeUnit.SECONDS)).as("the second request parked in the scheduler").isTrue();
      assertThat(waits).hasSize(1);
      assertThat(waiting).isNotDone();
      waits.poll().run();
      HttpResponse<String> second = waiting.get(30, TimeUnit.SECONDS);
      assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
      assertThat(callThreads).hasSize(2);
      assertThat(callThreads.get(1)).as("the resumed attempt's thread").startsWith("elsewhere-");

      // A stream opens on the request thread and is written from it.
      clock.advance(Duration.ofMinutes(2));
      String streamBody = "{\"model\":\"g\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      HttpResponse<String> stream = http.send(post(server, streamBody), HttpResponse.BodyHandlers.ofString());
      assertThat(stream.statusCode()).as(stream.body()).isEqualTo(200);
      assertThat(stream.body()).contains("\"hi\"").endsWith("data: [DONE]\n\n");
    } finally {
      server.stop();
      router.close();
    }
  }

  private static HttpRequest post(FacadeServer server, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }
}
