package io.llmrouter.langchain4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import io.llmrouter.api.FunctionCall;
import io.llmrouter.api.FunctionDefinition;
import io.llmrouter.api.Json;
import io.llmrouter.api.Tool;
import io.llmrouter.api.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** LangChain4j request to router request: the one place that knows both shapes on the way in. */
final class Requests {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Requests() {}

  /**
   * Builds the router request. The model group is the request's {@code modelName} when set, else
   * {@code defaultModel}.
   *
   * @throws InvalidRequestException naming the message or parameter that cannot be expressed
   */
  static io.llmrouter.api.ChatRequest toRouter(ChatRequest request, String defaultModel, boolean stream) {
    ChatRequestParameters p = request.parameters();
    String model = p.modelName() != null ? p.modelName() : defaultModel;
    if (model == null) {
      throw new InvalidRequestException("modelName: no model group given, neither in the request parameters nor as the model's default");
    }
    io.llmrouter.api.ChatRequest.Builder b = io.llmrouter.api.ChatRequest.builder().model(model);
    List<io.llmrouter.api.ChatMessage> messages = new ArrayList<>();
    List<ChatMessage> in = request.messages();
    for (int i = 0; i < in.size(); i++) {
      messages.add(message(in.get(i), i));
    }
    b.messages(messages);
    if (p.temperature() != null) b.temperature(p.temperature());
    if (p.topP() != null) b.topP(p.topP());
    if (p.maxOutputTokens() != null) b.maxTokens(p.maxOutputTokens());
    if (p.stopSequences() != null && !p.stopSequences().isEmpty()) {
      ArrayNode stop = NODES.arrayNode();
      p.stopSequences().forEach(stop::add);
      b.stop(stop);
    }
    // Not modelled by the router: passed through as the OpenAI wire fields, which the dialects drop
    // where a provider rejects them.
    if (p.frequencyPenalty() != null) b.extra("frequency_penalty", NODES.numberNode(p.frequencyPenalty()));
    if (p.presencePenalty() != null) b.extra("presence_penalty", NODES.numberNode(p.presencePenalty()));
    if (p.topK() != null) b.extra("top_k", NODES.numberNode(p.topK()));
    List<ToolSpecification> specs = p.toolSpecifications();
    if (specs != null && !specs.isEmpty()) {
      List<Tool> tools = new ArrayList<>();
      for (ToolSpecification s : specs) tools.add(tool(s));
      b.tools(tools);
      if (p.toolChoice() != null) b.toolChoice(toolChoice(p.toolChoice()));
    } else if (p.toolChoice() == ToolChoice.REQUIRED) {
      throw new InvalidRequestException("toolChoice: REQUIRED needs at least one tool specification");
    }
    if (p.responseFormat() != null) {
      JsonNode rf = responseFormat(p.responseFormat());
      if (rf != null) b.responseFormat(rf);
    }
    if (stream) {
      b.stream(true);
      // Usage arrives in a last chunk only when asked for (OpenAI's rule, kept by most providers).
      b.streamOptions(NODES.objectNode().put("include_usage", true));
    }
    return b.build();
  }

  private static io.llmrouter.api.ChatMessage message(ChatMessage m, int i) {
    if (m instanceof SystemMessage s) {
      return io.llmrouter.api.ChatMessage.system(s.text());
    }
    if (m instanceof UserMessage u) {
      io.llmrouter.api.ChatMessage.Builder b = io.llmrouter.api.ChatMessage.builder().role("user");
      if (u.name() != null) b.name(u.name());
      if (u.hasSingleText()) {
        b.content(u.singleText());
      } else {
        ArrayNode parts = NODES.arrayNode();
        List<Content> contents = u.contents();
        for (int c = 0; c < contents.size(); c++) {
          parts.add(part(contents.get(c), i, c));
        }
        b.content(parts);
      }
      return b.build();
    }
    if (m instanceof AiMessage a) {
      io.llmrouter.api.ChatMessage.Builder b = io.llmrouter.api.ChatMessage.builder().role("assistant");
      if (a.text() != null) b.content(a.text());
      if (a.hasToolExecutionRequests()) {
        List<ToolCall> calls = new ArrayList<>();
        for (ToolExecutionRequest r : a.toolExecutionRequests()) {
          calls.add(ToolCall.builder().id(r.id()).type("function")
              .function(FunctionCall.builder().name(r.name()).arguments(r.arguments() == null ? "{}" : r.arguments()).build())
              .build());
        }
        b.toolCalls(calls);
      }
      return b.build();
    }
    if (m instanceof ToolExecutionResultMessage t) {
      if (t.id() == null) {
        throw new InvalidRequestException("messages[" + i + "]: a tool result needs the id of the tool call it answers");
      }
      return io.llmrouter.api.ChatMessage.builder().role("tool").toolCallId(t.id()).content(t.text() == null ? "" : t.text()).build();
    }
    throw new UnsupportedFeatureException("messages[" + i + "]: message type " + m.type() + " is not supported");
  }

  private static ObjectNode part(Content content, int i, int c) {
    if (content instanceof TextContent t) {
      return NODES.objectNode().put("type", "text").put("text", t.text());
    }
    if (content instanceof ImageContent img) {
      String url;
      if (img.image().url() != null) {
        url = img.image().url().toString();
      } else if (img.image().base64Data() != null) {
        String mime = img.image().mimeType() != null ? img.image().mimeType() : "image/png";
        url = "data:" + mime + ";base64," + img.image().base64Data();
      } else {
        throw new InvalidRequestException("messages[" + i + "].content[" + c + "]: an image needs a url or base64 data");
      }
      ObjectNode part = NODES.objectNode().put("type", "image_url");
      ObjectNode image = part.putObject("image_url").put("url", url);
      if (img.detailLevel() != null) image.put("detail", img.detailLevel().name().toLowerCase(java.util.Locale.ROOT));
      return part;
    }
    throw new UnsupportedFeatureException("messages[" + i + "].content[" + c + "]: content type " + content.type() + " is not supported");
  }

  static Tool tool(ToolSpecification s) {
    JsonNode parameters;
    if (s.parameters() == null) {
      parameters = NODES.objectNode().put("type", "object").set("properties", NODES.objectNode());
    } else {
      boolean strict = Boolean.TRUE.equals(s.strict());
      parameters = Json.mapper().valueToTree(JsonSchemaElementUtils.toMap(s.parameters(), strict));
    }
    FunctionDefinition.Builder f = FunctionDefinition.builder().name(s.name()).parameters(parameters);
    if (s.description() != null) f.description(s.description());
    if (s.strict() != null) f.strict(s.strict());
    return Tool.builder().type("function").function(f.build()).build();
  }

  private static JsonNode toolChoice(ToolChoice choice) {
    return switch (choice) {
      case AUTO -> NODES.textNode("auto");
      case REQUIRED -> NODES.textNode("required");
      case NONE -> NODES.textNode("none");
    };
  }

  private static JsonNode responseFormat(ResponseFormat format) {
    if (format.type() == ResponseFormatType.TEXT) {
      return null; // the default: sending it would only trip providers that do not know the field
    }
    JsonSchema schema = format.jsonSchema();
    if (schema == null) {
      return NODES.objectNode().put("type", "json_object");
    }
    ObjectNode rf = NODES.objectNode().put("type", "json_schema");
    ObjectNode js = rf.putObject("json_schema");
    js.put("name", schema.name() == null ? "response" : schema.name());
    js.put("strict", true);
    Map<String, Object> root = JsonSchemaElementUtils.toMap(schema.rootElement(), true);
    js.set("schema", Json.mapper().valueToTree(root));
    return rf;
  }
}
