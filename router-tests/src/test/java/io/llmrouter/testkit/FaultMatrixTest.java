package io.llmrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.FaultyUpstream.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 16: every fault of a hostile upstream ends with a typed outcome within the request's deadline,
 * the fallback still answers, and nothing is left behind. Real HTTP over loopback (the provider client
 * and its OkHttp), real time: the deadlines here are two seconds.
 */
class FaultMatrixTest {
  /** The request deadline of every call here. */
  static final double DEADLINE_SECONDS = 2.0;
  /** What a call may take beyond its deadline: closing sockets, scheduling, class loading on a loaded 2-core
   * machine. A bound that tells "ended at the deadline" from "hung", not a speed figure. */
  static final long SLACK_MILLIS = 3_000;

  static FaultyUpstream upstream;
  static OpenAiCompatibleClient client;

  @BeforeAll
  static void start() throws IOException {
    upstream = FaultyUpstream.start();
    client = OpenAiCompatibleClient.builder().clock(Clock.systemUTC()).build();
  }

  @AfterAll
  static void stop() {
    client.close();
    upstream.close();
  }

  private static Router router(Kind fault, boolean withFallback) {
    io.llmrouter.core.config.RouterConfigBuilder b = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("main", "hosted_vllm/m").id("bad").apiBase(upstream.baseUrl(fault)))
        .numRetries(0);
    if (withFallback) {
      b.deployment(DeploymentBuilder.of("backup", "hosted_vllm/m").id("good").apiBase(upstream.baseUrl(Kind.OK)))
          .fallbacks("main", "backup");
    }
    return LlmRouter.builder(b.build()).env(Env.of(Map.of())).providerClient(client).build();
  }

  private static ChatRequest ask() {
    return ChatRequest.builder().model("main").messages(ChatMessage.user("hi")).timeout(DEADLINE_SECONDS).build();
  }

  /** The provider error behind {@code e}: itself, or the last error of an exhausted chain. */
  private static Throwable cause(Throwable e) {
    if (e instanceof NoDeploymentAvailableException n && n.lastError() != null) return n.lastError();
    return e;
  }

  private static long millisSince(long t0) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
  }

  @ParameterizedTest(name = "{0} without a fallback")
  @EnumSource(value = Kind.class, names = "OK", mode = EnumSource.Mode.EXCLUDE)
  void everyFaultEndsTypedWithinTheDeadline(Kind fault) {
    try (Router router = router(fault, false)) {
      long t0 = System.nanoTime();
      Throwable e = catchThrowable(() -> router.chat(ask()));
      long took = millisSince(t0);
      assertThat(took).as(fault + " took " + took + " ms").isLessThan((long) (DEADLINE_SECONDS * 1000) + SLACK_MILLIS);
      if (fault == Kind.GIANT_RESET) {
        assertThat(e).as("absurd rate numbers on a success are read as absent or clamped").isNull();
        return;
      }
      assertThat(e).as(fault.name()).isInstanceOf(LlmRouterException.class);
      Throwable c = cause(e);
      assertThat(c).as(fault + ": " + e).isInstanceOf(ProviderException.class);
      switch (fault) {
        case STALL, DRIP_JSON -> assertThat(c).isInstanceOf(RequestTimeoutException.class);
        case GIANT_RETRY_AFTER, NEGATIVE_HEADERS -> assertThat(c).isInstanceOf(RateLimitedException.class);
        case HTML_OK, NON_JSON, HUGE_BODY, GZIP_BOMB -> assertThat(c).isInstanceOf(MalformedResponseException.class);
        default -> { }
      }
    }
  }

  @ParameterizedTest(name = "{0} falls back")
  @EnumSource(value = Kind.class, names = {"OK", "GIANT_RESET", "DRIP_STREAM"}, mode = EnumSource.Mode.EXCLUDE)
  void theFallbackAnswersWithinTheDeadline(Kind fault) {
    try (Router router = router(fault, true)) {
      long t0 = System.nanoTime();
      ChatResponse r = router.chat(ask());
      long took = millisSince(t0);
      assertThat(r.route().deploymentId()).as(fault.name()).isEqualTo("good");
      assertThat(took).as(fault + " took " + took + " ms").isLessThan((long) (DEADLINE_SECONDS * 1000) + SLACK_MILLIS);
    }
  }

  @Test
  void aDrippingStreamEndsAtTheDeadline() {
    try (Router router = router(Kind.DRIP_STREAM, true)) {
      long t0 = System.nanoTime();
      List<ChatChunk> got = new ArrayList<>();
      Throwable e;
      try (ChatStream s = router.stream(ask())) {
        e = catchThrowable(() -> {
          for (ChatChunk c; (c = s.next()) != null; ) got.add(c);
        });
      }
      long took = millisSince(t0);
      assertThat(got).isNotEmpty();
      assertThat(e).isInstanceOf(RequestTimeoutException.class).hasMessageContaining("deadline");
      assertThat(took).isBetween((long) (DEADLINE_SECONDS * 1000) - 100, (long) (DEADLINE_SECONDS * 1000) + SLACK_MILLIS);
    }
  }

  @Test
  void aStalledStreamFallsBack() {
    try (Router router = router(Kind.STALL, true); ChatStream s = router.stream(ask())) {
      assertThat(s.route().deploymentId()).isEqualTo("good");
    }
  }

  /**
   * 200 faulty requests (the fast faults, 16 at a time, a fresh router each so no cooldown keeps a call
   * from reaching the upstream), then every thread and socket is gone again: counted before and after,
   * with the shared client closed.
   */
  @Test
  void twoHundredFaultyRequestsLeaveNoThreadOrSocketBehind() throws Exception {
    // Warm up the JVM-wide pieces (OkHttp's task runner, Okio's watchdog) with a client of its own.
    try (OpenAiCompatibleClient warm = OpenAiCompatibleClient.builder().build(); FaultyUpstream up = FaultyUpstream.start()) {
      Router r = LlmRouter.builder(RouterConfig.builder()
          .deployment(DeploymentBuilder.of("main", "hosted_vllm/m").id("w").apiBase(up.baseUrl(Kind.OK))).build())
          .env(Env.of(Map.of())).providerClient(warm).build();
      r.chat(ask());
      r.close();
    }
    try (FaultyUpstream up = FaultyUpstream.start()) {
      Set<String> threadsBefore = threads();
      long socketsBefore = sockets();
      OpenAiCompatibleClient c = OpenAiCompatibleClient.builder().build();
      List<Kind> fast = List.of(Kind.GIANT_RETRY_AFTER, Kind.GIANT_RESET, Kind.NEGATIVE_HEADERS, Kind.HTML_ERROR, Kind.HTML_OK,
          Kind.NON_JSON, Kind.RESET, Kind.TRUNCATED);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      List<Future<String>> done = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Kind k = fast.get(i % fast.size());
        done.add(pool.submit(() -> {
          try (Router r = LlmRouter.builder(RouterConfig.builder()
              .deployment(DeploymentBuilder.of("main", "hosted_vllm/m").id("bad").apiBase(up.baseUrl(k))).numRetries(0).build())
              .env(Env.of(Map.of())).providerClient(c).build()) {
            r.chat(ask());
            return k + " served";
          } catch (LlmRouterException e) {
            return k + " " + cause(e).getClass().getSimpleName();
          }
        }));
      }
      for (Future<String> f : done) assertThat(f.get(60, TimeUnit.SECONDS)).doesNotContain("Exception: ");
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      long calls = fast.stream().mapToLong(up::requests).sum();
      assertThat(calls).isEqualTo(200);
      c.close();

      // Closing is asynchronous (sockets, pool threads): poll for the counts to come back, bounded.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < until && (up.openConnections() > 0 || sockets() > socketsBefore || !leaked(threadsBefore).isEmpty())) {
        Thread.sleep(50);
      }
      assertThat(up.openConnections()).as("upstream connections still open").isZero();
      assertThat(leaked(threadsBefore)).as("threads left behind").isEmpty();
      assertThat(sockets()).as("open sockets").isLessThanOrEqualTo(socketsBefore);
    }
  }

  /** Live threads by name and id, leaving out OkHttp's JVM-wide task runner (idle threads retire after 60 s). */
  private static Set<String> threads() {
    Set<String> out = new java.util.TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && !t.getName().startsWith("OkHttp TaskRunner")) out.add(t.getName() + "#" + t.getId());
    }
    return out;
  }

  private static Set<String> leaked(Set<String> before) {
    Set<String> now = threads();
    now.removeAll(before);
    return now;
  }

  /** Open sockets of this JVM (Linux: the socket entries of /proc/self/fd); -1 elsewhere. */
  private static long sockets() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) return -1;
    try (Stream<Path> s = Files.list(fds)) {
      return s.filter(p -> {
        try {
          return Files.readSymbolicLink(p).toString().startsWith("socket:");
        } catch (IOException e) {
          return false;
        }
      }).count();
    }
  }
}
