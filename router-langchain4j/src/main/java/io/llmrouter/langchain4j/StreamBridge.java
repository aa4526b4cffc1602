package io.llmrouter.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Route;
import io.llmrouter.api.StreamListener;
import io.llmrouter.api.ToolCall;
import io.llmrouter.api.Usage;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds router chunks to a LangChain4j handler and assembles the complete response: text, reasoning, and
 * tool calls from their deltas (the first delta of a call carries its id and name, later ones pieces of the
 * arguments). A call without an {@code index} (Gemini sends whole calls that way) is a new call when its id
 * is new, else the continuation of the last one. Runs on one router thread, so it needs no locking.
 */
final class StreamBridge implements StreamListener {
  private final StreamingChatResponseHandler handler;
  private final StringBuilder text = new StringBuilder();
  private final StringBuilder thinking = new StringBuilder();
  private final List<Call> calls = new ArrayList<>();
  private Call open;
  private String id;
  private String model;
  private Usage usage;
  private String finishReason;
  private boolean ended;

  private static final class Call {
    final int index;
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();

    Call(int index) {
      this.index = index;
    }

    ToolExecutionRequest request() {
      String args = arguments.length() == 0 ? "{}" : arguments.toString();
      return ToolExecutionRequest.builder().id(id).name(name).arguments(args).build();
    }
  }

  StreamBridge(StreamingChatResponseHandler handler) {
    this.handler = handler;
  }

  @Override
  public void onChunk(ChatChunk chunk) {
    if (chunk.id() != null && id == null) id = chunk.id();
    if (chunk.model() != null) model = chunk.model();
    if (chunk.usage() != null) usage = chunk.usage();
    if (chunk.choices() == null) return;
    for (ChunkChoice c : chunk.choices()) {
      if (c.index() != null && c.index() != 0) continue; // n > 1 is not a LangChain4j notion
      if (c.finishReason() != null) finishReason = c.finishReason();
      ChatMessage delta = c.delta();
      if (delta == null) continue;
      String think = Responses.thinking(delta);
      if (think != null && !think.isEmpty()) {
        thinking.append(think);
        handler.onPartialThinking(new PartialThinking(think));
      }
      String t = delta.text();
      if (t != null && !t.isEmpty()) {
        text.append(t);
        handler.onPartialResponse(t);
      }
      if (delta.toolCalls() != null) {
        for (ToolCall tc : delta.toolCalls()) toolDelta(tc);
      }
    }
  }

  private void toolDelta(ToolCall tc) {
    int index;
    if (tc.index() != null) {
      index = tc.index();
    } else if (open == null || (tc.id() != null && !tc.id().equals(open.id))) {
      index = calls.size();
    } else {
      index = open.index;
    }
    if (open == null || open.index != index) {
      if (open != null) completed(open);
      open = new Call(index);
      calls.add(open);
    }
    if (tc.id() != null) open.id = tc.id();
    String fragment = null;
    if (tc.function() != null) {
      if (tc.function().name() != null) open.name = tc.function().name();
      fragment = tc.function().arguments();
      if (fragment != null) open.arguments.append(fragment);
    }
    // LangChain4j refuses an empty fragment: the delta that only opens a call (id, name) is not reported.
    if (fragment != null && !fragment.isEmpty()) {
      handler.onPartialToolCall(PartialToolCall.builder().index(index).id(open.id).name(open.name)
          .partialArguments(fragment).build());
    }
  }

  private void completed(Call c) {
    handler.onCompleteToolCall(new CompleteToolCall(c.index, c.request()));
  }

  @Override
  public void onComplete(Route route) {
    if (ended) return;
    ended = true;
    if (open != null) completed(open);
    List<ToolExecutionRequest> requests = new ArrayList<>();
    for (Call c : calls) requests.add(c.request());
    ChatResponse response = ChatResponse.builder()
        .aiMessage(Responses.aiMessage(text.toString(), thinking.toString(), requests))
        .metadata(Responses.metadata(id, model, usage, finishReason, route))
        .build();
    handler.onCompleteResponse(response);
  }

  @Override
  public void onError(LlmRouterException error) {
    fail(Errors.map(error));
  }

  /** Ends the stream with {@code error} unless it has already ended. */
  void fail(Throwable error) {
    if (ended) return;
    ended = true;
    handler.onError(error);
  }
}
