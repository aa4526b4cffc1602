package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.llmrouter.api.Json;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider error body read into common parts, whatever its envelope: OpenAI/Groq/vLLM/OpenRouter
 * {@code {"error":{message,type,param,code,metadata}}}, Gemini's array {@code [{"error":{...}}]}, Mistral's
 * {@code {"object":"error",...}} (with {@code message} a string or an object), Cerebras' flat
 * {@code {message,type,param,code}}, NVIDIA problem-JSON {@code {status,title,detail}}, Cloudflare's v4
 * {@code {success:false,errors:[{code,message}]}}, and a bare {@code {"error":"text"}}. Every part is
 * optional; a body that is not JSON keeps {@link #json()} false and a short text.
 *
 * @param json whether the body parsed as JSON
 * @param message the human-readable message (an object message is written as JSON), never null
 * @param type the error type / status word ({@code invalid_request_error}, {@code RESOURCE_EXHAUSTED}), or null
 * @param code the error code as text ({@code rate_limit_exceeded}, {@code 429}, {@code 3036}), or null
 * @param status a numeric HTTP status written inside the body (OpenRouter/Gemini/vLLM {@code code},
 *     NVIDIA {@code status}), or null
 * @param error the error object itself ({@link MissingNode} when absent)
 * @param root the whole parsed body ({@link MissingNode} when not JSON)
 */
public record WireError(boolean json, String message, String type, String code, Integer status, JsonNode error, JsonNode root) {
  private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");

  /** Parses {@code body}; never throws. */
  public static WireError parse(String body) {
    if (body == null || body.isBlank()) return new WireError(false, "", null, null, null, MissingNode.getInstance(), MissingNode.getInstance());
    JsonNode root;
    try {
      root = Json.tree(body);
    } catch (IllegalArgumentException e) {
      return new WireError(false, textOf(body), null, null, null, MissingNode.getInstance(), MissingNode.getInstance());
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new WireError(false, textOf(body), null, null, null, MissingNode.getInstance(), MissingNode.getInstance());
    }
    JsonNode top = root.isArray() && root.size() > 0 ? root.get(0) : root;
    JsonNode err = top.path("error");
    if (!err.isObject() && !err.isTextual() && top.path("choices").path(0).path("error").isObject()) {
      // OpenRouter's partial failure: the error sits on the choice that failed.
      err = top.path("choices").path(0).path("error");
    }
    if (err.isObject()) {
      String type = text(err.get("type"));
      if (type == null) type = text(err.get("status"));
      if (type == null) type = text(top.get("error_type"));
      return new WireError(true, messageOf(err.get("message")), type, text(err.get("code")), statusOf(err.get("code")), err, root);
    }
    if (err.isTextual()) {
      return new WireError(true, err.textValue(), firstText(top, "error_type", "type"), text(top.get("code")), statusOf(top.get("code")), top, root);
    }
    JsonNode errors = top.path("errors");
    if (errors.isArray() && errors.size() > 0) {
      JsonNode first = errors.get(0);
      StringBuilder msg = new StringBuilder();
      for (JsonNode e : errors) {
        if (msg.length() > 0) msg.append("; ");
        msg.append(messageOf(e.get("message")));
      }
      return new WireError(true, msg.toString(), null, text(first.get("code")), null, first, root);
    }
    if (top.has("title") || top.has("detail")) {
      String detail = text(top.get("detail"));
      String title = text(top.get("title"));
      String message = detail != null ? (title != null ? title + ": " + detail : detail) : title;
      return new WireError(true, message == null ? "" : message, title, text(top.get("status")), statusOf(top.get("status")), top, root);
    }
    if (top.has("message") || top.has("detail")) {
      JsonNode m = top.has("message") ? top.get("message") : top.get("detail");
      return new WireError(true, messageOf(m), text(top.get("type")), text(top.get("code")), statusOf(top.get("raw_status_code")), top, root);
    }
    return new WireError(true, "", null, null, null, MissingNode.getInstance(), root);
  }

  /** The error's {@code metadata} object (OpenRouter), or a missing node. */
  public JsonNode metadata() {
    return error.path("metadata");
  }

  /**
   * Everything worth matching patterns against, lower-cased: message, type, code, OpenRouter's
   * {@code metadata.error_type} and upstream {@code metadata.raw} (a string or an object).
   */
  public String searchText() {
    StringBuilder sb = new StringBuilder(message);
    append(sb, type);
    append(sb, code);
    JsonNode md = metadata();
    append(sb, text(md.get("error_type")));
    JsonNode raw = md.get("raw");
    if (raw != null && !raw.isNull()) append(sb, raw.isTextual() ? raw.textValue() : raw.toString());
    return sb.toString().toLowerCase(Locale.ROOT);
  }

  /** A short, single-line description for an exception message. */
  public String summary() {
    String m = message.isBlank() ? (type != null ? type : (code != null ? code : "")) : message;
    m = m.replaceAll("\\s+", " ").strip();
    return m.length() > 500 ? m.substring(0, 500) + "…" : m;
  }

  static String text(JsonNode n) {
    if (n == null || n.isNull() || n.isMissingNode()) return null;
    if (n.isValueNode()) {
      String s = n.asText();
      return s.isEmpty() ? null : s;
    }
    return n.toString();
  }

  private static String firstText(JsonNode n, String... names) {
    for (String name : names) {
      String t = text(n.get(name));
      if (t != null) return t;
    }
    return null;
  }

  private static String messageOf(JsonNode m) {
    if (m == null || m.isNull() || m.isMissingNode()) return "";
    return m.isTextual() ? m.textValue() : m.toString();
  }

  private static Integer statusOf(JsonNode n) {
    if (n == null) return null;
    int v;
    if (n.isIntegralNumber()) v = n.asInt();
    else if (n.isTextual() && n.textValue().matches("\\d{3}")) v = Integer.parseInt(n.textValue());
    else return null;
    return v >= 100 && v <= 599 ? v : null;
  }

  private static void append(StringBuilder sb, String s) {
    if (s != null) sb.append(' ').append(s);
  }

  private static String textOf(String body) {
    Matcher t = HTML_TITLE.matcher(body);
    String s = t.find() ? t.group(1) : body.replaceAll("(?s)<[^>]*>", " ");
    s = s.replaceAll("\\s+", " ").strip();
    return s.length() > 200 ? s.substring(0, 200) + "…" : s;
  }
}
