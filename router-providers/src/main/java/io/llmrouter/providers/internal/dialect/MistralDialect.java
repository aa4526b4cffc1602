package io.llmrouter.providers.internal.dialect;

import io.llmrouter.api.ChatRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import io.llmrouter.providers.internal.ratelimit.RateValues;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Mistral La Plateforme ({@code mistral/}). Two header generations are read: the current
 * {@code x-ratelimit-(limit|remaining)-(req|tokens)-(minute|month)} and the legacy
 * {@code ratelimitbysize-*} / {@code x-ratelimitbysize-*-(minute|month)}. Errors use
 * {@code {"object":"error","message":<string|object>,"type","code":"<digits>"}}; a strict schema answers 422
 * for unknown keys. A 429 is monthly when a month window shows nothing remaining. {@code seed} is sent as
 * {@code random_seed}, {@code max_completion_tokens} as {@code max_tokens}, {@code tool_choice}
 * {@code required} or a named tool as {@code any}. With {@code drop_params}: {@code stream_options}, {@code n},
 * {@code logprobs}, {@code top_logprobs}, {@code logit_bias}, {@code user}, the penalties,
 * {@code messages[].name}, assistant {@code reasoning_content} and null-valued keys are removed.
 */
public final class MistralDialect extends Dialect {
  /** Creates the dialect. */
  public MistralDialect() {
    super("mistral", "https://api.mistral.ai/v1", List.of("MISTRAL_API_KEY"), baseEnv("mistral"), true,
        Set.of("stream_options", "n", "logprobs", "top_logprobs", "logit_bias", "user", "frequency_penalty", "presence_penalty"));
  }

  @Override
  public void adaptRequest(ObjectNode body, boolean dropParams) {
    renameMaxCompletionTokens(body);
    JsonNode seed = body.remove("seed");
    if (seed != null && !seed.isNull() && !body.has("random_seed")) body.set("random_seed", seed);
    JsonNode tc = body.get("tool_choice");
    if (tc != null && (tc.isObject() || "required".equals(tc.asText()))) body.set("tool_choice", TextNode.valueOf("any"));
    super.adaptRequest(body, dropParams);
    if (!dropParams) return;
    dropMessageNames(body);
    List<String> nulls = new ArrayList<>();
    body.fields().forEachRemaining(e -> {
      if (e.getValue().isNull()) nulls.add(e.getKey());
    });
    nulls.forEach(body::remove);
    if (body.get("messages") instanceof ArrayNode msgs) {
      for (JsonNode m : msgs) {
        if (m instanceof ObjectNode o && "assistant".equals(o.path("role").asText())) o.remove("reasoning_content");
      }
    }
  }

  @Override
  public boolean adaptsRequest(ChatRequest request, boolean dropParams) {
    return true;
  }

  @Override
  public RateSignal signal(Map<String, String> headers, Instant now) {
    Map<String, List<RateSignal.Window>> named = RateHeaders.namedWindows(headers, now);
    List<RateSignal.Window> tokens = new ArrayList<>(named.getOrDefault("tokens", List.of()));
    addIfPresent(tokens, RateHeaders.window(headers, "x-ratelimitbysize-limit-minute", "x-ratelimitbysize-remaining-minute", null, RateScope.MINUTE, now));
    addIfPresent(tokens, RateHeaders.window(headers, "x-ratelimitbysize-limit-month", "x-ratelimitbysize-remaining-month", null, RateScope.MONTH, now));
    if (tokens.isEmpty()) {
      addIfPresent(tokens, RateHeaders.window(headers, "ratelimitbysize-limit", "ratelimitbysize-remaining", "ratelimitbysize-reset", RateScope.UNKNOWN, now));
    }
    return new RateSignal(RateHeaders.mostConstraining(named.get("requests")), RateHeaders.mostConstraining(tokens),
        RateValues.headerRetryHint(headers, now).orElse(null), now);
  }

  private static void addIfPresent(List<RateSignal.Window> list, RateSignal.Window w) {
    if (w != null) list.add(w);
  }

  @Override
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    RateScope exhausted = exhaustedScope(signal);
    if (exhausted == RateScope.MONTH) return RateScope.MONTH;
    RateScope fromText = scopeFromText(w.message());
    return fromText != RateScope.UNKNOWN ? fromText : exhausted;
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    JsonNode chat = item.path("capabilities").get("completion_chat");
    if (chat != null && chat.isBoolean()) return chat.booleanValue();
    return !containsAny(id, NON_CHAT_WORDS);
  }

  /**
   * Mistral names the output size {@code output_dimension} ({@code codestral-embed}); {@code dimensions} is
   * renamed. Its strict schema refuses {@code user} (removed with {@code drop_params}). Vectors are asked for
   * as floats and encoded by the client when base64 was requested.
   */
  @Override
  public void adaptEmbeddingRequest(ObjectNode body, boolean dropParams) {
    JsonNode dims = body.remove("dimensions");
    if (dims != null && !dims.isNull() && !body.has("output_dimension")) body.set("output_dimension", dims);
    super.adaptEmbeddingRequest(body, dropParams);
  }

  @Override
  protected Set<String> embeddingRejectedParams() {
    return Set.of("user");
  }

  @Override
  public boolean embeddingsBase64() {
    return false;
  }
}
