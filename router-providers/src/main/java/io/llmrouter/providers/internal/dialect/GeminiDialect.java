package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Google Gemini through its OpenAI-compatible endpoint ({@code gemini/}). Errors come as a JSON array
 * wrapping the Google RPC error ({@code [{"error":{code,message,status,details}}]}) or as the bare object;
 * a 429 carries no {@code Retry-After}, only {@code RetryInfo.retryDelay} ({@code "58s"}) and
 * {@code QuotaFailure} quota ids whose {@code PerDay}/{@code PerMinute} tell the window. An invalid key is a
 * 400 "API key not valid". Rejects {@code frequency_penalty}, {@code presence_penalty}, {@code seed},
 * {@code top_k}, {@code logit_bias}, {@code logprobs}, {@code n} and non-OpenAI keys. Model ids are listed
 * as {@code models/...}; the prefix is removed because calls name the bare id.
 */
public final class GeminiDialect extends Dialect {
  private static final List<String> NON_CHAT = List.of("embed", "aqa", "imagen", "veo", "tts", "native-audio", "-image",
      "live-", "lyria");

  /** Creates the dialect. */
  public GeminiDialect() {
    super("gemini", "https://generativelanguage.googleapis.com/v1beta/openai", List.of("GEMINI_API_KEY"), baseEnv("gemini"), true,
        Set.of("frequency_penalty", "presence_penalty", "seed", "top_k", "logit_bias", "logprobs", "top_logprobs", "n",
            "thinking", "reasoning", "max_new_tokens", "extra_body"));
  }

  @Override
  protected Kind kind(ErrorInput in, WireError w, int status) {
    String type = w.type() == null ? "" : w.type().toUpperCase(Locale.ROOT);
    if (type.equals("RESOURCE_EXHAUSTED")) return Kind.RATE_LIMIT;
    if (type.equals("UNAUTHENTICATED") || type.equals("PERMISSION_DENIED")) return Kind.AUTH;
    if (type.equals("DEADLINE_EXCEEDED")) return Kind.TIMEOUT;
    if (type.equals("UNAVAILABLE")) return Kind.UNAVAILABLE;
    return super.kind(in, w, status);
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    // The quota id is authoritative; the message text only as a fallback.
    RateScope fromQuota = scopeFromText(quotaIds(w));
    return fromQuota != RateScope.UNKNOWN ? fromQuota : super.rateScope(in, w, signal);
  }

  @Override
  protected String modelId(JsonNode item) {
    String id = WireError.text(item.get("id"));
    return id != null && id.startsWith("models/") ? id.substring("models/".length()) : id;
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    return !containsAny(id, NON_CHAT);
  }

  /**
   * Gemini's OpenAI endpoint ({@code /v1beta/openai/embeddings}, {@code gemini-embedding-001}) takes
   * {@code dimensions}; vectors are asked for as floats and encoded by the client when base64 was requested, and
   * {@code user} is removed with {@code drop_params}.
   */
  @Override
  public boolean embeddingsBase64() {
    return false;
  }

  @Override
  protected Set<String> embeddingRejectedParams() {
    return Set.of("user");
  }

  /** Gemini's OpenAI endpoint takes it; a missing usage chunk is tolerated (the estimate stays). */
  @Override
  protected boolean streamUsage() {
    return true;
  }
}
