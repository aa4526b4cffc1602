package io.llmrouter.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.Choice;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.Route;
import io.llmrouter.api.ToolCall;
import io.llmrouter.api.Usage;
import java.util.ArrayList;
import java.util.List;

/** Router response to LangChain4j response: the one place that knows both shapes on the way out. */
final class Responses {
  private Responses() {}

  static ChatResponse fromRouter(io.llmrouter.api.ChatResponse r) {
    if (r.choices() == null || r.choices().isEmpty() || r.choices().get(0).message() == null) {
      throw Errors.map(new MalformedResponseException("the response has no choices[0].message", null, null));
    }
    Choice choice = r.choices().get(0);
    ChatMessage m = choice.message();
    List<ToolExecutionRequest> calls = new ArrayList<>();
    if (m.toolCalls() != null) {
      for (ToolCall c : m.toolCalls()) {
        if (c.function() == null) continue;
        calls.add(ToolExecutionRequest.builder().id(c.id()).name(c.function().name())
            .arguments(c.function().arguments() == null ? "{}" : c.function().arguments()).build());
      }
    }
    AiMessage ai = aiMessage(m.text(), thinking(m), calls);
    return ChatResponse.builder().aiMessage(ai)
        .metadata(metadata(r.id(), r.model(), r.usage(), choice.finishReason(), r.route()))
        .build();
  }

  static AiMessage aiMessage(String text, String thinking, List<ToolExecutionRequest> calls) {
    AiMessage.Builder b = AiMessage.builder();
    if (text != null && !text.isEmpty()) b.text(text);
    if (thinking != null && !thinking.isEmpty()) b.thinking(thinking);
    if (!calls.isEmpty()) b.toolExecutionRequests(calls);
    return b.build();
  }

  static RouterChatResponseMetadata metadata(String id, String model, Usage usage, String finishReason, Route route) {
    return RouterChatResponseMetadata.builder().id(id).modelName(model).tokenUsage(usage(usage))
        .finishReason(finishReason(finishReason)).route(route).build();
  }

  /** Reasoning text, under the two names providers use for it (Groq/OpenRouter, DeepSeek/vLLM). */
  static String thinking(ChatMessage m) {
    for (String name : new String[] {"reasoning", "reasoning_content"}) {
      JsonNode n = m.extra().get(name);
      if (n != null && n.isTextual()) return n.asText();
    }
    return null;
  }

  static TokenUsage usage(Usage u) {
    if (u == null) return null;
    return new TokenUsage(u.promptTokens(), u.completionTokens(), u.totalTokens());
  }

  static FinishReason finishReason(String reason) {
    if (reason == null) return null;
    return switch (reason) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls", "function_call" -> FinishReason.TOOL_EXECUTION;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }
}
