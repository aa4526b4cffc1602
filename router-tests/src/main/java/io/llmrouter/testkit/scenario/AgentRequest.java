package io.llmrouter.testkit.scenario;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.FunctionDefinition;
import io.llmrouter.api.Tool;
import java.time.Duration;

/**
 * One request of a simulated agent day: when it arrives (offset from the start of the day), which model
 * group it asks for, how long its prompt is, and whether it streams or carries tools.
 *
 * @param index the request's position in the day, from 0
 * @param at the arrival time, as an offset from the day's start
 * @param model the model group requested
 * @param promptTokens the prompt's size in simulator tokens (characters / 4)
 * @param maxTokens the completion cap sent as {@code max_tokens}
 * @param stream whether the request asks for SSE streaming
 * @param tools whether the request carries a tool definition
 */
public record AgentRequest(int index, Duration at, String model, int promptTokens, int maxTokens, boolean stream, boolean tools) {

  private static final String FILLER = "The agent's working notes repeat here to fill the context window. ";

  /** Builds the OpenAI-compatible request: a system prompt, then a user message of {@link #promptTokens()} tokens. */
  public ChatRequest toChatRequest() {
    String head = "task " + index + ": summarise the ticket and propose the next step. ";
    StringBuilder sb = new StringBuilder(promptTokens * 4 + 16).append(head);
    while (sb.length() < promptTokens * 4) sb.append(FILLER);
    sb.setLength(Math.max(head.length(), promptTokens * 4));
    ChatRequest.Builder b = ChatRequest.builder().model(model)
        .messages(ChatMessage.system("You are a careful coding agent."), ChatMessage.user(sb.toString()))
        .maxTokens(maxTokens);
    if (stream) b.stream(true);
    if (tools) b.tools(TOOL);
    return b.build();
  }

  private static final Tool TOOL = tool();

  private static Tool tool() {
    ObjectNode params = JsonNodeFactory.instance.objectNode().put("type", "object");
    params.putObject("properties").putObject("path").put("type", "string");
    params.putArray("required").add("path");
    return Tool.builder().type("function").function(FunctionDefinition.builder().name("read_file")
        .description("Reads a file of the repository").parameters(params).build()).build();
  }
}
