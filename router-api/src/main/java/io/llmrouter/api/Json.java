package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.UncheckedIOException;

/**
 * The JSON mapping shared by every llm-router module. The mapper is configured once and is thread-safe.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Extras must survive a round trip digit for digit (0.1 stays 0.1, 1e-8 stays 1e-8).
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private Json() {}

  /** Returns the shared mapper. Do not reconfigure it. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses {@code json} into {@code type}.
   *
   * @throws IllegalArgumentException with the parser's location when the text is not valid JSON for the type
   */
  public static <T> T read(String json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(describe(e), e);
    }
  }

  /** Parses {@code json} into a tree. @throws IllegalArgumentException when it is not valid JSON */
  public static JsonNode tree(String json) {
    return read(json, JsonNode.class);
  }

  /** Writes {@code value} as compact JSON. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Wraps a plain string as a JSON text node. */
  public static JsonNode text(String s) {
    return TextNode.valueOf(s);
  }

  /**
   * A parse error for people: where it is and what is wrong, without Jackson's internal source
   * descriptions ({@code [Source: REDACTED ...]}), e.g. {@code at line 1, column 45: Unexpected close
   * marker '}': expected ']' (for Array starting at line 1, column 44)}.
   */
  public static String describe(JsonProcessingException e) {
    String what = e.getOriginalMessage() == null ? "invalid JSON" : e.getOriginalMessage();
    what = SOURCE_REF.matcher(what).replaceAll("line $1, column $2");
    String where = locationOf(e).strip();
    return where.isEmpty() ? what : where + ": " + what;
  }

  private static final java.util.regex.Pattern SOURCE_REF =
      java.util.regex.Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

  /** Returns " at line L, column C" for a parse error, or an empty string. */
  public static String locationOf(JsonProcessingException e) {
    var loc = e.getLocation();
    return loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  static String contentText(JsonNode content) {
    if (content == null || content.isNull()) return null;
    if (content.isTextual()) return content.textValue();
    if (content.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : content) {
        JsonNode t = part.get("text");
        if (t != null && t.isTextual()) sb.append(t.textValue());
      }
      return sb.toString();
    }
    return content.toString();
  }
}
