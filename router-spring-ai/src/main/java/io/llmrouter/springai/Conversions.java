package io.llmrouter.springai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.FunctionCall;
import io.llmrouter.api.FunctionDefinition;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.Json;
import io.llmrouter.api.Route;
import io.llmrouter.api.Tool;
import io.llmrouter.api.ToolCall;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.Message;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.ToolResponseMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.content.Media;
import org.springframework.ai.model.tool.StructuredOutputChatOptions;
import org.springframework.ai.tool.definition.ToolDefinition;

/** Spring AI prompt to router request and router response to Spring AI response, in one place. */
final class Conversions {
  /** Response metadata key: the {@link Route} of the call (served group, deployment, attempts, fallbacks). */
  static final String ROUTE = "llm-router.route";
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Conversions() {}

  static ChatRequest toRouter(Prompt prompt, String defaultModel, List<ToolDefinition> tools, boolean stream) {
    ChatOptions o = prompt.getOptions();
    String model = o != null && o.getModel() != null ? o.getModel() : defaultModel;
    if (model == null) {
      throw new InvalidRequestException("model", "no model group given, neither in the prompt options nor as llm-router.model");
    }
    ChatRequest.Builder b = ChatRequest.builder().model(model);
    List<io.llmrouter.api.ChatMessage> messages = new ArrayList<>();
    List<Message> in = prompt.getInstructions();
    for (int i = 0; i < in.size(); i++) messages.addAll(message(in.get(i), i));
    b.messages(messages);
    if (o != null) {
      if (o.getTemperature() != null) b.temperature(o.getTemperature());
      if (o.getTopP() != null) b.topP(o.getTopP());
      if (o.getMaxTokens() != null) b.maxTokens(o.getMaxTokens());
      if (o.getStopSequences() != null && !o.getStopSequences().isEmpty()) {
        ArrayNode stop = NODES.arrayNode();
        o.getStopSequences().forEach(stop::add);
        b.stop(stop);
      }
      // Not modelled by the router: passed through as the OpenAI wire fields.
      if (o.getFrequencyPenalty() != null) b.extra("frequency_penalty", NODES.numberNode(o.getFrequencyPenalty()));
      if (o.getPresencePenalty() != null) b.extra("presence_penalty", NODES.numberNode(o.getPresencePenalty()));
      if (o.getTopK() != null) b.extra("top_k", NODES.numberNode(o.getTopK()));
      if (o instanceof StructuredOutputChatOptions s && s.getOutputSchema() != null) {
        ObjectNode rf = NODES.objectNode().put("type", "json_schema");
        rf.putObject("json_schema").put("name", "response").put("strict", true)
            .set("schema", Json.tree(s.getOutputSchema()));
        b.responseFormat(rf);
      }
    }
    if (!tools.isEmpty()) {
      List<Tool> defs = new ArrayList<>();
      for (ToolDefinition t : tools) {
        FunctionDefinition.Builder f = FunctionDefinition.builder().name(t.name()).parameters(Json.tree(t.inputSchema()));
        if (t.description() != null) f.description(t.description());
        defs.add(Tool.builder().type("function").function(f.build()).build());
      }
      b.tools(defs);
    }
    if (stream) {
      b.stream(true);
      b.streamOptions(NODES.objectNode().put("include_usage", true));
    }
    return b.build();
  }

  private static List<io.llmrouter.api.ChatMessage> message(Message m, int i) {
    if (m instanceof SystemMessage s) return List.of(io.llmrouter.api.ChatMessage.system(s.getText()));
    if (m instanceof UserMessage u) {
      if (u.getMedia() == null || u.getMedia().isEmpty()) return List.of(io.llmrouter.api.ChatMessage.user(u.getText()));
      ArrayNode parts = NODES.arrayNode();
      if (u.getText() != null && !u.getText().isEmpty()) parts.addObject().put("type", "text").put("text", u.getText());
      for (Media media : u.getMedia()) {
        String url;
        if (media.getData() instanceof String s) {
          url = s;
        } else if (media.getData() instanceof byte[] bytes) {
          url = "data:" + media.getMimeType() + ";base64," + Base64.getEncoder().encodeToString(bytes);
        } else {
          throw new InvalidRequestException("messages[" + i + "].media", "media must be a URL or bytes");
        }
        parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
      }
      return List.of(io.llmrouter.api.ChatMessage.builder().role("user").content(parts).build());
    }
    if (m instanceof AssistantMessage a) {
      io.llmrouter.api.ChatMessage.Builder b = io.llmrouter.api.ChatMessage.builder().role("assistant");
      if (a.getText() != null && !a.getText().isEmpty()) b.content(a.getText());
      if (a.hasToolCalls()) {
        List<ToolCall> calls = new ArrayList<>();
        for (AssistantMessage.ToolCall c : a.getToolCalls()) {
          calls.add(ToolCall.builder().id(c.id()).type("function")
              .function(FunctionCall.builder().name(c.name()).arguments(c.arguments()).build()).build());
        }
        b.toolCalls(calls);
      }
      return List.of(b.build());
    }
    if (m instanceof ToolResponseMessage t) {
      List<io.llmrouter.api.ChatMessage> out = new ArrayList<>();
      for (ToolResponseMessage.ToolResponse r : t.getResponses()) {
        out.add(io.llmrouter.api.ChatMessage.builder().role("tool").toolCallId(r.id()).content(r.responseData()).build());
      }
      return out;
    }
    throw new InvalidRequestException("messages[" + i + "]", "message type " + m.getMessageType() + " is not supported");
  }

  static ChatResponse fromRouter(io.llmrouter.api.ChatResponse r) {
    List<Generation> generations = new ArrayList<>();
    for (io.llmrouter.api.Choice c : r.choices()) {
      io.llmrouter.api.ChatMessage m = c.message();
      List<AssistantMessage.ToolCall> calls = new ArrayList<>();
      if (m != null && m.toolCalls() != null) {
        for (ToolCall tc : m.toolCalls()) {
          if (tc.function() == null) continue;
          calls.add(new AssistantMessage.ToolCall(tc.id(), "function", tc.function().name(),
              tc.function().arguments() == null ? "{}" : tc.function().arguments()));
        }
      }
      generations.add(generation(m == null ? null : m.text(), calls, c.finishReason()));
    }
    return new ChatResponse(generations, metadata(r.id(), r.model(), r.usage(), r.route()));
  }

  static Generation generation(String text, List<AssistantMessage.ToolCall> calls, String finishReason) {
    AssistantMessage message = AssistantMessage.builder().content(text == null ? "" : text)
        .properties(Map.of()).toolCalls(calls).build();
    ChatGenerationMetadata meta = finishReason == null ? ChatGenerationMetadata.NULL
        : ChatGenerationMetadata.builder().finishReason(finishReason.toUpperCase(java.util.Locale.ROOT)).build();
    return new Generation(message, meta);
  }

  static ChatResponseMetadata metadata(String id, String model, io.llmrouter.api.Usage usage, Route route) {
    ChatResponseMetadata.Builder b = ChatResponseMetadata.builder();
    if (id != null) b.id(id);
    if (model != null) b.model(model);
    if (usage != null) b.usage(new DefaultUsage(usage.promptTokens(), usage.completionTokens(), usage.totalTokens()));
    if (route != null) {
      Map<String, Object> kv = new LinkedHashMap<>();
      kv.put(ROUTE, route);
      b.metadata(kv);
    }
    return b.build();
  }

}
