package io.llmrouter.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code model_list} entries in the guide's style: double-quoted strings, {@code api_key} as an
 * {@code os.environ/VAR} reference (never a value), the provider's default rpm/tpm, the context window in
 * the description. Stateless and thread-safe.
 */
public final class ModelEntryRenderer {

  private ModelEntryRenderer() {}

  /**
   * What to write for one entry.
   *
   * @param modelName the {@code model_name}
   * @param litellmModel {@code litellm_params.model} with the provider prefix
   * @param apiBase an {@code api_base} to write, or null
   * @param apiKey the {@code api_key} value as written ({@code os.environ/GROQ_API_KEY} or {@code none}), or null
   * @param rpm rpm to declare, or null
   * @param tpm tpm to declare, or null
   * @param description the {@code model_info.description}, or null
   * @param mode the {@code model_info.mode} ({@code embedding}), or null to write none
   * @param params further {@code litellm_params} to write after {@code tpm} (an embedder's {@code input_type}),
   *     scalars only; empty when none
   */
  public record Entry(String modelName, String litellmModel, String apiBase, String apiKey, Integer rpm, Integer tpm,
      String description, String mode, Map<String, JsonNode> params) {

    /** Keeps an unmodifiable copy of {@code params} (null: none), in order. */
    public Entry {
      params = params == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** A chat entry: no {@code model_info.mode} and no further parameters. */
    public Entry(String modelName, String litellmModel, String apiBase, String apiKey, Integer rpm, Integer tpm,
        String description) {
      this(modelName, litellmModel, apiBase, apiKey, rpm, tpm, description, null, Map.of());
    }
  }

  /**
   * Renders {@code entry} with its {@code -} at {@code indent} spaces, each line ending in {@code newline}.
   */
  public static String render(Entry entry, int indent, String newline) {
    String d = " ".repeat(indent);
    String k = d + "  ";
    String p = k + "  ";
    StringBuilder sb = new StringBuilder();
    sb.append(d).append("- model_name: ").append(quote(entry.modelName())).append(newline);
    sb.append(k).append("litellm_params:").append(newline);
    sb.append(p).append("model: ").append(quote(entry.litellmModel())).append(newline);
    if (entry.apiBase() != null) sb.append(p).append("api_base: ").append(quote(entry.apiBase())).append(newline);
    if (entry.apiKey() != null) sb.append(p).append("api_key: ").append(quote(entry.apiKey())).append(newline);
    if (entry.rpm() != null) sb.append(p).append("rpm: ").append(entry.rpm()).append(newline);
    if (entry.tpm() != null) sb.append(p).append("tpm: ").append(entry.tpm()).append(newline);
    entry.params().forEach((name, v) -> {
      if (v != null && v.isValueNode() && !v.isNull()) {
        sb.append(p).append(name).append(": ").append(v.isTextual() ? quote(v.asText()) : v.asText()).append(newline);
      }
    });
    if (entry.description() != null || entry.mode() != null) sb.append(k).append("model_info:").append(newline);
    if (entry.mode() != null) sb.append(p).append("mode: ").append(quote(entry.mode())).append(newline);
    if (entry.description() != null) sb.append(p).append("description: ").append(quote(entry.description())).append(newline);
    return sb.toString();
  }

  /** {@code 131072} as {@code 131K}, as the guide writes context windows. */
  public static String contextLabel(Integer contextWindow) {
    if (contextWindow == null || contextWindow <= 0) return null;
    if (contextWindow < 1000) return contextWindow.toString();
    return Math.round(contextWindow / 1000.0) + "K";
  }

  /** A YAML double-quoted scalar. */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c)); else sb.append(c);
        }
      }
    }
    return sb.append('"').toString();
  }
}
