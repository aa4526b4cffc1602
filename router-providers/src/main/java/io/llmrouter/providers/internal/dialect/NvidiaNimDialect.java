package io.llmrouter.providers.internal.dialect;

import io.llmrouter.api.ChatRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;

/**
 * NVIDIA NIM hosted catalog ({@code nvidia_nim/}, key in {@code NVIDIA_NIM_API_KEY}, not
 * {@code NVIDIA_API_KEY}). Errors are problem-JSON ({@code {"status":429,"title":"Too Many Requests"}},
 * 404 "Not found for account" for models the account cannot call); no rate headers and no retry hint. With
 * {@code drop_params} only LiteLLM's supported parameter set is sent. The catalog lists embedders,
 * rerankers, vision and safety models, filtered out with the guide's exclusion list. Its only known
 * limit is the trial's per-account requests per minute, so a 429 whose message names no other window is
 * a {@link RateScope#MINUTE} limit.
 */
public final class NvidiaNimDialect extends Dialect {
  private static final Set<String> SUPPORTED = Set.of("model", "messages", "stream", "temperature", "top_p",
      "frequency_penalty", "presence_penalty", "max_tokens", "stop", "seed", "tools", "tool_choice",
      "parallel_tool_calls", "response_format");
  private static final List<String> NON_CHAT = List.of("embed", "rerank", "whisper", "riva", "vision", "vlm", "ocr",
      "grounding", "segmentation", "classification", "guardrail", "reward", "bionemo", "fourcastnet", "proteina", "neva",
      "vila", "deplot", "fuyu", "kosmos", "nvclip", "parse", "detector", "chatqa", "starcoder", "recurrentgemma", "ising",
      "safety", "guard");

  private static final Set<String> EMBEDDING_SUPPORTED = Set.of("model", "input", "encoding_format", "dimensions", "user",
      "input_type", "truncate");

  /** Creates the dialect. */
  public NvidiaNimDialect() {
    super("nvidia_nim", "https://integrate.api.nvidia.com/v1", List.of("NVIDIA_NIM_API_KEY"), baseEnv("nvidia_nim"), true,
        Set.of("n", "logprobs", "top_logprobs", "logit_bias", "user", "stream_options"));
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    RateScope named = super.rateScope(in, w, signal);
    return named != RateScope.UNKNOWN ? named : RateScope.MINUTE;
  }

  @Override
  public void adaptRequest(ObjectNode body, boolean dropParams) {
    renameMaxCompletionTokens(body);
    if (!dropParams) return;
    List<String> names = new ArrayList<>();
    body.fieldNames().forEachRemaining(names::add);
    for (String n : names) {
      if (!SUPPORTED.contains(n)) body.remove(n);
    }
  }

  @Override
  public boolean adaptsRequest(ChatRequest request, boolean dropParams) {
    return dropParams || has(request, "max_completion_tokens");
  }

  /** Three probes at once, 40 rpm (the trial's limit); the catalog skips NIM's vision, retrieval and safety models. */
  @Override
  protected CatalogHints catalogHints() {
    return new CatalogHints(3, 40, 40, null, catalogWords("vision", "vila", "deplot", "kosmos", "neva", "paligemma", "fuyu",
        "nemoretriever", "nv-embed", "nvclip", "bge", "arctic-embed", "cosmos", "grounding-dino", "detector", "segment", "pii",
        "nemoguard", "content-safety", "topic-control", "jailbreak", "chatqa-1.5-8b-reward", "streampetr", "sparsedrive"), false);
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    return !containsAny(id, NON_CHAT);
  }

  /**
   * NIM's embedders take {@code input_type} ({@code query} or {@code passage}; required by the asymmetric
   * E5 and NV-Embed-QA models, refused by GTE and GTR) and {@code truncate} ({@code NONE}, {@code START},
   * {@code END}). Both pass through as the caller sent them: guessing {@code input_type} would break the
   * symmetric models and silently degrade retrieval on the others. With {@code drop_params} only those and
   * OpenAI's fields are sent.
   */
  @Override
  public void adaptEmbeddingRequest(ObjectNode body, boolean dropParams) {
    if (!dropParams) return;
    List<String> names = new ArrayList<>();
    body.fieldNames().forEachRemaining(names::add);
    for (String n : names) {
      if (!EMBEDDING_SUPPORTED.contains(n)) body.remove(n);
    }
  }
}
