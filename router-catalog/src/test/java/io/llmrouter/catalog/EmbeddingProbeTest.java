package io.llmrouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Embedding;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.core.config.Env;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The catalog and {@code model_info.mode: embedding}: configured embedders are probed with one embedding
 * (never a chat), kept when it works, removed when the provider says the model is not found; chat
 * deployments keep the chat probe; listed embedders are never offered as new chat models.
 */
class EmbeddingProbeTest {
  static final String E5 = "nvidia/nv-embedqa-e5-v5";
  static final String CONFIG = """
      model_list:
        - model_name: "nvidia/llama-3.3-70b"
          litellm_params:
            model: "nvidia_nim/meta/llama-3.3-70b-instruct"
            api_key: "os.environ/NVIDIA_NIM_API_KEY"
        - model_name: "nvidia/embedqa-e5"
          litellm_params:
            model: "nvidia_nim/nvidia/nv-embedqa-e5-v5"
            api_key: "os.environ/NVIDIA_NIM_API_KEY"
            input_type: "query"
          model_info:
            mode: embedding
      router_settings:
        fallbacks:
          - {"nvidia/embedqa-e5": ["nvidia/llama-3.3-70b"]}
      """;

  final TestClock clock = new TestClock(Instant.parse("2025-01-06T08:00:00Z"));
  final ScriptedProvider chat = new ScriptedProvider(clock, List.of(OpenAiCompatibleClient.builtInInfo("nvidia_nim")));
  final Embeddings client = new Embeddings(chat);
  final FailureCache cache = FailureCache.inMemory();

  ModelCatalog catalog() {
    return ModelCatalog.builder(client).env(Env.of(Map.of("NVIDIA_NIM_API_KEY", "k"))).clock(clock).sleeper(clock::sleep)
        .cache(cache).build();
  }

  static ModelListing listed(String id, boolean chat) {
    return new ModelListing(id, 8192, chat, null, JsonNodeFactory.instance.objectNode());
  }

  void listNim() {
    // NIM lists embedders; the dialect marks them non-chat. One is mislabelled chat, as a dialect bug would.
    chat.listing("nvidia_nim", listed("meta/llama-3.3-70b-instruct", true), listed(E5, false),
        listed("nvidia/llama-3.2-nv-embedqa-1b-v2", true), listed("baai/bge-m3", false), listed("meta/llama-3.1-8b-instruct", true));
  }

