package io.llmrouter.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.InvalidRequestException;

/**
 * Checks an embeddings request before routing, naming the field: {@code input} must be OpenAI's shape (a
 * non-empty string, or a non-empty array of strings, of token ids, or of non-empty token-id arrays, one kind
 * per array), {@code encoding_format} float or base64, {@code dimensions} positive. A request refused here
 * never reaches a provider, so it costs no rate budget.
 */
final class EmbeddingInput {
  private static final String SHAPE = "expected a string, an array of strings, an array of token ids, or an array of token-id arrays";

  private EmbeddingInput() {}

  static void validate(EmbeddingRequest r) {
    JsonNode in = r.input();
    if (in == null || in.isNull()) throw new InvalidRequestException("input", "request has no 'input': " + SHAPE);
    if (in.isTextual()) {
      if (in.textValue().isEmpty()) throw new InvalidRequestException("input", "'input' is an empty string");
    } else if (in.isArray()) {
      if (in.isEmpty()) throw new InvalidRequestException("input", "'input' is an empty array: " + SHAPE);
      JsonNode first = in.get(0);
      for (int i = 0; i < in.size(); i++) {
        JsonNode item = in.get(i);
        String at = "input[" + i + "]";
        if (first.isTextual()) {
          if (!item.isTextual()) throw new InvalidRequestException(at, "'" + at + "' is " + kind(item) + " in an array of strings");
          if (item.textValue().isEmpty()) throw new InvalidRequestException(at, "'" + at + "' is an empty string");
        } else if (first.isIntegralNumber()) {
          if (!tokenId(item)) throw new InvalidRequestException(at, "'" + at + "' is " + kind(item) + " in an array of token ids (non-negative integers)");
        } else if (first.isArray()) {
          if (!item.isArray() || item.isEmpty()) throw new InvalidRequestException(at, "'" + at + "' must be a non-empty array of token ids, got " + kind(item));
          for (int j = 0; j < item.size(); j++) {
            if (!tokenId(item.get(j))) throw new InvalidRequestException(at + "[" + j + "]", "'" + at + "[" + j + "]' is not a token id (a non-negative integer)");
          }
        } else {
          throw new InvalidRequestException(at, "'" + at + "' is " + kind(item) + ": " + SHAPE);
        }
      }
    } else {
      throw new InvalidRequestException("input", "'input' is " + kind(in) + ": " + SHAPE);
    }
    String f = r.encodingFormat();
    if (f != null && !f.equals(EmbeddingRequest.FLOAT) && !f.equals(EmbeddingRequest.BASE64)) {
      throw new InvalidRequestException("encoding_format", "'encoding_format' must be \"float\" or \"base64\", got \"" + f + "\"");
    }
    if (r.dimensions() != null && r.dimensions() < 1) {
      throw new InvalidRequestException("dimensions", "'dimensions' must be a positive integer, got " + r.dimensions());
    }
  }

  /**
   * Embedding parameters a deployment sets in {@code litellm_params} (LiteLLM forwards them to the provider
   * call): what an OpenAI client cannot send, such as NIM's {@code input_type} for an asymmetric model.
   */
  static final java.util.List<String> DEPLOYMENT_PARAMS = java.util.List.of("input_type", "truncate", "dimensions", "truncate_prompt_tokens");

  /** {@code r} with the deployment's {@link #DEPLOYMENT_PARAMS} added where the request does not set them. */
  static EmbeddingRequest withDeploymentParams(EmbeddingRequest r, java.util.Map<String, Object> params) {
    EmbeddingRequest.Builder b = null;
    for (String k : DEPLOYMENT_PARAMS) {
      Object v = params.get(k);
      if (v == null) continue;
      boolean set = k.equals("dimensions") ? r.dimensions() != null : r.extra().containsKey(k);
      if (set) continue;
      if (b == null) b = r.toBuilder();
      JsonNode node = io.llmrouter.api.Json.mapper().valueToTree(v);
      if (k.equals("dimensions") && node.canConvertToInt()) b.dimensions(node.asInt());
      else b.extra(k, node);
    }
    return b == null ? r : b.build();
  }

  private static boolean tokenId(JsonNode n) {
    return n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 0;
  }

  private static String kind(JsonNode n) {
    if (n.isTextual()) return "a string";
    if (n.isNumber()) return "a number";
    if (n.isArray()) return "an array";
    if (n.isObject()) return "an object";
    if (n.isBoolean()) return "a boolean";
    return "null";
  }
}
