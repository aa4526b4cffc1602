package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.util.List;
import java.util.Set;

/**
 * Hugging Face Inference Providers router ({@code huggingface/}, key in {@code HUGGINGFACE_API_KEY}, or
 * {@code HF_TOKEN}). No rate headers are documented; a 402 means the monthly included credits are spent
 * (a monthly quota, not a bad request); a 400 "not supported by any provider you have enabled" means the
 * model is unavailable to this account. Context windows are per serving provider; the listing's largest is
 * used.
 */
public final class HuggingFaceDialect extends Dialect {
  /** Creates the dialect. */
  public HuggingFaceDialect() {
    super("huggingface", "https://router.huggingface.co/v1", List.of("HUGGINGFACE_API_KEY", "HF_TOKEN"), baseEnv("huggingface"), true, Set.of());
  }

  @Override
  protected Kind kind(ErrorInput in, WireError w, int status) {
    if (status == 402) return Kind.RATE_LIMIT;
    return super.kind(in, w, status);
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    if (in.status() == 402 || w.searchText().contains("monthly")) return RateScope.MONTH;
    return super.rateScope(in, w, signal);
  }

  @Override
  protected Integer contextWindow(JsonNode item) {
    Integer best = super.contextWindow(item);
    for (JsonNode p : item.path("providers")) {
      Integer c = positiveInt(p.get("context_length"));
      if (c != null && (best == null || c > best)) best = c;
    }
    return best;
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    JsonNode out = item.path("architecture").path("output_modalities");
    if (out.isArray() && out.size() > 0) {
      boolean text = false;
      for (JsonNode m : out) text |= "text".equals(m.asText());
      if (!text) return false;
    }
    return !containsAny(id, NON_CHAT_WORDS);
  }

  /** Hugging Face's router serves no OpenAI-compatible embeddings endpoint: an embeddings call is refused before it is sent. */
  @Override
  public boolean offersEmbeddings() {
    return false;
  }
}
