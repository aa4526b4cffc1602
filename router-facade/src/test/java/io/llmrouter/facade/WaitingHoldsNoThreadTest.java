package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.Scheduler;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, "make waiting hold no request thread": many more requests wait for capacity than Jetty has
 * request threads (and than the router's executor has threads), over real HTTP against {@link FacadeServer}
 * with the real engine. The waits are parked in an injected {@link Scheduler} on the test clock (nothing
 * sleeps); the health probes answer within a second meanwhile, every waiter is served once the window
 * frees, and no thread is left behind.
 */
class WaitingHoldsNoThreadTest {
  static final String KEY = "sk-test-master-key-no-thread";
  static final int JETTY_THREADS = 16;
  static final int N = 150;

  /**
   * Holds every wait until the test releases it, then moves the test clock to each one's instant. A request
   * woken out of its turn (the router resumes it on another thread, and may find an earlier waiter not yet
   * served) waits again: that wait is held and released too, as a real scheduler would run it.
   */
  static final class HeldScheduler implements Scheduler {
    record Held(long dueMillis, Runnable task) {}

    final TestClock clock;
    final LinkedBlockingQueue<Held> held = new LinkedBlockingQueue<>();
    final CountDownLatch parked;

    HeldScheduler(TestClock clock, int expected) {
      this.clock = clock;
      this.parked = new CountDownLatch(expected);
    }

    @Override
    public void schedule(Duration delay, Runnable task) {
      held.add(new Held(clock.millis() + delay.toMillis(), task));
      parked.countDown();
    }

    /** Runs the held waits, earliest first, and those scheduled meanwhile, until {@code done} completes. */
    void releaseUntil(CompletableFuture<?> done) throws InterruptedException {
      long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(130); // the test's own bound is 120 s
      while (!done.isDone() && System.nanoTime() < giveUp) {
        Held first = held.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) continue;
        List<Held> due = new ArrayList<>();
        due.add(first);
        held.drainTo(due);
        due.sort((a, b) -> Long.compare(a.dueMillis(), b.dueMillis()));
        for (Held h : due) {
          long now = clock.millis();
          if (h.dueMillis() > now) clock.advance(Duration.ofMillis(h.dueMillis() - now));
          h.task().run();
        }
      }
    }
  }

  static Set<Thread> serverSideThreads() {
    // The test's own HTTP client runs its threads in this JVM too; they are not the server's.
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
        .filter(t -> !t.getName().startsWith("HttpClient") && !t.getName().startsWith("ForkJoinPool"))
        .collect(Collectors.toSet());
  }

  @Test
  void requestsWaitingForCapacityHoldNoThreadAndAreServedWhenTheWindowFrees() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    Set<Thread> before = serverSideThreads();

    TestClock clock = new TestClock();
    HeldScheduler scheduler = new HeldScheduler(clock, N);
    ScriptedProvider provider = new ScriptedProvider(clock, List.of(ScriptedProvider.exampleInfo("groq")));
    RouterConfig config = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("g", "groq/m").id("d").rpm(N)).numRetries(3).build();
    Router router = LlmRouter.builder(config).env(Env.of(Map.of("GROQ_API_KEY", "gsk-test")))
        .clock(clock).sleeper(d -> {
          throw new AssertionError("the facade's chat path slept for " + d);
        })
        .scheduler(scheduler).providerClient(provider).maxWaiting(1_000).build();
    // The window's N requests are spent at this instant: every request after them waits a minute.
    for (int i = 0; i < N; i++) router.chat(ChatRequest.builder().model("g").messages(ChatMessage.user("warm " + i)).build());

    FacadeServer server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0)
        .masterKey(Secret.of(KEY)).shutdownGrace(Duration.ofMillis(100)).clock(clock).maxThreads(JETTY_THREADS).build());
    server.start();
    try {
      // Every other request streams: a stream waiting to open holds no thread either.
      String body = "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      String streamBody = "{\"model\":\"g\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        HttpRequest req = HttpRequest.newBuilder(uri(server, "/v1/chat/completions")).timeout(Duration.ofSeconds(120))
            .header("authorization", "Bearer " + KEY).header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(i % 2 == 0 ? body : streamBody)).build();
        futures.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
      }
      // All N are parked in the scheduler at once: more than Jetty's 16 threads and the router's 64 could hold.
      assertThat(scheduler.parked.await(60, TimeUnit.SECONDS)).as("every request parked in the scheduler").isTrue();
      assertThat(futures).noneMatch(CompletableFuture::isDone);
      assertThat(provider.calls()).hasSize(N);

      for (String probe : new String[] {"/health/liveliness", "/health/readiness", "/health/liveliness", "/health/readiness"}) {
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(server, probe)).timeout(Duration.ofSeconds(5)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.statusCode()).as(probe).isEqualTo(200);
        assertThat(ms).as(probe + " answered in " + ms + " ms").isLessThan(1_000);
      }

      CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
      CompletableFuture<Void> released = CompletableFuture.runAsync(() -> {
        try {
          scheduler.releaseUntil(all);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      try {
        all.get(120, TimeUnit.SECONDS);
      } finally {
        released.cancel(true);
      }
      for (int i = 0; i < N; i++) {
        HttpResponse<String> r = futures.get(i).join();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        if (i % 2 == 0) {
          assertThat(Json.tree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("hello from d");
        } else {
          assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
          assertThat(r.body()).contains("\"hi\"").endsWith("data: [DONE]\n\n");
        }
      }
      assertThat(provider.calls().size() + provider.streamCalls().size()).isEqualTo(2 * N);
    } finally {
      server.stop();
      router.close();
    }
    // Nothing left behind: every thread the server and the router started ends.
    for (Thread t : serverSideThreads()) {
      if (!before.contains(t)) t.join(10_000);
    }
    Set<Thread> after = serverSideThreads();
    after.removeAll(before);
    assertThat(after).as("threads left running: %s", after.stream().map(Thread::getName).toList()).isEmpty();
  }

  private static URI uri(FacadeServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
