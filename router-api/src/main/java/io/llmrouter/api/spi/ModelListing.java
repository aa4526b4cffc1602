package io.llmrouter.api.spi;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of a provider's model list.
 *
 * @param id the provider's model id
 * @param contextWindow the context window when the listing says it ({@code context_window},
 *     {@code context_length}, vLLM {@code max_model_len}), else null
 * @param chat whether the dialect's filter considers it a chat model (not an embedder, reranker, speech,
 *     guard, vision-only or OCR model)
 * @param free for providers that price models (OpenRouter): true when prompt and completion both cost 0;
 *     null when the listing has no pricing
 * @param raw the entry as the provider sent it
 */
public record ModelListing(String id, Integer contextWindow, boolean chat, Boolean free, JsonNode raw) {}
