package io.llmrouter.catalog;

import io.llmrouter.api.spi.ModelListing;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The catalog's own, defensive chat-model filter: the guide's Appendix A exclusion lists by id pattern.
 *
 * <p>Layering: each provider dialect (router-providers) is the primary filter and marks every
 * {@link ModelListing} {@code chat} and, for priced providers, {@code free}. This class runs <em>after</em>
 * it and only ever removes more: a listing is kept when the dialect says chat, OpenRouter says free, and
 * no exclusion pattern below matches its id. That keeps a dialect bug (or a provider adding a new kind
 * of non-chat model the dialect does not know yet) from sending hundreds of pointless probes.
 * Stateless and thread-safe.
 */
public final class ChatModelFilter {

  /** Patterns excluded for every provider: embedders, rerankers, speech, guards, OCR, image generation. */
  private static final List<String> COMMON = List.of(
      "embed", "rerank", "whisper", "tts", "speech", "transcribe", "audio", "guard", "safety", "moderation",
      "ocr", "retriever", "parse", "stable-diffusion", "flux", "sdxl", "image-gen", "reward");

  /** Per-provider additions, as in the guide's table. */
  private static final Map<String, List<String>> EXTRA = Map.of(
      "groq", List.of("playai", "orpheus", "distil-whisper", "prompt-guard"),
      "nvidia_nim", List.of("vision", "vila", "deplot", "kosmos", "neva", "paligemma", "fuyu", "nemoretriever",
          "nv-embed", "nvclip", "bge", "arctic-embed", "cosmos", "grounding-dino", "detector", "segment", "pii", "nemoguard",
          "content-safety", "topic-control", "jailbreak", "chatqa-1.5-8b-reward", "streampetr", "sparsedrive"),
      "openrouter", List.of("vision-only", "-ocr", "lyria"));

  private ChatModelFilter() {}

  /**
   * Whether to probe this listing: the dialect marked it chat, an OpenRouter entry is free (both prices 0),
   * and no exclusion pattern matches.
   */
  public static boolean accept(String prefix, ModelListing listing) {
    if (!listing.chat()) return false;
    if ("openrouter".equals(prefix) && !Boolean.TRUE.equals(listing.free())) return false;
    return !isExcludedId(prefix, listing.id());
  }

  /** True when {@code id} matches one of the exclusion patterns for {@code prefix} (case-insensitive). */
  public static boolean isExcludedId(String prefix, String id) {
    // vLLM serves exactly what the operator started; the guide applies no filter there.
    if ("hosted_vllm".equals(prefix)) return false;
    String lower = id.toLowerCase(Locale.ROOT);
    for (String p : COMMON) if (lower.contains(p)) return true;
    for (String p : EXTRA.getOrDefault(prefix, List.of())) if (lower.contains(p)) return true;
    return false;
  }
}
