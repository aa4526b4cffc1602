package io.llmrouter.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.Embedding;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.Json;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Router.embed} end to end through the real provider client and the simulator's embeddings endpoints
 * (NIM, Gemini, vLLM): the provider's own 429 moves the request to the fallback group, a malformed 200 is a
 * typed error that also falls back, base64 reaches the caller whatever the serving provider can do, and
 * NIM's {@code input_type} rule is the provider's, not the router's. Time is the simulator's virtual clock.
 */
class EmbeddingsOverSimulatorTest {
  static final String CONFIG = """
      model_list:
        - model_name: vectors
          litellm_params:
            model: nvidia_nim/e2e/embed-small
            api_key: os.environ/NVIDIA_NIM_API_KEY
          model_info: {mode: embedding}
        - model_name: vectors-backup
          litellm_params:
            model: gemini/text-embedding-004
            api_key: os.environ/GEMINI_API_KEY
          model_info: {mode: embedding}
        - model_name: local
          litellm_params:
            model: hosted_vllm/e2e/bge
          model_info: {mode: embedding}
        - model_name: qa
          litellm_params:
            model: nvidia_nim/nvidia/nv-embedqa-e5-v5
            api_key: os.environ/NVIDIA_NIM_API_KEY
          model_info: {mode: embedding}
        - model_name: qa-passages
          litellm_params:
            model: nvidia_nim/nvidia/nv-embedqa-e5-v5
            api_key: os.environ/NVIDIA_NIM_API_KEY
            input_type: passage
          model_info: {mode: embedding}
        - model_name: chat
          litellm_params:
            model: nvidia_nim/meta/llama-3.3-70b-instruct
            api_key: os.environ/NVIDIA_NIM_API_KEY
      router_settings:
        num_retries: 0
        fallbacks:
          - {"vectors": ["vectors-backup"]}
          - {"local": ["vectors-backup"]}
      """;

  VirtualClock clock;
  ProviderSimulator sim;
  OpenAiCompatibleClient client;
  Router router;

  @BeforeEach
  void start() {
    clock = VirtualClock.at(Instant.parse("2026-03-03T08:00:00Z"));
    sim = ProviderSimulator.builder().clock(clock).providers(SimProvider.NVIDIA_NIM, SimProvider.GEMINI, SimProvider.HOSTED_VLLM)
        .model(SimModel.builder(SimProvider.NVIDIA_NIM, "e2e/embed-small").kind(SimModel.Kind.EMBEDDING).contextWindow(512).rpm(2).build())
        .model(SimModel.builder(SimProvider.HOSTED_VLLM, "e2e/bge").kind(SimModel.Kind.EMBEDDING).contextWindow(512).build())
        .build().start();
    client = OpenAiCompatibleClient.builder().clock(clock).build();
    Env env = Env.of(sim.env());
    RouterConfig config = LiteLlmConfigReader.parse(CONFIG, env).config();
    router = LlmRouter.builder(config).env(env).clock(clock).sleeper(clock::sleep).providerClient(client).build();
  }

  @AfterEach
  void stop() {
    router.close();
    client.close();
    sim.close();
  }

  static EmbeddingRequest texts(String group, String... texts) {
    return EmbeddingRequest.builder().model(group).input(List.of(texts)).build();
  }

