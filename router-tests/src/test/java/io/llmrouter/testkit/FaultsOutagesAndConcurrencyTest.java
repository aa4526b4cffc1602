package io.llmrouter.testkit;

import static io.llmrouter.testkit.SimHttp.chat;
import static io.llmrouter.testkit.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Fault knobs, outages, determinism under a seed, and hundreds of concurrent clients. */
class FaultsOutagesAndConcurrencyTest {
  private static final String VLLM = SimCatalog.DEFAULT_VLLM_MODEL;
  private ProviderSimulator sim;

  @AfterEach
  void close() {
    if (sim != null) {
      sim.close();
    }
  }

  @Test
  void serverErrorsForTheNextNRequestsThenNormalService() {
    sim = ProviderSimulator.builder().build().start();
    sim.failNext(SimProvider.GROQ, "llama-3.1-8b-instant", Fault.serverError(503), 2);
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.3-70b-versatile", "hi")).status()).isEqualTo(200); // other model
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(503);
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(503);
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(200);
    ModelStats stats = sim.stats(SimProvider.GROQ, "llama-3.1-8b-instant");
    assertThat(stats.errors()).isEqualTo(2);
    assertThat(stats.served()).isEqualTo(1);
    assertThat(stats.requestsLastMinute()).isEqualTo(1); // faults do not spend quota
  }

  @Test
  void connectionResetSurfacesAsAnIoErrorAndStallTripsAClientTimeout() {
    sim = ProviderSimulator.builder().build().start();
    sim.failNext(SimProvider.HOSTED_VLLM, null, Fault.connectionReset(), 1);
    assertThatThrownBy(() -> post(sim, SimProvider.HOSTED_VLLM, chat(VLLM, "hi"))).isInstanceOf(UncheckedIOException.class);
    assertThat(sim.events().get(0).fault()).isEqualTo(Fault.Kind.CONNECTION_RESET);
    assertThat(post(sim, SimProvider.HOSTED_VLLM, chat(VLLM, "hi")).status()).isEqualTo(200);

    sim.failNext(SimProvider.HOSTED_VLLM, VLLM, Fault.stall(Duration.ofMillis(800)), 1);
    OkHttpClient impatient = SimHttp.CLIENT.newBuilder().readTimeout(Duration.ofMillis(200)).build();
    assertThatThrownBy(() -> SimHttp.post(impatient, sim.baseUrl(SimProvider.HOSTED_VLLM) + "/chat/completions", null, chat(VLLM, "hi")))
        .hasCauseInstanceOf(SocketTimeoutException.class);
  }

