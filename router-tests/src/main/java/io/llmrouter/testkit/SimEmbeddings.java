package io.llmrouter.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * The embeddings half of the simulator: which providers serve {@code POST /embeddings}, how a body is read,
 * the providers' refusals, and the answer. Vectors are deterministic (seeded by the input's text), unit
 * length, 16 dimensions unless {@code dimensions} asks for another size.
 *
 * <p>Quirks played: NVIDIA NIM refuses an asymmetric ({@code embedqa}) model without {@code input_type}
 * ({@code query} or {@code passage}) and an input over the model's window unless {@code truncate} is
 * {@code START} or {@code END}; Gemini's OpenAI endpoint answers floats whatever {@code encoding_format}
 * says; NIM and vLLM honour {@code encoding_format: base64} (little-endian float32).
 *
 * <p>Stateless and thread-safe.
 */
final class SimEmbeddings {
  static final int DEFAULT_DIMENSIONS = 16;

  private SimEmbeddings() {}

  /** Whether {@code p} serves embeddings: NIM, Gemini and vLLM do; Groq and Cerebras have no such endpoint (404). */
  static boolean offeredBy(SimProvider p) {
    return p == SimProvider.NVIDIA_NIM || p == SimProvider.GEMINI || p == SimProvider.HOSTED_VLLM;
  }

  /**
   * One parsed embeddings body.
   *
   * @param model the model field, or null
   * @param texts each input as text (token-id inputs as their ids joined), in order
   * @param tokenCounts each input's tokens
   * @param encodingFormat {@code encoding_format}, or null
   * @param dimensions {@code dimensions}, or 0
   * @param inputType NIM's {@code input_type}, or null
   * @param truncate NIM's {@code truncate}, or null
   * @param error why the body is not an embeddings request, or null
   */
  record Call(String model, List<String> texts, List<Integer> tokenCounts, String encodingFormat, int dimensions,
      String inputType, String truncate, String error) {

    /** The input's tokens, all inputs together: what the call charges to the token windows. */
    int tokens() {
      int sum = 0;
      for (int t : tokenCounts) {
        sum += t;
      }
      return sum;
    }

    static Call parse(JsonNode body) {
      if (body == null || !body.isObject()) {
        return invalid(null, "Request body must be a JSON object with 'model' and 'input'.");
      }
      String model = body.path("model").isTextual() ? body.get("model").asText() : null;
      if (model == null) {
        return invalid(null, "'model' is required.");
      }
      JsonNode in = body.get("input");
      List<String> texts = new ArrayList<>();
      List<Integer> tokens = new ArrayList<>();
      if (in == null || in.isNull()) {
        return invalid(model, "'input' is required.");
      }
      if (in.isTextual()) {
        add(texts, tokens, in.asText());
      } else if (in.isArray() && in.size() > 0 && in.get(0).isNumber()) {
        texts.add(in.toString());
        tokens.add(in.size());
      } else if (in.isArray() && in.size() > 0) {
        for (JsonNode item : in) {
          if (item.isTextual()) {
            add(texts, tokens, item.asText());
          } else if (item.isArray() && item.size() > 0) {
            texts.add(item.toString());
            tokens.add(item.size());
          } else {
            return invalid(model, "'input' must be a string, an array of strings or an array of token arrays.");
          }
        }
      } else {
        return invalid(model, "'input' must be a non-empty string or array.");
      }
      return new Call(model, List.copyOf(texts), List.copyOf(tokens), text(body.get("encoding_format")),
          body.path("dimensions").asInt(0), text(body.get("input_type")), text(body.get("truncate")), null);
    }

    private static void add(List<String> texts, List<Integer> tokens, String text) {
      texts.add(text);
      tokens.add(Math.max(1, SimTokens.count(text)));
    }

    private static Call invalid(String model, String error) {
      return new Call(model, List.of(), List.of(), null, 0, null, null, error);
    }

    private static String text(JsonNode n) {
      return n == null || n.isNull() ? null : n.asText();
    }
  }

  /** The provider's 400 message for a call it refuses, or null when it serves it. */
  static String refusal(SimProvider p, SimModel m, Call c) {
    if (c.encodingFormat() != null && !c.encodingFormat().equals("float") && !c.encodingFormat().equals("base64")) {
      return "encoding_format must be one of 'float' or 'base64', got '" + c.encodingFormat() + "'.";
    }
    if (p == SimProvider.NVIDIA_NIM) {
      if (m.id().contains("embedqa") && c.inputType() == null) {
        return "'input_type' parameter is required for asymmetric models";
      }
      if (c.inputType() != null && !c.inputType().equals("query") && !c.inputType().equals("passage")) {
        return "input_type must be 'query' or 'passage', got '" + c.inputType() + "'";
      }
    }
    boolean truncates = p == SimProvider.NVIDIA_NIM && ("START".equals(c.truncate()) || "END".equals(c.truncate()));
    for (int t : c.tokenCounts()) {
      if (t > m.contextWindow() && !truncates) {
        return p == SimProvider.NVIDIA_NIM
            ? "Input length " + t + " exceeds maximum allowed token size " + m.contextWindow()
            : "This model's maximum context length is " + m.contextWindow() + " tokens. However, you requested " + t
                + " tokens in the input for embedding generation. Please reduce the length of the input.";
      }
    }
    return null;
  }

  /** The 200 answer: one vector per input, floats or base64 as the provider does it. */
  static ObjectNode response(SimProvider p, String model, Call c) {
    boolean base64 = "base64".equals(c.encodingFormat()) && p != SimProvider.GEMINI;
    int dims = c.dimensions() > 0 ? c.dimensions() : DEFAULT_DIMENSIONS;
    ObjectNode body = Wire.F.objectNode();
    body.put("object", "list");
    ArrayNode data = body.putArray("data");
    for (int i = 0; i < c.texts().size(); i++) {
      float[] v = vector(c.texts().get(i), dims);
      ObjectNode item = data.addObject();
      item.put("object", "embedding");
      item.put("index", i);
      if (base64) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        item.put("embedding", Base64.getEncoder().encodeToString(b.array()));
      } else {
        ArrayNode a = item.putArray("embedding");
        for (float f : v) {
          a.add(f);
        }
      }
    }
    body.put("model", model);
    ObjectNode usage = body.putObject("usage");
    usage.put("prompt_tokens", c.tokens());
    usage.put("total_tokens", c.tokens());
    return body;
  }

  /**
   * The vector the simulator gives {@code text}: the same text always gets the same unit vector, so a test
   * can compare what two providers returned.
   */
  static float[] vector(String text, int dims) {
    long seed = 1125899906842597L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      seed = 31 * seed + b;
    }
    Random r = new Random(seed);
    float[] v = new float[dims];
    double norm = 0;
    for (int i = 0; i < dims; i++) {
      v[i] = (float) r.nextGaussian();
      norm += v[i] * v[i];
    }
    float scale = (float) (1 / Math.sqrt(norm));
    for (int i = 0; i < dims; i++) {
      v[i] *= scale;
    }
    return v;
  }

  /** A 200 JSON body of the right {@code object} without the payload ({@link Fault#malformedBody()}). */
  static Reply malformed(String object) {
    ObjectNode body = Wire.F.objectNode();
    body.put("object", object);
    body.put("model", "simulated");
    return Reply.json(200, body);
  }
}