  @Test
  void servesOneVectorPerInputWithTheProvidersUsage() {
    EmbeddingResponse r = router.embed(texts("vectors", "alpha", "beta gamma"));
    assertThat(r.data()).hasSize(2).extracting(Embedding::index).containsExactly(0, 1);
    assertThat(r.data().get(0).vector()).hasSize(16);
    assertThat(r.data().get(0).vector()).isNotEqualTo(r.data().get(1).vector());
    assertThat(r.usage().promptTokens()).isEqualTo(2 + 3);
    assertThat(r.route().provider()).isEqualTo("nvidia_nim");
    assertThat(sim.events(SimProvider.NVIDIA_NIM, "e2e/embed-small")).singleElement()
        .satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SERVED));
  }

  @Test
  void theProvidersOwn429FallsBackAndTheMinuteLaterTheModelServesAgain() {
    router.embed(texts("vectors", "one"));
    router.embed(texts("vectors", "two"));
    // The simulated NIM allows 2 a minute; the router has no rpm of its own in this config.
    EmbeddingResponse third = router.embed(texts("vectors", "three"));
    assertThat(third.route().servedModelGroup()).isEqualTo("vectors-backup");
    assertThat(third.route().attempts()).extracting(Attempt::outcome).containsExactly(Attempt.Outcome.FAILED, Attempt.Outcome.SUCCESS);
    assertThat(third.route().attempts().get(0).status()).isEqualTo(429);
    assertThat(sim.events(SimProvider.NVIDIA_NIM, "e2e/embed-small")).extracting(SimEvent::outcome)
        .containsExactly(Outcome.SERVED, Outcome.SERVED, Outcome.RATE_LIMITED);
    // Within the minute the backup keeps serving (NIM's 429 carries no reset hint; the engine treats it as for chat).
    assertThat(router.embed(texts("vectors", "four")).route().servedModelGroup()).isEqualTo("vectors-backup");
    assertThat(sim.stats(SimProvider.GEMINI, "text-embedding-004").served()).isEqualTo(2);
    clock.advance(Duration.ofMinutes(2));
    assertThat(router.embed(texts("vectors", "five")).route().servedModelGroup()).isEqualTo("vectors");
  }

  @Test
  void aMalformedBodyIsATypedErrorAndFallsBack() {
    sim.failNext(SimProvider.HOSTED_VLLM, "e2e/bge", Fault.malformedBody(), 1);
    EmbeddingResponse r = router.embed(texts("local", "x"));
    assertThat(r.route().servedModelGroup()).isEqualTo("vectors-backup");
    assertThat(r.route().attempts().get(0).error()).contains("no data array");
    // Without a fallback the caller gets the typed error.
    sim.failNext(SimProvider.NVIDIA_NIM, "nvidia/nv-embedqa-e5-v5", Fault.malformedBody(), 1);
    assertThatThrownBy(() -> router.embed(texts("qa", "x").toBuilder().extra("input_type", Json.text("query")).build()))
        .isInstanceOfSatisfying(NoDeploymentAvailableException.class,
            e -> assertThat(e.getCause()).isInstanceOf(MalformedResponseException.class));
  }

  @Test
  void base64ReachesTheCallerFromProvidersWithAndWithoutIt() {
    EmbeddingRequest b64 = texts("local", "same text").toBuilder().encodingFormat("base64").build();
    Embedding fromVllm = router.embed(b64).data().get(0);
    assertThat(fromVllm.isBase64()).isTrue();
    // Gemini's endpoint answers floats: the client encodes them, and the same text gives the same vector.
    Embedding fromGemini = router.embed(b64.toBuilder().model("vectors-backup").build()).data().get(0);
    assertThat(fromGemini.isBase64()).isTrue();
    assertThat(fromGemini.vector()).containsExactly(fromVllm.vector());
    Embedding floats = router.embed(texts("local", "same text")).data().get(0);
    assertThat(floats.isBase64()).isFalse();
    assertThat(floats.vector()).containsExactly(fromVllm.vector());
  }

  @Test
  void nimsInputTypeRuleIsTheProvidersAndPassesThrough() {
    // A 400 is not retriable: the router ends with the provider's own error, as for chat.
    assertThatThrownBy(() -> router.embed(texts("qa", "what is x?"))).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("'input_type' parameter is required");
    EmbeddingResponse ok = router.embed(texts("qa", "what is x?").toBuilder().extra("input_type", Json.text("query")).build());
    assertThat(ok.data()).hasSize(1);
    // Or the deployment sets it in litellm_params, as LiteLLM forwards them, for clients that cannot send it.
    assertThat(router.embed(texts("qa-passages", "a passage to index")).data()).hasSize(1);
  }

  @Test
  void aChatModelGroupAndAChatOnlyProviderModelAreRefused() {
    // The chat group declares no mode, so the router tries it; the simulated NIM refuses a chat model.
    assertThatThrownBy(() -> router.embed(texts("chat", "x"))).isInstanceOf(BadRequestException.class)
        .hasMessageContaining("does not support embeddings");
    assertThat(sim.events(SimProvider.NVIDIA_NIM, "meta/llama-3.3-70b-instruct")).extracting(SimEvent::outcome)
        .containsExactly(Outcome.BAD_REQUEST);
  }

  @Test
  void rateLimitedWithoutFallbackIsTheProvidersError() {
    router.embed(texts("vectors", "1"));
    router.embed(texts("vectors", "2"));
    EmbeddingRequest noFallback = texts("vectors", "3").toBuilder().extra("disable_fallbacks", Json.mapper().getNodeFactory().booleanNode(true)).build();
    assertThatThrownBy(() -> router.embed(noFallback)).isInstanceOfSatisfying(NoDeploymentAvailableException.class,
        e -> assertThat(e.getCause()).isInstanceOf(RateLimitedException.class));
  }
}