  @Test
  void anEmbeddingDeploymentIsProbedWithOneEmbeddingWithItsParamsAndChatModelsWithChat() throws Exception {
    listNim();
    ProviderScan s = catalog().scan(ConfigDocument.parse(CONFIG), List.of("nvidia_nim")).get(0);

    assertThat(client.embedCalls).as("one embedding probe, of the configured embedder only").hasSize(1);
    EmbeddingCall probe = client.embedCalls.get(0);
    assertThat(probe.endpoint().model()).isEqualTo(E5);
    assertThat(probe.request().inputCount()).isEqualTo(1);
    assertThat(probe.request().input().asText()).isEqualTo("hi");
    assertThat(probe.request().extra()).as("the deployment's input_type goes with the probe, as with its traffic")
        .containsEntry("input_type", JsonNodeFactory.instance.textNode("query"));
    assertThat(chat.calls()).extracting(c -> c.endpoint().model())
        .as("chat probes for the configured chat model and the new chat model; never an embedder")
        .containsExactlyInAnyOrder("meta/llama-3.3-70b-instruct", "meta/llama-3.1-8b-instruct");
    assertThat(chat.calls()).allSatisfy(c -> assertThat(c.call().request().maxTokens()).isEqualTo(1));

    assertThat(s.failed()).isEmpty();
    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId, ProviderScan.WorkingModel::configured)
        .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("meta/llama-3.3-70b-instruct", true),
            org.assertj.core.groups.Tuple.tuple(E5, true), org.assertj.core.groups.Tuple.tuple("meta/llama-3.1-8b-instruct", false));

    CatalogPlan plan = CatalogPlan.forUpdate(ConfigDocument.parse(CONFIG), List.of(s), catalog(), null);
    plan.verify();
    assertThat(plan.removed()).isEmpty();
    assertThat(plan.added()).extracting(ModelEntryRenderer.Entry::litellmModel).containsExactly("nvidia_nim/meta/llama-3.1-8b-instruct");
    assertThat(plan.edit().text()).contains("model: \"nvidia_nim/nvidia/nv-embedqa-e5-v5\"", "- {\"nvidia/embedqa-e5\": [\"nvidia/llama-3.3-70b\"]}");
  }

  @Test
  void anEmbeddingDeploymentWhoseModelIsNotFoundIsRemovedAndItsChainPrunedWithoutTouchingTheCache() throws Exception {
    listNim();
    client.embedFailure.put(E5, new ModelNotFoundException("model not found",
        ScriptedProvider.errorContext(404, "nvidia_nim", null, "{\"status\":404,\"title\":\"Not Found\",\"detail\":\"Not found for account\"}")));
    ProviderScan s = catalog().scan(ConfigDocument.parse(CONFIG), List.of("nvidia_nim")).get(0);

    assertThat(s.failed()).containsExactly(E5);
    assertThat(s.probes()).filteredOn(o -> o.modelId().equals(E5)).singleElement()
        .satisfies(o -> assertThat(o.kind()).isEqualTo(ProbeOutcome.Kind.PERMANENT));
    assertThat(cache.contains("nvidia_nim", E5)).as("the cache holds chat verdicts only").isFalse();

    CatalogPlan plan = CatalogPlan.forUpdate(ConfigDocument.parse(CONFIG), List.of(s), catalog(), null);
    plan.verify();
    assertThat(plan.removed()).extracting(ConfigDocument.Deployment::modelName).containsExactly("nvidia/embedqa-e5");
    assertThat(plan.edit().text()).doesNotContain("nv-embedqa-e5-v5", "nvidia/embedqa-e5").contains("nvidia/llama-3.3-70b");
  }

  @Test
  void aRateLimitedEmbeddingProbeKeepsTheDeployment() throws Exception {
    listNim();
    client.embedFailure.put(E5, new RateLimitedException("slow down",
        ScriptedProvider.errorContext(429, "nvidia_nim", null, ""), RateScope.DAY, null, null));
    ProviderScan s = catalog().scan(ConfigDocument.parse(CONFIG), List.of("nvidia_nim")).get(0);
    assertThat(s.failed()).isEmpty();
    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).contains(E5);
  }

  @Test
  void aChatVerdictInTheFailureCacheNeitherSkipsNorRemovesAnEmbeddingDeployment() throws Exception {
    listNim();
    // A run from before the model was configured as an embedder probed it with a chat, which it refused.
    cache.record(new ProbeOutcome("nvidia_nim", E5, ProbeOutcome.Kind.PERMANENT, 404, "404: not a chat model", null), clock.instant());
    ProviderScan s = catalog().scan(ConfigDocument.parse(CONFIG), List.of("nvidia_nim")).get(0);

    assertThat(client.embedCalls).extracting(c -> c.endpoint().model()).containsExactly(E5);
    assertThat(s.failed()).isEmpty();
    assertThat(s.skippedCached()).isZero();
    assertThat(s.working()).extracting(ProviderScan.WorkingModel::modelId).contains(E5);
  }

  @Test
  void modeLessAndChatModeDeploymentsKeepTheChatProbe() throws Exception {
    chat.listing("nvidia_nim", listed("meta/llama-3.3-70b-instruct", true), listed("meta/llama-3.1-8b-instruct", true));
    String config = """
        model_list:
          - model_name: "a"
            litellm_params:
              model: "nvidia_nim/meta/llama-3.3-70b-instruct"
          - model_name: "b"
            litellm_params:
              model: "nvidia_nim/meta/llama-3.1-8b-instruct"
            model_info:
              mode: chat
        """;
    ProviderScan s = catalog().scan(ConfigDocument.parse(config), List.of("nvidia_nim")).get(0);
    assertThat(client.embedCalls).isEmpty();
    assertThat(chat.calls()).extracting(c -> c.endpoint().model())
        .containsExactlyInAnyOrder("meta/llama-3.3-70b-instruct", "meta/llama-3.1-8b-instruct");
    assertThat(s.working()).hasSize(2).allMatch(ProviderScan.WorkingModel::configured);
  }

  @Test
  void theShowBlockWritesAConfiguredEmbedderAsOneWithItsModeAndParams() throws Exception {
    listNim();
    ConfigDocument doc = ConfigDocument.parse(CONFIG);
    ProviderScan s = catalog().scan(doc, List.of("nvidia_nim")).get(0);
    String block = CatalogPlan.showBlock(doc, List.of(s), catalog(), null);

    String embedder = block.substring(block.indexOf("- model_name: \"nvidia/embedqa-e5\""));
    embedder = embedder.contains("\n  - ") ? embedder.substring(0, embedder.indexOf("\n  - ")) : embedder;
    assertThat(embedder).contains("model: \"nvidia_nim/nvidia/nv-embedqa-e5-v5\"", "input_type: \"query\"", "mode: \"embedding\"");
    String llama = block.substring(block.indexOf("- model_name: \"nvidia/llama-3.3-70b\""));
    llama = llama.substring(0, llama.indexOf("\n  - "));
    assertThat(llama).doesNotContain("mode:", "input_type");
    // the block is a model_list the router's own reader accepts, modes included
    assertThat(ConfigDocument.parse(block).deployments()).extracting(ConfigDocument.Deployment::modelName, ConfigDocument.Deployment::embedding)
        .contains(org.assertj.core.groups.Tuple.tuple("nvidia/embedqa-e5", true), org.assertj.core.groups.Tuple.tuple("nvidia/llama-3.3-70b", false));
  }

  @Test
  void theFallbackPlanDoesNotTakeAChatVerdictForADeadEmbedder() {
    ConfigDocument doc = ConfigDocument.parse(CONFIG);
    cache.record(new ProbeOutcome("nvidia_nim", E5, ProbeOutcome.Kind.PERMANENT, 404, "404: not a chat model", null), clock.instant());
    CatalogPlan plan = CatalogPlan.forFallbacks(doc, cache);
    assertThat(plan.report().stale()).doesNotContain("nvidia/embedqa-e5");
    assertThat(plan.finalNames()).contains("nvidia/embedqa-e5");
    assertThat(plan.changed()).isFalse();

    // a chat deployment in the cache still makes its group stale, and its chain goes
    cache.record(new ProbeOutcome("nvidia_nim", "meta/llama-3.3-70b-instruct", ProbeOutcome.Kind.PERMANENT, 404, "404", null), clock.instant());
    CatalogPlan chatDead = CatalogPlan.forFallbacks(doc, cache);
    assertThat(chatDead.report().stale()).containsExactly("nvidia/llama-3.3-70b");
    assertThat(chatDead.edit().text()).doesNotContain("{\"nvidia/embedqa-e5\": [\"nvidia/llama-3.3-70b\"]}");
  }

  @Test
  void aDeploymentWithAModeTheCatalogCannotProbeIsNeitherChatProbedNorRemovedWhileListed() throws Exception {
    String rerank = "nvidia/nv-rerankqa-mistral-4b-v3";
    chat.listing("nvidia_nim", listed("meta/llama-3.3-70b-instruct", true), listed(rerank, false));
    // the model_list part of CONFIG (its embedder is not listed here, so it is gone), plus two rerankers
    String config = CONFIG.substring(0, CONFIG.indexOf("router_settings:"))
        + """
          - model_name: "nvidia/rerank"
            litellm_params:
              model: "nvidia_nim/nvidia/nv-rerankqa-mistral-4b-v3"
            model_info:
              mode: rerank
          - model_name: "nvidia/rerank-gone"
            litellm_params:
              model: "nvidia_nim/nvidia/rerank-retired"
            model_info:
              mode: rerank
        """;
    ProviderScan s = catalog().scan(ConfigDocument.parse(config), List.of("nvidia_nim")).get(0);
    assertThat(chat.calls()).extracting(c -> c.endpoint().model()).containsExactly("meta/llama-3.3-70b-instruct");
    assertThat(client.embedCalls).isEmpty();
    assertThat(s.failed()).isEmpty();
    assertThat(s.gone()).as("a listing without it still takes it out").containsExactlyInAnyOrder(E5, "nvidia/rerank-retired");
    assertThat(s.notes()).singleElement().asString().contains("not probed, kept: " + rerank, "model_info.mode");
    CatalogPlan plan = CatalogPlan.forUpdate(ConfigDocument.parse(config), List.of(s), catalog(), null);
    assertThat(plan.removed()).extracting(ConfigDocument.Deployment::modelName).containsExactlyInAnyOrder("nvidia/embedqa-e5", "nvidia/rerank-gone");
  }

  @Test
  void theConfigDocumentReadsModeAndEmbeddingParams() {
    ConfigDocument.Deployment d = ConfigDocument.parse(CONFIG).deployments().get(1);
    assertThat(d.mode()).isEqualTo("embedding");
    assertThat(d.embedding()).isTrue();
    assertThat(d.embeddingParams()).containsOnlyKeys("input_type");
    ConfigDocument.Deployment c = ConfigDocument.parse(CONFIG).deployments().get(0);
    assertThat(c.mode()).isNull();
    assertThat(c.embedding()).isFalse();
    assertThat(c.embeddingParams()).isEmpty();
  }

  /** The scripted chat provider plus a recording embeddings endpoint: one 16-float vector per input, or a scripted failure. */
  static final class Embeddings implements ProviderClient {
    final ScriptedProvider chat;
    final List<EmbeddingCall> embedCalls = new CopyOnWriteArrayList<>();
    final Map<String, RuntimeException> embedFailure = new ConcurrentHashMap<>();

    Embeddings(ScriptedProvider chat) {
      this.chat = chat;
    }

    @Override
    public ProviderResponse<EmbeddingResponse> embed(EmbeddingCall call) {
      embedCalls.add(call);
      RuntimeException e = embedFailure.get(call.endpoint().model());
      if (e != null) throw e;
      EmbeddingResponse r = EmbeddingResponse.builder().model(call.endpoint().model())
          .data(List.of(Embedding.builder().index(0).vector(new float[16]).build())).build();
      return new ProviderResponse<>(r, 200, Map.of(), null);
    }

    @Override
    public Set<String> prefixes() {
      return chat.prefixes();
    }

    @Override
    public ProviderInfo info(String prefix) {
      return chat.info(prefix);
    }

    @Override
    public ProviderResponse<ChatResponse> chat(ProviderCall call) {
      return chat.chat(call);
    }

    @Override
    public ProviderStream stream(ProviderCall call) {
      return chat.stream(call);
    }

    @Override
    public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
      return chat.listModels(endpoint, timeout);
    }

    @Override
    public void close() {
      chat.close();
    }
  }
}
