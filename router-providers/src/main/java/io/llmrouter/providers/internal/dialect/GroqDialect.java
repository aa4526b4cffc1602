package io.llmrouter.providers.internal.dialect;

import io.llmrouter.api.ChatRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.RateScope;
import java.util.List;
import java.util.Set;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;

/**
 * Groq ({@code groq/}). Its {@code x-ratelimit-*-requests} headers count per <em>day</em> and its
 * {@code *-tokens} headers per <em>minute</em>; the 429 message names the window ({@code (TPM)},
 * {@code (RPD)}, ...) and the wait ("Please try again in 1.98s"). A 413 "Request too large ... (TPM)" means
 * the single request exceeds the per-minute budget: waiting does not help. 498 (flex capacity) is
 * retryable. Rejects {@code logprobs}, {@code top_logprobs}, {@code logit_bias}, {@code messages[].name}
 * and {@code n != 1}.
 */
public final class GroqDialect extends Dialect {
  private static final List<String> NON_CHAT = List.of("whisper", "guard", "tts", "speech", "orpheus");

  /** Creates the dialect. */
  public GroqDialect() {
    super("groq", "https://api.groq.com/openai/v1", List.of("GROQ_API_KEY"), baseEnv("groq"), true,
        Set.of("logprobs", "top_logprobs", "logit_bias"));
  }

  @Override
  public void adaptRequest(ObjectNode body, boolean dropParams) {
    super.adaptRequest(body, dropParams);
    if (!dropParams) return;
    JsonNode n = body.get("n");
    if (n != null && !(n.isNumber() && n.asInt() == 1)) body.remove("n");
    dropMessageNames(body);
  }

  @Override
  public boolean adaptsRequest(ChatRequest request, boolean dropParams) {
    return dropParams;
  }

  /** Groq's limits are token buckets: "the rate limit resets" means back to full, refilling continuously. */
  @Override
  protected boolean refillsContinuously() {
    return true;
  }

  @Override
  protected RateScope requestScope() {
    return RateScope.DAY;
  }

  @Override
  protected RateScope tokenScope() {
    return RateScope.MINUTE;
  }

  /** Four probes at once, paced and written as 28 rpm (a buffer under the free tier's 30), 5500 tpm. */
  @Override
  protected CatalogHints catalogHints() {
    return new CatalogHints(4, 28, 28, 5500, catalogWords("playai", "orpheus", "distil-whisper", "prompt-guard"), false);
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    return !containsAny(id, NON_CHAT);
  }

  /** Groq serves no OpenAI-compatible embeddings endpoint: an embeddings call is refused before it is sent. */
  @Override
  public boolean offersEmbeddings() {
    return false;
  }

  /** Groq emits the extra usage chunk for {@code include_usage} (provider-formats §2). */
  @Override
  protected boolean streamUsage() {
    return true;
  }
}
