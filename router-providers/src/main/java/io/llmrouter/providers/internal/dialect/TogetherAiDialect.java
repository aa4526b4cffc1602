package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import io.llmrouter.providers.internal.ratelimit.RateValues;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Together AI ({@code together_ai/}, key in {@code TOGETHERAI_API_KEY}). Limits are enforced per
 * <em>second</em>: {@code x-ratelimit-limit/-remaining/-reset} for requests and
 * {@code x-tokenlimit-limit/-remaining} for tokens. A 429 with {@code dynamic_request_limited} or
 * {@code dynamic_token_limited} is a per-second burst; a 503 is capacity. The model list is a bare array
 * with {@code type} ({@code chat} for chat models) and per-million-token pricing; free means zero input,
 * output and hourly price.
 */
public final class TogetherAiDialect extends Dialect {
  /** Creates the dialect. */
  public TogetherAiDialect() {
    super("together_ai", "https://api.together.xyz/v1", List.of("TOGETHERAI_API_KEY", "TOGETHER_AI_API_KEY", "TOGETHER_API_KEY"), baseEnv("together_ai"),
        true, Set.of());
  }

  @Override
  public RateSignal signal(Map<String, String> headers, Instant now) {
    RateSignal.Window req = RateHeaders.window(headers, "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", RateScope.SECOND, now);
    RateSignal.Window tok = RateHeaders.window(headers, "x-tokenlimit-limit", "x-tokenlimit-remaining", null, RateScope.SECOND, now);
    return new RateSignal(req, tok, RateValues.headerRetryHint(headers, now).orElse(null), now);
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    String text = w.searchText() + " " + WireError.text(w.root().get("error_type"));
    if (text.toLowerCase(Locale.ROOT).contains("dynamic_")) return RateScope.SECOND;
    return super.rateScope(in, w, signal);
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    String type = WireError.text(item.get("type"));
    if (type != null) return type.equalsIgnoreCase("chat");
    return !containsAny(id, NON_CHAT_WORDS);
  }

  @Override
  protected Boolean free(JsonNode item) {
    JsonNode p = item.get("pricing");
    if (p == null || !p.isObject()) return null;
    for (String f : new String[] {"input", "output", "hourly"}) {
      BigDecimal v = RateValues.number(WireError.text(p.get(f)));
      if (v != null && v.signum() != 0) return false;
    }
    return true;
  }

  /**
   * Together's {@code /v1/embeddings} returns floats only and has no {@code dimensions}: the client
   * encodes base64 itself; {@code dimensions} and {@code user} are removed with {@code drop_params}.
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
