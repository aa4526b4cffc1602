package io.llmrouter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ScriptedProviderTest {
  static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");
  final TestClock clock = new TestClock(T0);
  final ScriptedProvider provider = new ScriptedProvider(clock);

  static ProviderCall call(String id, String provider, String model) {
    ChatRequest r = ChatRequest.builder().model("group").messages(ChatMessage.user("hi")).build();
    return new ProviderCall(Endpoint.of(id, provider, model, null, Secret.of("k")), r, Duration.ofSeconds(7), false);
  }

  static ProviderCall call(String id) {
    return call(id, "groq", "model-" + id);
  }

  static String text(ProviderResponse<ChatResponse> r) {
    return r.value().choices().get(0).message().text();
  }

  static ProviderUnavailableException down(String id) {
    return new ProviderUnavailableException("503 " + id, ScriptedProvider.errorContext(503, "groq", id));
  }

  @Test
  void unscriptedChatAnswersOkWithDefaultUsageAndRecordsTheCall() {
    clock.advance(Duration.ofMillis(1234));
    ProviderCall c = call("a");
    ProviderResponse<ChatResponse> r = provider.chat(c);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).isEmpty();
    assertThat(r.signal()).isEqualTo(RateSignal.none(T0.plusMillis(1234)));
    assertThat(text(r)).isEqualTo("hello from a");
    assertThat(r.value().model()).isEqualTo("model-a");
    assertThat(r.value().created()).isEqualTo(T0.getEpochSecond() + 1);
    assertThat(r.value().usage()).isEqualTo(ScriptedProvider.DEFAULT_USAGE);
    assertThat(r.value().usage().totalTokens()).isEqualTo(15);
    assertThat(provider.calls()).containsExactly(new ScriptedProvider.Call(c, T0.toEpochMilli() + 1234));
    assertThat(provider.calls().get(0).call().timeout()).isEqualTo(Duration.ofSeconds(7));
    assertThat(provider.calls().get(0).deploymentId()).isEqualTo("a");
  }

  @Test
  void queuedStepsAnswerInOrderThenTheStandingBehaviourThenTheDefault() {
    provider.fail("a", down("a")).then("a", c -> provider.ok(c, "second")).always("a", c -> provider.ok(c, "always"));
    assertThatThrownBy(() -> provider.chat(call("a"))).isInstanceOf(ProviderUnavailableException.class).hasMessage("503 a");
    assertThat(text(provider.chat(call("a")))).isEqualTo("second");
    assertThat(text(provider.chat(call("a")))).isEqualTo("always");
    assertThat(text(provider.chat(call("a")))).isEqualTo("always");
    assertThat(text(provider.chat(call("b")))).isEqualTo("hello from b");
    assertThat(provider.order()).containsExactly("a", "a", "a", "a", "b");
    assertThat(provider.callsTo("a")).isEqualTo(4);
    assertThat(provider.callsTo("groq")).isEqualTo(5);
  }

  @Test
  void aKeyMatchesTheDeploymentThenTheModelThenThePrefix() {
    provider.always("groq", c -> provider.ok(c, "by prefix"));
    provider.always("shared-model", c -> provider.ok(c, "by model"));
    provider.then("d1", c -> provider.ok(c, "by deployment"));
    assertThat(text(provider.chat(call("d1", "groq", "shared-model")))).isEqualTo("by deployment");
    // d1's queue is used up: the next most specific key answers
    assertThat(text(provider.chat(call("d1", "groq", "shared-model")))).isEqualTo("by model");
    assertThat(text(provider.chat(call("d2", "groq", "other")))).isEqualTo("by prefix");
    assertThat(text(provider.chat(call("d3", "openrouter", "other")))).isEqualTo("hello from d3");
    // a key with only a listing scripted does not capture chats
    provider.listing("d4", ScriptedProvider.chatModel("x"));
    assertThat(text(provider.chat(call("d4", "groq", "y")))).isEqualTo("by prefix");
  }

  @Test
  void fixedResponsesCarryStatusHeadersSignalAndUsage() {
    RateSignal signal = new RateSignal(new RateSignal.Window(100L, 0L, T0.plusSeconds(30), RateScope.DAY), null, null, T0);
    Usage usage = Usage.builder().promptTokens(1).completionTokens(2).totalTokens(3).build();
    ProviderCall c = call("a");
    provider.respond("a", provider.ok(c, "x", usage, 201, Map.of("x-ratelimit-remaining-requests", "0"), signal));
    ProviderResponse<ChatResponse> r = provider.chat(c);
    assertThat(r.status()).isEqualTo(201);
    assertThat(r.headers()).containsEntry("x-ratelimit-remaining-requests", "0");
    assertThat(r.signal()).isSameAs(signal);
    assertThat(r.value().usage()).isEqualTo(usage);
  }

  @Test
  void alwaysFailThrowsTheSameTypedExceptionEveryTime() {
    RateLimitedException e = new RateLimitedException("429", ScriptedProvider.errorContext(429, "groq", "a"), RateScope.MINUTE,
        Duration.ofSeconds(2), null);
    provider.alwaysFail("a", e);
    for (int i = 0; i < 3; i++) assertThatThrownBy(() -> provider.chat(call("a"))).isSameAs(e);
    assertThat(provider.calls()).hasSize(3);
  }

  @Test
  void latencyAdvancesTheClockBeforeTheAnswerAndCallsAreStampedAtTheirStart() {
    provider.latency(Duration.ofMillis(100)).latency("slow", Duration.ofMillis(900));
    provider.chat(call("a"));
    ProviderResponse<ChatResponse> slow = provider.chat(call("slow"));
    assertThat(clock.instant()).isEqualTo(T0.plusMillis(1000));
    assertThat(slow.signal().observedAt()).isEqualTo(T0.plusMillis(1000));
    assertThat(provider.calls()).extracting(ScriptedProvider.Call::atMillis)
        .containsExactly(T0.toEpochMilli(), T0.toEpochMilli() + 100);
    provider.stream(call("slow")).close();
    assertThat(clock.instant()).isEqualTo(T0.plusMillis(1900));
    provider.latency(null);
    provider.chat(call("a"));
    assertThat(clock.instant()).isEqualTo(T0.plusMillis(1900));
    assertThatThrownBy(() -> provider.latency(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unscriptedStreamSendsTwoChunksThenEnds() {
    try (ProviderStream s = provider.stream(call("a"))) {
      assertThat(s.status()).isEqualTo(200);
      assertThat(s.headers()).isEmpty();
      assertThat(s.signal()).isEqualTo(RateSignal.none(T0));
      assertThat(s.next().choices().get(0).delta().text()).isEqualTo("hi");
      assertThat(s.next().choices().get(0).delta().text()).isEqualTo(" there");
      assertThat(s.next()).isNull();
      assertThat(s.next()).isNull();
      assertThat(provider.openStreams()).isEqualTo(1);
    }
    assertThat(provider.openStreams()).isZero();
    assertThat(provider.streamCalls()).extracting(ScriptedProvider.Call::deploymentId).containsExactly("a");
    assertThat(provider.calls()).isEmpty();
  }

  @Test
  void streamsFailAtOpenOrAfterNChunksAndCloseIsIdempotent() {
    RequestTimeoutException stalled = new RequestTimeoutException("stalled", ScriptedProvider.errorContext(0, "groq", "a"));
    provider.failStream("a", down("a"))
        .stream("a", ScriptedProvider.StreamScript.of(ScriptedProvider.roleChunk(), ScriptedProvider.chunk("Hel"),
            ScriptedProvider.chunk("lo")).failingAfter(2, stalled).withHeaders(Map.of("x-ratelimit-remaining-requests", "5")))
        .alwaysStream("a", ScriptedProvider.StreamScript.of(ScriptedProvider.chunk("x")).failing(stalled).withStatus(206));

    assertThatThrownBy(() -> provider.stream(call("a"))).isInstanceOf(ProviderUnavailableException.class);
    assertThat(provider.openStreams()).isZero();

    ProviderStream s = provider.stream(call("a"));
    assertThat(s.headers()).containsEntry("x-ratelimit-remaining-requests", "5");
    assertThat(s.next().choices().get(0).delta().role()).isEqualTo("assistant");
    assertThat(s.next().choices().get(0).delta().text()).isEqualTo("Hel");
    assertThatThrownBy(s::next).isSameAs(stalled);
    assertThatThrownBy(s::next).isSameAs(stalled);
    s.close();
    s.close();
    assertThat(s.next()).isNull();
    assertThat(provider.openStreams()).isZero();

    try (ProviderStream t = provider.stream(call("a"))) {
      assertThat(t.status()).isEqualTo(206);
      assertThat(t.next().choices().get(0).delta().text()).isEqualTo("x");
      assertThatThrownBy(t::next).isSameAs(stalled);
    }
    assertThat(provider.streamCalls()).hasSize(3);
  }

  @Test
  void streamScriptRejectsAFailurePointBeyondItsChunks() {
    assertThatThrownBy(() -> ScriptedProvider.StreamScript.of(ScriptedProvider.chunk("a")).failingAfter(2, down("a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("failAfter");
  }

  @Test
  void defaultStreamAndOtherwiseReplaceTheDefaults() {
    provider.defaultStream(ScriptedProvider.StreamScript.of(List.of()))
        .otherwise(c -> provider.ok(c, "Hello", null, 200, Map.of(), null));
    try (ProviderStream s = provider.stream(call("a"))) {
      assertThat(s.next()).isNull();
    }
    ProviderResponse<ChatResponse> r = provider.chat(call("a"));
    assertThat(text(r)).isEqualTo("Hello");
    assertThat(r.value().usage()).isNull();
  }

  @Test
  void listModelsDefaultsToTheEndpointsModelAndIsScriptablePerPrefix() {
    Endpoint groq = Endpoint.of("d", "groq", "llama", null, null);
    Endpoint nim = Endpoint.of(null, "nvidia_nim", "meta/x", null, null);
    assertThat(provider.listModels(groq, Duration.ofSeconds(3)).value()).extracting(ModelListing::id).containsExactly("llama");

    provider.listing("groq", ScriptedProvider.chatModel("a"), new ModelListing("embed", null, false, null, null));
    provider.failListing("nvidia_nim", new ModelNotFoundException("nf", ScriptedProvider.errorContext(404, "nvidia_nim", null)));
    ProviderResponse<List<ModelListing>> r = provider.listModels(groq, Duration.ofSeconds(3));
    assertThat(r.value()).extracting(ModelListing::id).containsExactly("a", "embed");
    r.value().clear(); // a fresh mutable list each time
    assertThat(provider.listModels(groq, Duration.ofSeconds(3)).value()).hasSize(2);
    assertThatThrownBy(() -> provider.listModels(nim, Duration.ofSeconds(1))).isInstanceOf(ModelNotFoundException.class);

    assertThat(provider.listCalls()).extracting(ScriptedProvider.ListCall::endpoint).containsExactly(groq, groq, groq, nim);
    assertThat(provider.listCalls().get(3).timeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(provider.calls()).isEmpty();
  }

  @Test
  void infoComesFromTheTable() {
    assertThat(provider.prefixes()).containsExactlyInAnyOrder("groq", "nvidia_nim", "openrouter", "hosted_vllm");
    assertThat(provider.info("groq").defaultApiBase()).isEqualTo("https://api.groq.com/openai/v1");
    assertThat(provider.info("groq").keyRequired()).isTrue();
    assertThat(provider.info("hosted_vllm").defaultApiBase()).isNull();
    assertThatThrownBy(() -> provider.info("nope")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");

    ScriptedProvider custom = new ScriptedProvider(clock, List.of(ScriptedProvider.exampleInfo("groq")));
    assertThat(custom.prefixes()).containsExactly("groq");
    assertThat(custom.info("groq")).isEqualTo(
        new ProviderInfo("groq", "https://groq.example/v1", "GROQ_API_KEY", "GROQ_API_BASE", false, Set.of()));
    custom.putInfo(ScriptedProvider.exampleInfo("openrouter"));
    assertThat(custom.prefixes()).containsExactlyInAnyOrder("groq", "openrouter");
    assertThatThrownBy(() -> new ScriptedProvider(clock, List.of(ScriptedProvider.exampleInfo("a"), ScriptedProvider.exampleInfo("a"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
  }

  @Test
  void recordingCanBeTurnedOffAndRecordsCleared() {
    provider.chat(call("a"));
    provider.listModels(Endpoint.of("a", "groq", "m", null, null), Duration.ofSeconds(1));
    provider.clearCalls();
    assertThat(provider.calls()).isEmpty();
    assertThat(provider.listCalls()).isEmpty();
    provider.recordCalls(false);
    provider.chat(call("a"));
    provider.stream(call("a")).close();
    assertThat(provider.calls()).isEmpty();
    assertThat(provider.streamCalls()).isEmpty();
  }

  @Test
  void closeIsRecordedAndTheProviderStillAnswers() {
    assertThat(provider.isClosed()).isFalse();
    provider.close();
    assertThat(provider.isClosed()).isTrue();
    assertThat(text(provider.chat(call("a")))).isEqualTo("hello from a");
  }

  @Test
  void concurrentCallsEachTakeOneQueuedStepAndAreAllRecorded() throws Exception {
    int steps = 2_000;
    AtomicInteger served = new AtomicInteger();
    for (int i = 0; i < steps; i++) provider.then("a", c -> { served.incrementAndGet(); return provider.ok(c, "scripted"); });
    int threads = 4;
    int each = 1_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> all = new ArrayList<>();
    AtomicInteger scriptedAnswers = new AtomicInteger();
    for (int t = 0; t < threads; t++) {
      Thread th = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < each; i++) if (text(provider.chat(call("a"))).equals("scripted")) scriptedAnswers.incrementAndGet();
      });
      th.start();
      all.add(th);
    }
    start.countDown();
    for (Thread th : all) th.join();
    assertThat(served.get()).isEqualTo(steps);
    assertThat(scriptedAnswers.get()).isEqualTo(steps);
    assertThat(provider.calls()).hasSize(threads * each);
  }

  @Test
  void chunksAndErrorContextsLookLikeTheWire() {
    ChatChunk c = ScriptedProvider.chunk("hey");
    assertThat(c.object()).isEqualTo("chat.completion.chunk");
    assertThat(c.choices().get(0).delta().text()).isEqualTo("hey");
    assertThat(ScriptedProvider.roleChunk().choices().get(0).delta().text()).isNull();
    var ctx = ScriptedProvider.errorContext(429, "groq", "a");
    assertThat(ctx.status()).isEqualTo(429);
    assertThat(ctx.provider()).isEqualTo("groq");
    assertThat(ctx.deploymentId()).isEqualTo("a");
    assertThat(ctx.signal()).isNotNull();
    assertThat(ctx.body()).isNull();
    var withBody = ScriptedProvider.errorContext(404, "nvidia_nim", null, "Model not found for account");
    assertThat(withBody.status()).isEqualTo(404);
    assertThat(withBody.provider()).isEqualTo("nvidia_nim");
    assertThat(withBody.deploymentId()).isNull();
    assertThat(withBody.body()).isEqualTo("Model not found for account");
    assertThat(withBody.headers()).isEmpty();
    assertThat(withBody.signal()).isNotNull();
  }

  @Test
  void chatsBeingAnsweredAreCountedInFlightAndTheMostAtOnceIsKept() throws Exception {
    CountDownLatch arrived = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    provider.always("held", c -> {
      arrived.countDown();
      try {
        assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      return provider.ok(c);
    });
    provider.fail("a", down("a"));
    assertThatThrownBy(() -> provider.chat(call("a"))).isInstanceOf(ProviderUnavailableException.class);
    provider.chat(call("a"));
    assertThat(provider.inFlight()).isZero(); // a thrown answer leaves the count too
    assertThat(provider.maxInFlight()).isEqualTo(1);

    List<Thread> held = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      Thread t = new Thread(() -> provider.chat(call("held")));
      t.start();
      held.add(t);
    }
    assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(provider.inFlight()).isEqualTo(2);
    provider.chat(call("b")); // a third, while two are held
    assertThat(provider.maxInFlight()).isEqualTo(3);
    provider.clearCalls();
    assertThat(provider.maxInFlight()).isEqualTo(2); // restarts from what is in flight now
    release.countDown();
    for (Thread t : held) t.join(10_000);
    assertThat(provider.inFlight()).isZero();
    assertThat(provider.maxInFlight()).isEqualTo(2);

    provider.clearCalls();
    provider.recordCalls(false);
    provider.chat(call("a"));
    assertThat(provider.maxInFlight()).isZero(); // not counted with recording off
  }
}