  @Test
  void midStreamErrorOnAPlainAnswerTruncatesTheBodyAtTheSocket() {
    sim = ProviderSimulator.builder().build().start();
    sim.failNext(SimProvider.GROQ, null, Fault.midStreamError(), 1);

    // The headers promise the whole body; half of it arrives, then the connection closes.
    assertThatThrownBy(() -> post(sim, SimProvider.GROQ, chat("llama-3.3-70b-versatile", "hi")))
        .isInstanceOf(UncheckedIOException.class);
    assertThat(sim.events()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.FAULT));
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.3-70b-versatile", "hi")).status()).isEqualTo(200);
  }

  @Test
  void midStreamErrorBreaksTheStreamInBandWithoutDone() {
    sim = ProviderSimulator.builder().build().start();
    sim.failNext(SimProvider.OPENROUTER, null, Fault.midStreamError(), 1);
    sim.failNext(SimProvider.GROQ, null, Fault.midStreamError(), 1);
    ObjectNode body = chat("openai/gpt-oss-20b:free", "a fairly long prompt so that the answer has several chunks to break");
    body.put("stream", true);
    SimHttp.Reply or = post(sim, SimProvider.OPENROUTER, body);
    assertThat(or.status()).isEqualTo(200);
    assertThat(or.body()).doesNotContain("[DONE]");
    var last = or.events().get(or.events().size() - 1);
    assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("error");
    assertThat(last.at("/error/code").asInt()).isEqualTo(502);
    body.put("model", "llama-3.3-70b-versatile");
    SimHttp.Reply groq = post(sim, SimProvider.GROQ, body);
    assertThat(groq.events().get(groq.events().size() - 1).has("error")).isTrue();
    assertThat(sim.events()).allMatch(e -> e.outcome() == Outcome.FAULT && e.admitted() && e.completionTokens() > 0);
  }

  @Test
  void openRouterUserNotFoundAndUpstream429() {
    sim = ProviderSimulator.builder().build().start();
    String model = "meta-llama/llama-3.3-70b-instruct:free";
    sim.failNext(SimProvider.OPENROUTER, model, Fault.userNotFound(), 1);
    sim.failNext(SimProvider.OPENROUTER, model, Fault.upstreamRateLimit(), 1);
    SimHttp.Reply unf = post(sim, SimProvider.OPENROUTER, chat(model, "hi"));
    assertThat(unf.status()).isEqualTo(401);
    assertThat(unf.json().toString()).isEqualTo("{\"error\":{\"message\":\"User not found.\",\"code\":401}}");
    SimHttp.Reply upstream = post(sim, SimProvider.OPENROUTER, chat(model, "hi"));
    assertThat(upstream.status()).isEqualTo(429);
    assertThat(upstream.json().at("/error/message").asText()).isEqualTo("Provider returned error");
    assertThat(upstream.json().at("/error/metadata/provider_name").asText()).isEqualTo("Venice");
    assertThat(upstream.json().at("/error/metadata/raw").asText()).contains("temporarily rate-limited upstream");
    assertThat(upstream.headers().get("X-RateLimit-Reset")).isNull(); // not a platform limit
    assertThat(post(sim, SimProvider.OPENROUTER, chat(model, "hi")).status()).isEqualTo(200);
    assertThatThrownBy(() -> sim.failNext(SimProvider.GROQ, null, Fault.userNotFound(), 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vllmOutageRefusesConnectionsThenComesBackOnTheSameUrl() {
    sim = ProviderSimulator.builder().build().start();
    String base = sim.baseUrl(SimProvider.HOSTED_VLLM);
    sim.takeDown(SimProvider.HOSTED_VLLM, Outage.REFUSE_CONNECTIONS);
    assertThatThrownBy(() -> post(sim, SimProvider.HOSTED_VLLM, chat(VLLM, "hi"))).hasRootCauseInstanceOf(ConnectException.class);
    sim.bringUp(SimProvider.HOSTED_VLLM);
    assertThat(sim.baseUrl(SimProvider.HOSTED_VLLM)).isEqualTo(base);
    assertThat(post(sim, SimProvider.HOSTED_VLLM, chat(VLLM, "hi")).status()).isEqualTo(200);

    sim.takeDown(SimProvider.HOSTED_VLLM, Outage.SERVICE_UNAVAILABLE);
    assertThat(post(sim, SimProvider.HOSTED_VLLM, chat(VLLM, "hi")).status()).isEqualTo(503);
    assertThat(SimHttp.get(sim, SimProvider.HOSTED_VLLM, "/models").status()).isEqualTo(503);
    sim.bringUp(SimProvider.HOSTED_VLLM);
    sim.takeDown(SimProvider.GROQ, "qwen/qwen3-32b");
    assertThat(post(sim, SimProvider.GROQ, chat("qwen/qwen3-32b", "hi")).status()).isEqualTo(503);
    assertThat(post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "hi")).status()).isEqualTo(200);
    sim.bringUp(SimProvider.GROQ, "qwen/qwen3-32b");
    assertThat(post(sim, SimProvider.GROQ, chat("qwen/qwen3-32b", "hi")).status()).isEqualTo(200);
  }

  private static List<String> run(long seed) {
    VirtualClock clock = VirtualClock.manual();
    List<String> out = new ArrayList<>();
    try (ProviderSimulator s = ProviderSimulator.builder().clock(clock).seed(seed)
        .latency(Duration.ofMillis(300), Duration.ofMillis(200))
        .failWithProbability(SimProvider.GROQ, null, Fault.serverError(500), 0.3)
        .build().start()) {
      for (int i = 0; i < 60; i++) {
        clock.advance(Duration.ofSeconds(1));
        SimHttp.Reply r = post(s, SimProvider.GROQ, chat("llama-3.3-70b-versatile", "q" + i));
        out.add(r.status() + " " + r.body());
      }
      s.events().forEach(e -> out.add(e.toString()));
    }
    return out;
  }

  @Test
  void theSameSeedRepeatsARunExactlyAndAnotherSeedDoesNot() {
    List<String> a = run(7);
    List<String> b = run(7);
    assertThat(a).isEqualTo(b);
    assertThat(a.stream().filter(s -> s.startsWith("500")).count()).isBetween(8L, 30L);
    assertThat(run(8)).isNotEqualTo(a);
  }

  @Test
  void hundredsOfConcurrentRequestsAreAllAnswered() throws Exception {
    sim = ProviderSimulator.builder().build().start();
    ExecutorService pool = Executors.newFixedThreadPool(200);
    try {
      List<Future<Integer>> futures = new ArrayList<>();
      for (int i = 0; i < 600; i++) {
        int n = i;
        futures.add(pool.submit(() -> n % 2 == 0
            ? post(sim, SimProvider.HOSTED_VLLM, chat(VLLM, "parallel " + n)).status()
            : post(sim, SimProvider.GROQ, chat("llama-3.1-8b-instant", "parallel " + n)).status()));
      }
      int ok = 0;
      int limited = 0;
      for (Future<Integer> f : futures) {
        int status = f.get();
        if (status == 200) {
          ok++;
        } else if (status == 429) {
          limited++;
        }
      }
      assertThat(ok + limited).isEqualTo(600);
      assertThat(limited).isEqualTo(300 - 30); // the clock stands still: exactly Groq's 30 RPM are served
      assertThat(sim.requestCount()).isEqualTo(600);
      assertThat(sim.stats(SimProvider.HOSTED_VLLM, VLLM).served()).isEqualTo(300);
    } finally {
      pool.shutdownNow();
    }
  }
}
