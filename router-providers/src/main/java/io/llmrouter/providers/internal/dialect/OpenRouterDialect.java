package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import io.llmrouter.providers.internal.ratelimit.RateValues;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;

/**
 * OpenRouter ({@code openrouter/}). Rate headers ({@code X-RateLimit-Limit/-Remaining/-Reset}, the reset in
 * epoch milliseconds) appear only on its own 429s and are copied into {@code error.metadata.headers};
 * a reset at 00:00 UTC is the daily free-model cap. Upstream failures come wrapped as "Provider returned
 * error" with {@code metadata.raw}, {@code provider_name} and {@code retry_after_seconds(_raw)}; the typed
 * {@code metadata.error_type} vocabulary is honoured. A 401 "User not found" is read as a rate limit only
 * when the body or headers show an upstream 429 or rate limit, otherwise as an authentication failure.
 * Errors can arrive with HTTP 200 (in the body or as a stream event with {@code finish_reason:"error"}).
 * Free models are those priced {@code "0"} for both prompt and completion.
 */
public final class OpenRouterDialect extends Dialect {
  private static final List<String> NON_CHAT = List.of("lyria", "ocr", "clip", "vl-");
  private static final Pattern RATE_EVIDENCE = Pattern.compile("rate.?limit|429|too many requests|retry shortly");

  /** Creates the dialect. */
  public OpenRouterDialect() {
    super("openrouter", "https://openrouter.ai/api/v1", List.of("OPENROUTER_API_KEY"), baseEnv("openrouter"), true, Set.of());
  }

  @Override
  public RateSignal signal(Map<String, String> headers, Instant now) {
    RateSignal.Window w = RateHeaders.window(headers, "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
        RateScope.UNKNOWN, now);
    if (w != null && w.resetAt() != null) w = new RateSignal.Window(w.limit(), w.remaining(), w.resetAt(), scopeOfReset(w.resetAt(), now));
    return new RateSignal(w, null, RateValues.headerRetryHint(headers, now).orElse(null), now);
  }

  /** Daily free limits reset at 00:00 UTC, per-minute ones at the next minute boundary. */
  private static RateScope scopeOfReset(Instant reset, Instant now) {
    var t = reset.atZone(ZoneOffset.UTC);
    if (t.getHour() == 0 && t.getMinute() == 0 && t.getSecond() == 0 && t.getNano() == 0) return RateScope.DAY;
    if (t.getSecond() == 0 && t.getNano() == 0 && reset.isAfter(now) && !reset.isAfter(now.plusSeconds(60))) return RateScope.MINUTE;
    return RateScope.UNKNOWN;
  }

  @Override
  protected Kind kind(ErrorInput in, WireError w, int status) {
    String text = w.searchText();
    JsonNode md = w.metadata();
    String errorType = WireError.text(md.get("error_type"));
    if (status == 401 && !rateEvidence(in, w)) return Kind.AUTH;
    if (status == 401) return Kind.RATE_LIMIT;
    if (errorType != null) {
      switch (errorType.toLowerCase(Locale.ROOT)) {
        case "context_length_exceeded", "max_tokens_exceeded", "token_limit_exceeded": return Kind.CONTEXT_WINDOW;
        case "rate_limit_exceeded", "payment_required": return Kind.RATE_LIMIT;
        case "authentication", "permission_denied": return Kind.AUTH;
        case "content_policy_violation", "refusal": return Kind.CONTENT_POLICY;
        case "not_found": return Kind.MODEL_NOT_FOUND;
        case "payload_too_large": return Kind.TOO_LARGE;
        case "provider_overloaded", "provider_unavailable", "server", "unmapped": return Kind.UNAVAILABLE;
        case "timeout": return Kind.TIMEOUT;
        case "invalid_request", "invalid_prompt", "string_too_long", "unprocessable": return Kind.BAD_REQUEST;
        default: break;
      }
    }
    if (status == 400 && text.contains("is not a valid model id")) return Kind.MODEL_NOT_FOUND;
    return super.kind(in, w, status);
  }

  private static boolean rateEvidence(ErrorInput in, WireError w) {
    JsonNode md = w.metadata();
    if (md.has("retry_after_seconds") || md.has("retry_after_seconds_raw") || md.has("limit_source")) return true;
    if (in.headers().containsKey("retry-after") || in.headers().containsKey("x-ratelimit-remaining")) return true;
    JsonNode raw = md.get("raw");
    String rawText = raw == null ? "" : (raw.isTextual() ? raw.textValue() : raw.toString()).toLowerCase(Locale.ROOT);
    return RATE_EVIDENCE.matcher(rawText).find() || md.path("headers").has("Retry-After") || md.path("headers").has("X-RateLimit-Reset");
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    String source = WireError.text(w.metadata().get("limit_source"));
    if ("openrouter_free_tier_daily".equals(source)) return RateScope.DAY;
    RateScope fromText = scopeFromText(w.searchText());
    if (fromText != RateScope.UNKNOWN) return fromText;
    RateSignal.Window win = signal.requests();
    return win != null ? win.scope() : RateScope.UNKNOWN;
  }

  /**
   * Four probes at once, 18 rpm (a buffer under the free models' 20); only free models count. A plain 401
   * "User not found." on a valid key is how OpenRouter words an upstream (Venice) rate limit for an account
   * with no credit (the guide's Troubleshooting): the catalog checks the key at {@code GET /key} before
   * calling anything dead.
   */
  @Override
  protected CatalogHints catalogHints() {
    return new CatalogHints(4, 18, 18, null, catalogWords("vision-only", "-ocr", "lyria"), true, "/key",
        "OpenRouter answers 401 \"User not found.\" on a valid key when the upstream rate-limits an account with a $0"
            + " credit balance (Venice); add $5 credit to lift it");
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    if (containsAny(id, NON_CHAT)) return false;
    JsonNode out = item.path("architecture").path("output_modalities");
    if (out.isArray() && out.size() > 0) {
      for (JsonNode m : out) {
        if ("text".equals(m.asText())) return true;
      }
      return false;
    }
    return true;
  }

  @Override
  protected Boolean free(JsonNode item) {
    JsonNode p = item.get("pricing");
    if (p == null || !p.isObject()) return null;
    BigDecimal prompt = RateValues.number(WireError.text(p.get("prompt")));
    BigDecimal completion = RateValues.number(WireError.text(p.get("completion")));
    if (prompt == null || completion == null) return Boolean.FALSE;
    return prompt.signum() == 0 && completion.signum() == 0;
  }

  /** OpenRouter accepts {@code stream_options} and ends a stream with its usage. */
  @Override
  protected boolean streamUsage() {
    return true;
  }
}
