package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Set;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;

/**
 * A self-hosted vLLM server ({@code hosted_vllm/}): {@code api_base} (or {@code HOSTED_VLLM_API_BASE})
 * names it, including the {@code /v1} suffix; the key is optional ({@code --api-key}). vLLM ignores
 * unknown request fields, sends no rate headers, puts the integer HTTP status in {@code error.code}, and
 * reports its context window as {@code max_model_len}. Every served model is offered for chat.
 */
public final class HostedVllmDialect extends Dialect {
  /** Creates the dialect. */
  public HostedVllmDialect() {
    super("hosted_vllm", null, List.of("HOSTED_VLLM_API_KEY"), baseEnv("hosted_vllm"), false, Set.of());
  }

  /** The guide's Appendix A: two probes at once, unpaced; no id filter, the operator chose what to serve. */
  @Override
  protected CatalogHints catalogHints() {
    return new CatalogHints(2, 0, null, null, List.of(), false);
  }

  @Override
  protected boolean isChat(String id, JsonNode item) {
    // The operator chose what to serve; the guide applies no filter to a local server.
    return true;
  }

  /** vLLM: {@code StreamOptions.include_usage}, the final usage chunk (provider-formats §5). */
  @Override
  protected boolean streamUsage() {
    return true;
  }
}
