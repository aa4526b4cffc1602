package io.llmrouter.testkit;

import static io.llmrouter.testkit.SimProvider.CEREBRAS;
import static io.llmrouter.testkit.SimProvider.GEMINI;
import static io.llmrouter.testkit.SimProvider.GROQ;
import static io.llmrouter.testkit.SimProvider.HOSTED_VLLM;
import static io.llmrouter.testkit.SimProvider.NVIDIA_NIM;
import static io.llmrouter.testkit.SimProvider.OPENROUTER;

import java.util.ArrayList;
import java.util.List;

/**
 * The models the simulator serves unless told otherwise: every model of the guide's LiteLLM config, with
 * the free-tier limits the guide and the providers' pages give, plus the non-chat, paid, decommissioned and
 * not-entitled entries real catalogs contain.
 *
 * <p>Thread-safety: stateless; returns fresh immutable values.
 */
public final class SimCatalog {
  private SimCatalog() {}

  /** The vLLM model served by default ({@code --served-model-name}); add others with {@code ProviderSimulator.Builder#model}. */
  public static final String DEFAULT_VLLM_MODEL = "Qwen/Qwen2.5-72B-Instruct";

  /** The default catalog of every provider. */
  public static List<SimModel> defaults() {
    List<SimModel> all = new ArrayList<>();
    all.addAll(groq());
    all.addAll(openRouter());
    all.addAll(nvidiaNim());
    all.addAll(vllm());
    all.addAll(cerebras());
    all.addAll(gemini());
    return List.copyOf(all);
  }

  /** Groq free tier (console.groq.com/docs/rate-limits as quoted by the guide). */
  public static List<SimModel> groq() {
    return List.of(
        groqChat("llama-3.3-70b-versatile", 30, 1_000, 12_000, 100_000, 32_768).ownedBy("Meta").build(),
        groqChat("llama-3.1-8b-instant", 30, 14_400, 6_000, 500_000, 131_072).ownedBy("Meta").build(),
        groqChat("meta-llama/llama-4-scout-17b-16e-instruct", 30, 1_000, 30_000, 500_000, 8_192).ownedBy("Meta").build(),
        groqChat("qwen/qwen3-32b", 60, 1_000, 6_000, 500_000, 40_960).ownedBy("Alibaba Cloud").build(),
        SimModel.builder(GROQ, "whisper-large-v3").kind(SimModel.Kind.SPEECH_TO_TEXT).contextWindow(448)
            .maxCompletionTokens(448).rpm(20).rpd(2_000).ownedBy("OpenAI").build(),
        SimModel.builder(GROQ, "meta-llama/llama-guard-4-12b").kind(SimModel.Kind.GUARD).maxCompletionTokens(1_024)
            .rpm(30).rpd(14_400).tpm(15_000).ownedBy("Meta").build(),
        SimModel.builder(GROQ, "deepseek-r1-distill-llama-70b").decommissioned(true).ownedBy("DeepSeek / Meta").build());
  }

  private static SimModel.Builder groqChat(String id, int rpm, int rpd, int tpm, int tpd, int maxCompletion) {
    return SimModel.builder(GROQ, id).contextWindow(131_072).maxCompletionTokens(maxCompletion)
        .rpm(rpm).rpd(rpd).tpm(tpm).tpd(tpd);
  }

  /**
   * OpenRouter: the guide's {@code :free} models (20 RPM each; the daily free cap is set on the simulator),
   * two without tool support, and three paid models for the pricing strings.
   */
  public static List<SimModel> openRouter() {
    List<SimModel> list = new ArrayList<>();
    Object[][] free = {
      {"nousresearch/hermes-3-llama-3.1-405b:free", 131_072, "Chutes", true},
      {"nvidia/nemotron-3-super-120b-a12b:free", 262_144, "Chutes", true},
      {"meta-llama/llama-3.3-70b-instruct:free", 65_536, "Venice", true},
      {"qwen/qwen3-next-80b-a3b-instruct:free", 262_144, "Venice", true},
      {"qwen/qwen3-coder:free", 262_144, "Chutes", true},
      {"openai/gpt-oss-120b:free", 131_072, "Chutes", true},
      {"openai/gpt-oss-20b:free", 131_072, "Chutes", true},
      {"deepseek/deepseek-r1:free", 65_536, "Chutes", true},
      {"minimax/minimax-m2.5:free", 196_608, "Chutes", true},
      {"nvidia/nemotron-3-nano-30b-a3b:free", 256_000, "Chutes", true},
      {"google/gemma-4-31b-it:free", 262_144, "Chutes", true},
      {"google/gemma-4-26b-a4b-it:free", 262_144, "Chutes", true},
      {"google/gemma-3-27b-it:free", 131_072, "Chutes", true},
      {"z-ai/glm-4.5-air:free", 131_072, "Chutes", true},
      {"tencent/hy3-preview:free", 262_144, "Chutes", true},
      {"inclusionai/ling-2.6-flash:free", 262_144, "Chutes", true},
      {"cognitivecomputations/dolphin-mistral-24b-venice-edition:free", 32_768, "Venice", false},
      {"nvidia/nemotron-nano-9b-v2:free", 128_000, "Chutes", true},
      {"meta-llama/llama-3.2-3b-instruct:free", 131_072, "Venice", false},
    };
    for (Object[] f : free) {
      list.add(SimModel.builder(OPENROUTER, (String) f[0]).contextWindow((Integer) f[1])
          .maxCompletionTokens(Math.min(16_384, (Integer) f[1] / 2)).rpm(20).rpd(200)
          .upstreamProvider((String) f[2]).supportsTools((Boolean) f[3]).build());
    }
    list.add(SimModel.builder(OPENROUTER, "openai/gpt-4o").contextWindow(128_000).maxCompletionTokens(16_384)
        .free(false).upstreamProvider("OpenAI").build());
    list.add(SimModel.builder(OPENROUTER, "anthropic/claude-3.5-sonnet").contextWindow(200_000).maxCompletionTokens(8_192)
        .free(false).upstreamProvider("Anthropic").build());
    list.add(SimModel.builder(OPENROUTER, "meta-llama/llama-3.3-70b-instruct").contextWindow(131_072).maxCompletionTokens(16_384)
        .free(false).upstreamProvider("DeepInfra").build());
    return List.copyOf(list);
  }

