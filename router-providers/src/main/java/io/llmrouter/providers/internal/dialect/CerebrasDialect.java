package io.llmrouter.providers.internal.dialect;

import io.llmrouter.api.ChatRequest;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import io.llmrouter.providers.internal.ratelimit.RateValues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Cerebras ({@code cerebras/}). Its rate headers name their windows
 * ({@code x-ratelimit-remaining-requests-day}, {@code x-ratelimit-reset-tokens-minute}, resets in float
 * seconds); errors are flat ({@code {message,type,param,code}}, not wrapped in {@code error}). A 429 is daily
 * when the message says "per day" or {@code Retry-After} exceeds an hour; {@code "param":"quota"} is a field
 * name and says nothing about the window. Rejects {@code frequency_penalty}, {@code presence_penalty},
 * {@code logit_bias}, {@code parallel_tool_calls}, {@code service_tier}; {@code max_completion_tokens} is
 * sent as {@code max_tokens}.
 */
public final class CerebrasDialect extends Dialect {
  /** Creates the dialect. */
  public CerebrasDialect() {
    super("cerebras", "https://api.cerebras.ai/v1", List.of("CEREBRAS_API_KEY"), baseEnv("cerebras"), true,
        Set.of("frequency_penalty", "presence_penalty", "logit_bias", "parallel_tool_calls", "service_tier"));
  }

  @Override
  public void adaptRequest(ObjectNode body, boolean dropParams) {
    renameMaxCompletionTokens(body);
    super.adaptRequest(body, dropParams);
  }

  @Override
  public boolean adaptsRequest(ChatRequest request, boolean dropParams) {
    return has(request, "max_completion_tokens") || super.adaptsRequest(request, dropParams);
  }

  @Override
  public RateSignal signal(Map<String, String> headers, Instant now) {
    Map<String, List<RateSignal.Window>> named = RateHeaders.namedWindows(headers, now);
    return new RateSignal(nextRequestRoom(RateHeaders.mostConstraining(named.get("requests")), now),
        RateHeaders.mostConstraining(named.get("tokens")), RateValues.headerRetryHint(headers, now).orElse(null), now);
  }

  /** Cerebras' limits are token buckets that refill continuously, like Groq's. */
  @Override
  protected boolean refillsContinuously() {
    return true;
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    RateScope fromText = scopeFromText(w.message());
    if (fromText != RateScope.UNKNOWN) return fromText;
    if (signal.retryAfter() != null && signal.retryAfter().compareTo(Duration.ofHours(1)) > 0) return RateScope.DAY;
    return exhaustedScope(signal);
  }

  /** Cerebras serves no OpenAI-compatible embeddings endpoint: an embeddings call is refused before it is sent. */
  @Override
  public boolean offersEmbeddings() {
    return false;
  }
}
