package io.llmrouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.core.config.Env;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {
  static final String CONFIG = """
      model_list:
        - model_name: "groq/llama-3.1-8b"
          litellm_params:
            model: "groq/llama-3.1-8b-instant"
            api_key: "os.environ/GROQ_API_KEY"
        - model_name: "groq/old"
          litellm_params:
            model: "groq/old-model"
            api_key: "os.environ/GROQ_API_KEY"
      """;

  final TestClock clock = new TestClock(Instant.parse("2025-01-06T08:00:00Z"));
  final List<ScriptedProvider> providers = new CopyOnWriteArrayList<>();
  final ScriptedProvider client = provider();
  final FailureCache cache = FailureCache.inMemory();

  /** A scripted provider whose prefixes carry what the real dialects declare (keys, bases, catalog hints). */
  ScriptedProvider provider() {
    ScriptedProvider p = new ScriptedProvider(clock, List.of(OpenAiCompatibleClient.builtInInfo("hosted_vllm"),
        OpenAiCompatibleClient.builtInInfo("groq"), OpenAiCompatibleClient.builtInInfo("nvidia_nim"),
        OpenAiCompatibleClient.builtInInfo("openrouter")));
    providers.add(p);
    return p;
  }

  ModelCatalog.Builder catalog(Map<String, String> env) {
    return ModelCatalog.builder(client).env(Env.of(env)).clock(clock).sleeper(clock::sleep).cache(cache);
  }

  /** Every probe asks for one token and the catalog never streams; checked before records are dropped and after each test. */
  static void assertProbesAreMinimal(ScriptedProvider p) {
    assertThat(p.calls()).allSatisfy(c -> assertThat(c.call().request().maxTokens()).as("probe must use max_tokens 1").isEqualTo(1));
    assertThat(p.streamCalls()).as("the catalog never streams").isEmpty();
  }

  @AfterEach
  void everyProbeWasMinimal() {
    providers.forEach(ModelCatalogTest::assertProbesAreMinimal);
  }

  void clearProbes() {
    assertProbesAreMinimal(client);
    client.clearCalls();
  }

  /**
   * A chat step that holds each call until {@code overlap} has counted down to zero (or 200 ms passed), so that
   * as many probes as the catalog allows really are in flight at once ({@link ScriptedProvider#maxInFlight()}).
   */
  static Function<ProviderCall, ProviderResponse<ChatResponse>> heldUntil(CountDownLatch overlap, ScriptedProvider p) {
    return call -> {
      overlap.countDown();
      try {
        overlap.await(200, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new io.llmrouter.api.ProviderException("interrupted", true, ctx(0, call.endpoint().provider(), null), e);
      }
      return p.ok(call);
    };
  }

  static ModelListing chat(String id) {
    return new ModelListing(id, 131072, true, null, JsonNodeFactory.instance.objectNode());
  }

  static ModelListing free(String id, boolean free) {
    return new ModelListing(id, 65536, true, free, JsonNodeFactory.instance.objectNode());
  }

  static ModelListing nonChat(String id) {
    return new ModelListing(id, null, false, null, JsonNodeFactory.instance.objectNode());
  }

  static ErrorContext ctx(int status, String provider, String body) {
    return ScriptedProvider.errorContext(status, provider, null, body);
  }

  @Test
  void probesConfiguredAndNewChatModelsAndMarksMissingConfiguredOnesGone() throws Exception {
    client.listing("groq", chat("llama-3.1-8b-instant"), chat("new-a"), chat("whisper-large-v3"), nonChat("some-embedder"));
    List<ProviderScan> scans = catalog(Map.of("GROQ_API_KEY", "k")).build().scan(ConfigDocument.parse(CONFIG), List.of("groq"));

    ProviderScan s = scans.get(0);
    assertThat(s.status()).isEqualTo(ProviderScan.Status.OK);
    // the configured model still listed is probed too (the guide's "probes every configured model"); the gone one is not
    assertThat(client.calls()).extracting(call -> call.endpoint().model()).containsExactlyInAnyOrder("llama-3.1-8b-instant", "new-a");
    assertThat(s.gone()).containsExactly("old-model");
    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).containsExactly("llama-3.1-8b-instant", "new-a");
    assertThat(s.keyRef()).isEqualTo("os.environ/GROQ_API_KEY");
    assertThat(client.listCalls().get(0).endpoint().apiBase()).isEqualTo("https://api.groq.com/openai/v1");
  }

  @Test
  void aConfiguredModelFailingPermanentlyIsFailedAndCachedARateLimitedOneStaysAndACachedOneIsNotProbed() throws Exception {
    String config = CONFIG + """
          - model_name: "groq/busy"
            litellm_params:
              model: "groq/busy-model"
              api_key: "os.environ/GROQ_API_KEY"
        """;
    client.listing("groq", chat("llama-3.1-8b-instant"), chat("old-model"), chat("busy-model"));
    client.alwaysFail("old-model", new ModelNotFoundException("gone", ctx(404, "groq",
        "{\"error\":{\"message\":\"The model `old-model` has been decommissioned\",\"code\":\"model_decommissioned\"}}")));
    client.alwaysFail("busy-model", new RateLimitedException("day", ctx(429, "groq", ""), RateScope.DAY, null, null));
    ModelCatalog c = catalog(Map.of("GROQ_API_KEY", "k")).build();

    ProviderScan s = c.scan(ConfigDocument.parse(config), List.of("groq")).get(0);
    assertThat(s.failed()).containsExactly("old-model");
    assertThat(s.gone()).isEmpty();
    assertThat(s.removable()).containsExactly("old-model");
    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).containsExactlyInAnyOrder("llama-3.1-8b-instant", "busy-model");
    assertThat(s.working()).allMatch(ProviderScan.WorkingModel::configured);
    assertThat(cache.contains("groq", "old-model")).isTrue();
    assertThat(cache.contains("groq", "busy-model")).as("a rate limit is never cached").isFalse();

    // next run: the cached configured model is not probed again, and still goes
    clearProbes();
    ProviderScan again = c.scan(ConfigDocument.parse(config), List.of("groq")).get(0);
    assertThat(client.calls()).extracting(call -> call.endpoint().model()).containsExactlyInAnyOrder("llama-3.1-8b-instant", "busy-model");
    assertThat(again.failed()).containsExactly("old-model");
    assertThat(again.skippedCached()).isEqualTo(1);
  }

  @Test
  void permanentFailuresAreCachedAndSkippedNextRunTransientOnesAreRetried() throws Exception {
    client.listing("nvidia_nim", chat("meta/gone"), chat("meta/busy"), chat("meta/fine"));
    client.alwaysFail("meta/gone", new ModelNotFoundException("nf", ctx(404, "nvidia_nim", "Model not found for account")));
    client.alwaysFail("meta/busy", new RateLimitedException("day", ctx(429, "nvidia_nim", ""), RateScope.DAY, null, null));
    ModelCatalog c = catalog(Map.of("NVIDIA_NIM_API_KEY", "k")).build();

    ProviderScan first = c.scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim")).get(0);
    assertThat(first.count(ProbeOutcome.Kind.PERMANENT)).isEqualTo(1);
    assertThat(first.count(ProbeOutcome.Kind.TRANSIENT)).isEqualTo(1);
    assertThat(cache.contains("nvidia_nim", "meta/gone")).isTrue();
    assertThat(cache.contains("nvidia_nim", "meta/busy")).isFalse();

    clearProbes();
    ProviderScan second = c.scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim")).get(0);
    assertThat(second.skippedCached()).isEqualTo(1);
    assertThat(client.calls()).extracting(call -> call.endpoint().model()).containsExactlyInAnyOrder("meta/busy", "meta/fine");

    clearProbes();
    client.always("meta/gone", client::ok);
    ProviderScan retest = catalog(Map.of("NVIDIA_NIM_API_KEY", "k")).retestFailed(true).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim")).get(0);
    assertThat(client.calls()).extracting(call -> call.endpoint().model()).contains("meta/gone");
    assertThat(retest.working()).extracting(ProviderScan.WorkingModel::modelId).contains("meta/gone");
    assertThat(cache.contains("nvidia_nim", "meta/gone")).isFalse();
  }

  @Test
  void concurrencyLimitIsNeverExceeded() throws Exception {
    List<ModelListing> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) many.add(chat("meta/m" + i));
    client.listing("nvidia_nim", many.toArray(ModelListing[]::new));
    client.always("nvidia_nim", heldUntil(new CountDownLatch(3), client));
    catalog(Map.of("NVIDIA_NIM_API_KEY", "k")).probeRpm("nvidia_nim", 0).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim"));
    assertThat(client.calls()).hasSize(20);
    assertThat(client.maxInFlight()).isEqualTo(3);

    ScriptedProvider other = provider();
    other.listing("groq", many.stream().map(m -> chat(m.id().replace("meta/", ""))).toArray(ModelListing[]::new));
    other.always("groq", heldUntil(new CountDownLatch(2), other));
    ModelCatalog.builder(other).env(Env.of(Map.of("GROQ_API_KEY", "k"))).clock(clock).sleeper(clock::sleep)
        .concurrency("groq", 2).probeRpm("groq", 0).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("groq"));
    assertThat(other.maxInFlight()).isEqualTo(2);
  }

  @Test
  void probesArePacedToTheProviderRpmAndA429HintIsHonoured() throws Exception {
    client.listing("openrouter", free("a:free", true), free("b:free", true), free("paid", false));
    client.fail("a:free", new RateLimitedException("slow", ctx(429, "openrouter", ""), RateScope.MINUTE, Duration.ofSeconds(7), null));
    ProviderScan s = catalog(Map.of("OPENROUTER_API_KEY", "k")).concurrency("openrouter", 1).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("openrouter")).get(0);

    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).containsExactlyInAnyOrder("a:free", "b:free");
    assertThat(client.calls()).extracting(call -> call.endpoint().model()).doesNotContain("paid");
    // 18 rpm => one start every 3333 ms; the 429 said 7 s, so the retry waited at least that long.
    assertThat(clock.sleeps()).contains(Duration.ofMillis(3333));
    assertThat(clock.sleeps().stream().anyMatch(d -> d.compareTo(Duration.ofSeconds(7)) >= 0)).isTrue();
    assertThat(clock.instant()).isAfterOrEqualTo(Instant.parse("2025-01-06T08:00:10Z"));
  }

  @Test
  void missingKeysSkipTheProviderNamingTheVariable() throws Exception {
    client.listing("groq", chat("x"));
    List<ProviderScan> scans = catalog(Map.of()).build()
        .scan(ConfigDocument.parse(CONFIG), List.of("groq", "nvidia_nim", "openrouter", "hosted_vllm", "gemini"));
    assertThat(scans).extracting(ProviderScan::status).containsExactly(ProviderScan.Status.MISSING_KEY,
        ProviderScan.Status.MISSING_KEY, ProviderScan.Status.MISSING_KEY, ProviderScan.Status.NO_BASE_URL,
        ProviderScan.Status.UNKNOWN_PROVIDER);
    assertThat(scans).extracting(ProviderScan::detail).startsWith("GROQ_API_KEY", "NVIDIA_NIM_API_KEY", "OPENROUTER_API_KEY");
    assertThat(client.listCalls()).isEmpty();
    assertThat(client.calls()).isEmpty();
  }

  @Test
  void aFailedOrEmptyListingMarksNothingGone() throws Exception {
    client.failListing("groq", new io.llmrouter.api.ProviderUnavailableException("down", ctx(503, "groq", "")));
    ProviderScan s = catalog(Map.of("GROQ_API_KEY", "k")).build().scan(ConfigDocument.parse(CONFIG), List.of("groq")).get(0);
    assertThat(s.status()).isEqualTo(ProviderScan.Status.LIST_FAILED);
    assertThat(s.gone()).isEmpty();

    client.listing("groq"); // lists nothing
    ProviderScan empty = catalog(Map.of("GROQ_API_KEY", "k")).build().scan(ConfigDocument.parse(CONFIG), List.of("groq")).get(0);
    assertThat(empty.status()).isEqualTo(ProviderScan.Status.LIST_FAILED);
  }

  @Test
  void vllmBaseFlagWinsAndGetsV1() throws Exception {
    client.listing("hosted_vllm", chat("Qwen/Qwen2.5-72B-Instruct"));
    ProviderScan s = catalog(Map.of()).vllmBase("http://192.168.1.100:8000").build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("hosted_vllm")).get(0);
    assertThat(client.listCalls().get(0).endpoint().apiBase()).isEqualTo("http://192.168.1.100:8000/v1");
    assertThat(s.apiBaseToWrite()).isEqualTo("http://192.168.1.100:8000/v1");
    assertThat(s.keyRef()).isEqualTo("none");
  }

  @Test
  void aKeyAliasIsFoundAndWrittenAsAReferenceToTheVariableThatIsSet() throws Exception {
    client.putInfo(OpenAiCompatibleClient.builtInInfo("huggingface"));
    client.listing("huggingface", chat("meta-llama/Llama-3.1-8B-Instruct"));
    ProviderScan s = catalog(Map.of("HF_TOKEN", "hf_secret_value", "HUGGINGFACE_API_BASE", "http://127.0.0.1:9/v1/")).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("huggingface")).get(0);
    assertThat(s.status()).isEqualTo(ProviderScan.Status.OK);
    assertThat(s.keyRef()).isEqualTo("os.environ/HF_TOKEN");
    assertThat(client.listCalls().get(0).endpoint().apiBase()).isEqualTo("http://127.0.0.1:9/v1");
    assertThat(client.listCalls().get(0).endpoint().apiKey().reveal()).isEqualTo("hf_secret_value");

    ProviderScan none = catalog(Map.of()).build().scan(ConfigDocument.parse("model_list: []\n"), List.of("huggingface")).get(0);
    assertThat(none.status()).isEqualTo(ProviderScan.Status.MISSING_KEY);
    assertThat(none.detail()).isEqualTo("HUGGINGFACE_API_KEY or HF_TOKEN");
  }

  @Test
  void probeSettingsAndTheIdFilterComeFromTheClientsCatalogHints() throws Exception {
    client.putInfo(new io.llmrouter.api.spi.ProviderInfo("acme", "http://127.0.0.1:9/v1", List.of("ACME_KEY"),
        List.of("ACME_API_BASE"), true, java.util.Set.of(),
        new io.llmrouter.api.spi.ProviderInfo.CatalogHints(1, 0, 7, null, List.of("sketch"), false)));
    client.listing("acme", chat("a"), chat("b"), chat("acme-sketch-1"));
    client.always("acme", heldUntil(new CountDownLatch(2), client));
    ModelCatalog c = catalog(Map.of("ACME_KEY", "k")).build();
    ProviderScan s = c.scan(ConfigDocument.parse("model_list: []\n"), List.of("acme")).get(0);
    assertThat(client.calls()).extracting(call -> call.endpoint().model()).containsExactlyInAnyOrder("a", "b");
    assertThat(client.maxInFlight()).isEqualTo(1);
    assertThat(c.profile("acme").entryRpm()).isEqualTo(7);
    assertThat(s.working()).hasSize(2);
  }
}
