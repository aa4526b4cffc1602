package io.llmrouter.testkit;

import com.fasterxml.jackson.databind.JsonNode;

/** A parsed chat-completions request: what the simulator needs from the body. Immutable. */
final class ChatCall {
  final String model;
  final boolean stream;
  final JsonNode streamOptions;
  final int promptTokens;
  final int maxTokens; // 0 when absent
  final String lastUserText;
  final boolean lastIsToolResult;
  final JsonNode tools; // null when absent or empty
  final JsonNode toolChoice;

  private ChatCall(JsonNode body) {
    this.model = body.path("model").asText("");
    this.stream = body.path("stream").asBoolean(false);
    this.streamOptions = body.get("stream_options");
    int max = body.path("max_completion_tokens").asInt(0);
    this.maxTokens = max > 0 ? max : body.path("max_tokens").asInt(0);
    JsonNode messages = body.path("messages");
    StringBuilder all = new StringBuilder();
    String lastUser = "";
    String lastRole = "";
    for (JsonNode m : messages) {
      String text = text(m.get("content"));
      all.append(text);
      for (JsonNode call : m.path("tool_calls")) {
        all.append(call.path("function").path("name").asText("")).append(call.path("function").path("arguments").asText(""));
      }
      lastRole = m.path("role").asText("");
      if ("user".equals(lastRole)) {
        lastUser = text;
      }
    }
    this.promptTokens = SimTokens.count(all);
    this.lastUserText = lastUser;
    this.lastIsToolResult = "tool".equals(lastRole) || "function".equals(lastRole);
    JsonNode t = body.get("tools");
    this.tools = t != null && t.isArray() && t.size() > 0 ? t : null;
    this.toolChoice = body.get("tool_choice");
  }

  /** Parses a body; returns null when it is not a usable chat request (no model or no messages). */
  static ChatCall parse(JsonNode body) {
    if (body == null || !body.isObject() || body.path("model").asText("").isBlank()
        || !body.path("messages").isArray() || body.path("messages").isEmpty()) {
      return null;
    }
    return new ChatCall(body);
  }

  private static String text(JsonNode content) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : content) {
      sb.append(part.path("text").asText(""));
    }
    return sb.toString();
  }

  /** True when the answer should be a tool call: tools given, choice not "none", and not already answering a tool result. */
  boolean wantsToolCall() {
    if (tools == null || lastIsToolResult) {
      return false;
    }
    return toolChoice == null || !"none".equals(toolChoice.asText(""));
  }

  /** The tool to call: the named one in {@code tool_choice}, else the first. */
  JsonNode chosenTool() {
    String named = toolChoice == null ? "" : toolChoice.path("function").path("name").asText("");
    if (!named.isEmpty()) {
      for (JsonNode t : tools) {
        if (named.equals(t.path("function").path("name").asText())) {
          return t;
        }
      }
    }
    return tools.get(0);
  }
}
