package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Cloudflare Workers AI through its OpenAI-compatible path ({@code cloudflare/}, key in
 * {@code CLOUDFLARE_API_KEY}, or {@code CLOUDFLARE_API_TOKEN}). The default base URL holds a
 * {@code ${CLOUDFLARE_ACCOUNT_ID}} placeholder; without that variable a deployment must give {@code api_base}
 * (or {@code CLOUDFLARE_API_BASE}). Errors use the v4 envelope
 * ({@code {"success":false,"errors":[{"code":...,"message":...}]}}) whose internal code decides: 3036/4006
 * daily neuron allocation spent (resets 00:00 UTC), 3040 out of capacity, 5007/3042 no such model,
 * 5016/5018/3041 model not allowed for the account, 3006 too large, 3007 timeout, 7003/10000/3023
 * routing or account failures. Models are listed by {@code /ai/models/search}; chat models are those whose
 * task is "Text Generation".
 */
public final class CloudflareDialect extends Dialect {
  /** The account id is filled in by the router ({@code ProviderInfo.defaultApiBase(env)}); the dialect reads no environment. */
  static final String DEFAULT_BASE = "https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1";

  /** Creates the dialect. */
  public CloudflareDialect() {
    super("cloudflare", DEFAULT_BASE, List.of("CLOUDFLARE_API_KEY", "CLOUDFLARE_API_TOKEN"), baseEnv("cloudflare"), true, Set.of());
  }

  @Override
  public String modelsUrl(String apiBase) {
    return apiBase.endsWith("/ai/v1") ? apiBase.substring(0, apiBase.length() - 3) + "/models/search" : apiBase + "/models";
  }

  @Override
  protected Kind kind(ErrorInput in, WireError w, int status) {
    String code = w.code() == null ? "" : w.code();
    switch (code) {
      case "3036", "4006": return Kind.RATE_LIMIT;
      case "3040", "3008", "7009": return Kind.UNAVAILABLE;
      case "5007", "3042", "5016", "5018", "3041": return Kind.MODEL_NOT_FOUND;
      case "3006": return Kind.TOO_LARGE;
      case "3007": return Kind.TIMEOUT;
      case "7003", "10000", "3023": return Kind.AUTH;
      case "5004", "3003": return Kind.BAD_REQUEST;
      default: return super.kind(in, w, status);
    }
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    if ("3036".equals(w.code()) || "4006".equals(w.code())) return RateScope.DAY;
    return super.rateScope(in, w, signal);
  }

  @Override
  protected Instant resetAt(RateScope scope, RateSignal signal, Instant now) {
    Instant r = super.resetAt(scope, signal, now);
    // The daily neuron allocation returns at 00:00 UTC; Cloudflare sends no header saying so.
    return r == null && scope == RateScope.DAY ? nextUtcMidnight(now) : r;
  }

  @Override
  protected String modelId(JsonNode item) {
    String name = WireError.text(item.get("name"));
    return name != null ? name : WireError.text(item.get("id"));
  }

  @Override
  protected Integer contextWindow(JsonNode item) {
    for (JsonNode p : item.path("properties")) {
      if ("context_window".equals(p.path("property_id").asText())) return positiveInt(p.get("value"));
    }
    return super.contextWindow(item);
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    String task = item.path("task").path("name").asText("");
    return task.isEmpty() ? !containsAny(id, NON_CHAT_WORDS) : task.equalsIgnoreCase("Text Generation");
  }

  /**
   * Workers AI's OpenAI endpoint ({@code /ai/v1/embeddings}, {@code @cf/baai/bge-*}) returns floats only:
   * the client encodes base64 itself; {@code dimensions} and {@code user} are removed with {@code drop_params}.
   */
  @Override
  public boolean embeddingsBase64() {
    return false;
  }

  @Override
  protected Set<String> embeddingRejectedParams() {
    return Set.of("dimensions", "user");
  }
}