  /** NVIDIA NIM hosted: ~40 RPM per model, plus embedders, a guard model and a listed model the account cannot call. */
  public static List<SimModel> nvidiaNim() {
    return List.of(
        SimModel.builder(NVIDIA_NIM, "meta/llama-3.3-70b-instruct").rpm(40).maxCompletionTokens(4_096).build(),
        SimModel.builder(NVIDIA_NIM, "meta/llama-3.1-70b-instruct").rpm(40).maxCompletionTokens(4_096).build(),
        SimModel.builder(NVIDIA_NIM, "mistralai/mistral-nemo-12b-instruct").rpm(40).contextWindow(128_000)
            .maxCompletionTokens(4_096).build(),
        SimModel.builder(NVIDIA_NIM, "meta/llama-3.1-405b-instruct").rpm(40).entitled(false).build(),
        SimModel.builder(NVIDIA_NIM, "nvidia/nv-embedqa-e5-v5").kind(SimModel.Kind.EMBEDDING).contextWindow(512).build(),
        SimModel.builder(NVIDIA_NIM, "nvidia/llama-3.2-nv-embedqa-1b-v2").kind(SimModel.Kind.EMBEDDING).contextWindow(8_192).build(),
        SimModel.builder(NVIDIA_NIM, "nvidia/llama-3.1-nemoguard-8b-content-safety").kind(SimModel.Kind.GUARD).build());
  }

  /** A local vLLM serving one model with a 32K {@code max_model_len} and no limits. */
  public static List<SimModel> vllm() {
    return List.of(SimModel.builder(HOSTED_VLLM, DEFAULT_VLLM_MODEL).contextWindow(32_768).maxCompletionTokens(32_768)
        .ownedBy("vllm").build());
  }

  /** Cerebras free tier: 30 RPM, 14,400 RPD, 60-64K TPM, 1M TPD, short context windows. */
  public static List<SimModel> cerebras() {
    return List.of(
        SimModel.builder(CEREBRAS, "llama3.1-8b").contextWindow(8_192).maxCompletionTokens(8_192)
            .rpm(30).rpd(14_400).tpm(60_000).tpd(1_000_000).ownedBy("Meta").build(),
        SimModel.builder(CEREBRAS, "llama-3.3-70b").contextWindow(65_536).maxCompletionTokens(8_192)
            .rpm(30).rpd(14_400).tpm(64_000).tpd(1_000_000).ownedBy("Meta").build(),
        SimModel.builder(CEREBRAS, "qwen-3-32b").contextWindow(65_536).maxCompletionTokens(8_192)
            .rpm(30).rpd(14_400).tpm(64_000).tpd(1_000_000).ownedBy("Qwen").build());
  }

  /** Gemini free tier through the OpenAI-compatibility endpoint. */
  public static List<SimModel> gemini() {
    return List.of(
        SimModel.builder(GEMINI, "gemini-2.0-flash").contextWindow(1_048_576).maxCompletionTokens(8_192)
            .rpm(15).rpd(1_500).tpm(1_000_000).ownedBy("google").build(),
        SimModel.builder(GEMINI, "gemini-2.5-flash").contextWindow(1_048_576).maxCompletionTokens(65_536)
            .rpm(10).rpd(250).tpm(250_000).ownedBy("google").build(),
        SimModel.builder(GEMINI, "gemini-2.5-pro").contextWindow(1_048_576).maxCompletionTokens(65_536)
            .rpm(5).rpd(100).tpm(250_000).ownedBy("google").build(),
        SimModel.builder(GEMINI, "text-embedding-004").kind(SimModel.Kind.EMBEDDING).contextWindow(2_048)
            .ownedBy("google").build());
  }
}
