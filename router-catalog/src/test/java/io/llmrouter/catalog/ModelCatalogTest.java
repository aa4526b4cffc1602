package io.llmrouter.catalog;

import static io.llmrouter.catalog.FakeProviderClient.chat;
import static io.llmrouter.catalog.FakeProviderClient.ctx;
import static io.llmrouter.catalog.FakeProviderClient.free;
import static io.llmrouter.catalog.FakeProviderClient.nonChat;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.core.config.Env;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
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
  final FakeProviderClient client = new FakeProviderClient();
  final FailureCache cache = FailureCache.inMemory();

  ModelCatalog.Builder catalog(Map<String, String> env) {
    return ModelCatalog.builder(client).env(Env.of(env)).clock(clock).sleeper(clock.sleeper()).cache(cache);
  }

  @Test
  void probesOnlyNewChatModelsAndMarksMissingConfiguredOnesGone() throws Exception {
    client.list("groq", chat("llama-3.1-8b-instant"), chat("new-a"), chat("whisper-large-v3"), nonChat("some-embedder"));
    List<ProviderScan> scans = catalog(Map.of("GROQ_API_KEY", "k")).build().scan(ConfigDocument.parse(CONFIG), List.of("groq"));

    ProviderScan s = scans.get(0);
    assertThat(s.status()).isEqualTo(ProviderScan.Status.OK);
    assertThat(client.probed).extracting(e -> e.model()).containsExactly("new-a");
    assertThat(s.gone()).containsExactly("old-model");
    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).containsExactly("llama-3.1-8b-instant", "new-a");
    assertThat(s.keyRef()).isEqualTo("os.environ/GROQ_API_KEY");
    assertThat(client.listed.get(0).apiBase()).isEqualTo("https://api.groq.com/openai/v1");
  }

  @Test
  void permanentFailuresAreCachedAndSkippedNextRunTransientOnesAreRetried() throws Exception {
    client.list("nvidia_nim", chat("meta/gone"), chat("meta/busy"), chat("meta/fine"));
    client.behaviour.put("meta/gone", n -> new ModelNotFoundException("nf", ctx(404, "nvidia_nim", "Model not found for account")));
    client.behaviour.put("meta/busy", n -> new RateLimitedException("day", ctx(429, "nvidia_nim", ""), RateScope.DAY, null, null));
    ModelCatalog c = catalog(Map.of("NVIDIA_NIM_API_KEY", "k")).build();

    ProviderScan first = c.scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim")).get(0);
    assertThat(first.count(ProbeOutcome.Kind.PERMANENT)).isEqualTo(1);
    assertThat(first.count(ProbeOutcome.Kind.TRANSIENT)).isEqualTo(1);
    assertThat(cache.contains("nvidia_nim", "meta/gone")).isTrue();
    assertThat(cache.contains("nvidia_nim", "meta/busy")).isFalse();

    client.probed.clear();
    ProviderScan second = c.scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim")).get(0);
    assertThat(second.skippedCached()).isEqualTo(1);
    assertThat(client.probed).extracting(e -> e.model()).containsExactlyInAnyOrder("meta/busy", "meta/fine");

    client.probed.clear();
    client.behaviour.remove("meta/gone");
    ProviderScan retest = catalog(Map.of("NVIDIA_NIM_API_KEY", "k")).retestFailed(true).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim")).get(0);
    assertThat(client.probed).extracting(e -> e.model()).contains("meta/gone");
    assertThat(retest.working()).extracting(ProviderScan.WorkingModel::modelId).contains("meta/gone");
    assertThat(cache.contains("nvidia_nim", "meta/gone")).isFalse();
  }

  @Test
  void concurrencyLimitIsNeverExceeded() throws Exception {
    List<ModelListing> many = new ArrayList<>();
    for (int i = 0; i < 20; i++) many.add(chat("meta/m" + i));
    client.list("nvidia_nim", many.toArray(ModelListing[]::new));
    client.overlap = new CountDownLatch(3);
    catalog(Map.of("NVIDIA_NIM_API_KEY", "k")).probeRpm("nvidia_nim", 0).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("nvidia_nim"));
    assertThat(client.probed).hasSize(20);
    assertThat(client.maxInFlight.get()).isEqualTo(3);

    FakeProviderClient other = new FakeProviderClient();
    other.list("groq", many.stream().map(m -> chat(m.id().replace("meta/", ""))).toArray(ModelListing[]::new));
    other.overlap = new CountDownLatch(2);
    ModelCatalog.builder(other).env(Env.of(Map.of("GROQ_API_KEY", "k"))).clock(clock).sleeper(clock.sleeper())
        .concurrency("groq", 2).probeRpm("groq", 0).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("groq"));
    assertThat(other.maxInFlight.get()).isEqualTo(2);
  }

  @Test
  void probesArePacedToTheProviderRpmAndA429HintIsHonoured() throws Exception {
    client.list("openrouter", free("a:free", true), free("b:free", true), free("paid", false));
    client.behaviour.put("a:free", n -> n == 0
        ? new RateLimitedException("slow", ctx(429, "openrouter", ""), RateScope.MINUTE, Duration.ofSeconds(7), null) : null);
    ProviderScan s = catalog(Map.of("OPENROUTER_API_KEY", "k")).concurrency("openrouter", 1).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("openrouter")).get(0);

    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).containsExactlyInAnyOrder("a:free", "b:free");
    assertThat(client.probed).extracting(e -> e.model()).doesNotContain("paid");
    // 18 rpm => one start every 3333 ms; the 429 said 7 s, so the retry waited at least that long.
    assertThat(clock.sleeps).contains(Duration.ofMillis(3333));
    assertThat(clock.sleeps.stream().anyMatch(d -> d.compareTo(Duration.ofSeconds(7)) >= 0)).isTrue();
    assertThat(clock.instant()).isAfterOrEqualTo(Instant.parse("2025-01-06T08:00:10Z"));
  }

  @Test
  void missingKeysSkipTheProviderNamingTheVariable() throws Exception {
    client.list("groq", chat("x"));
    List<ProviderScan> scans = catalog(Map.of()).build()
        .scan(ConfigDocument.parse(CONFIG), List.of("groq", "nvidia_nim", "openrouter", "hosted_vllm", "gemini"));
    assertThat(scans).extracting(ProviderScan::status).containsExactly(ProviderScan.Status.MISSING_KEY,
        ProviderScan.Status.MISSING_KEY, ProviderScan.Status.MISSING_KEY, ProviderScan.Status.NO_BASE_URL,
        ProviderScan.Status.UNKNOWN_PROVIDER);
    assertThat(scans).extracting(ProviderScan::detail).startsWith("GROQ_API_KEY", "NVIDIA_NIM_API_KEY", "OPENROUTER_API_KEY");
    assertThat(client.listed).isEmpty();
    assertThat(client.probed).isEmpty();
  }

  @Test
  void aFailedOrEmptyListingMarksNothingGone() throws Exception {
    client.listFailures.put("groq", new io.llmrouter.api.ProviderUnavailableException("down", ctx(503, "groq", "")));
    ProviderScan s = catalog(Map.of("GROQ_API_KEY", "k")).build().scan(ConfigDocument.parse(CONFIG), List.of("groq")).get(0);
    assertThat(s.status()).isEqualTo(ProviderScan.Status.LIST_FAILED);
    assertThat(s.gone()).isEmpty();

    client.listFailures.clear();
    ProviderScan empty = catalog(Map.of("GROQ_API_KEY", "k")).build().scan(ConfigDocument.parse(CONFIG), List.of("groq")).get(0);
    assertThat(empty.status()).isEqualTo(ProviderScan.Status.LIST_FAILED);
  }

  @Test
  void vllmBaseFlagWinsAndGetsV1() throws Exception {
    client.list("hosted_vllm", chat("Qwen/Qwen2.5-72B-Instruct"));
    ProviderScan s = catalog(Map.of()).vllmBase("http://192.168.1.100:8000").build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("hosted_vllm")).get(0);
    assertThat(client.listed.get(0).apiBase()).isEqualTo("http://192.168.1.100:8000/v1");
    assertThat(s.apiBaseToWrite()).isEqualTo("http://192.168.1.100:8000/v1");
    assertThat(s.keyRef()).isEqualTo("none");
  }

  @Test
  void aKeyAliasIsFoundAndWrittenAsAReferenceToTheVariableThatIsSet() throws Exception {
    client.info.put("huggingface", io.llmrouter.providers.OpenAiCompatibleClient.builtInInfo("huggingface"));
    client.list("huggingface", chat("meta-llama/Llama-3.1-8B-Instruct"));
    ProviderScan s = catalog(Map.of("HF_TOKEN", "hf_secret_value", "HUGGINGFACE_API_BASE", "http://127.0.0.1:9/v1/")).build()
        .scan(ConfigDocument.parse("model_list: []\n"), List.of("huggingface")).get(0);
    assertThat(s.status()).isEqualTo(ProviderScan.Status.OK);
    assertThat(s.keyRef()).isEqualTo("os.environ/HF_TOKEN");
    assertThat(client.listed.get(0).apiBase()).isEqualTo("http://127.0.0.1:9/v1");
    assertThat(client.listed.get(0).apiKey().reveal()).isEqualTo("hf_secret_value");

    ProviderScan none = catalog(Map.of()).build().scan(ConfigDocument.parse("model_list: []\n"), List.of("huggingface")).get(0);
    assertThat(none.status()).isEqualTo(ProviderScan.Status.MISSING_KEY);
    assertThat(none.detail()).isEqualTo("HUGGINGFACE_API_KEY or HF_TOKEN");
  }

  @Test
  void probeSettingsAndTheIdFilterComeFromTheClientsCatalogHints() throws Exception {
    client.info.put("acme", new io.llmrouter.api.spi.ProviderInfo("acme", "http://127.0.0.1:9/v1", List.of("ACME_KEY"),
        List.of("ACME_API_BASE"), true, java.util.Set.of(),
        new io.llmrouter.api.spi.ProviderInfo.CatalogHints(1, 0, 7, null, List.of("sketch"), false)));
    client.list("acme", chat("a"), chat("b"), chat("acme-sketch-1"));
    client.overlap = new CountDownLatch(2);
    ModelCatalog c = catalog(Map.of("ACME_KEY", "k")).build();
    ProviderScan s = c.scan(ConfigDocument.parse("model_list: []\n"), List.of("acme")).get(0);
    assertThat(client.probed).extracting(e -> e.model()).containsExactlyInAnyOrder("a", "b");
    assertThat(client.maxInFlight.get()).isEqualTo(1);
    assertThat(c.profile("acme").entryRpm()).isEqualTo(7);
    assertThat(s.working()).hasSize(2);
  }
}
