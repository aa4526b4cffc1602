package io.llmrouter.springai;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.ToolCall;
import io.llmrouter.api.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.model.tool.DefaultToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolCallingChatOptions;
import org.springframework.ai.model.tool.ToolCallingManager;
import org.springframework.ai.model.tool.ToolExecutionEligibilityPredicate;
import org.springframework.ai.model.tool.ToolExecutionResult;
import org.springframework.ai.tool.definition.ToolDefinition;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * A Spring AI {@link ChatModel} (and so {@code StreamingChatModel}) served by a {@link Router} in the same JVM:
 * no HTTP hop, every router behaviour (rate trackers, retries, cooldowns, fallbacks) applies to each call.
 *
 * <pre>{@code
 * ChatModel model = RouterSpringChatModel.builder().router(router).defaultModel("smart").build();
 * String answer = ChatClient.create(model).prompt("Say hello in five words.").call().content();
 * }</pre>
 *
 * <p>The prompt options' model names a model group of the router's configuration (else the default).
 * Messages (system, user with media, assistant with tool calls, tool responses), temperature, top-p, max
 * tokens, stop sequences and a structured-output schema map to the OpenAI fields the router takes;
 * frequency/presence penalty and top-k pass through as their wire fields. Tools given as
 * {@link ToolCallingChatOptions} callbacks or names are sent as function tools and, unless internal tool
 * execution is turned off, run by the {@link ToolCallingManager} and their results sent back, as Spring AI's
 * own models do. Each response carries the usage, the finish reason (upper case, as Spring AI's OpenAI model
 * reports it: {@code STOP}, {@code TOOL_CALLS}) and the router's {@link Route} under the metadata key
 * {@link #ROUTE_METADATA_KEY}.
 *
 * <p>Streaming: {@link #stream(Prompt)} emits one response per text delta; tool-call deltas are assembled and
 * the whole calls arrive in the last response of a round. The router retries and falls back only until the
 * first chunk; an error after that ends the flux with an error and content is never repeated.
 *
 * <p>Errors are Spring AI's {@code TransientAiException} (rate limits, timeouts, outages) or
 * {@code NonTransientAiException} (malformed request, unknown model group, rejected key, provider 400) with
 * the router's typed exception as the cause. Thread-safe; the router is not closed by this model.
 */
public final class RouterSpringChatModel implements ChatModel {
  /** Response metadata key under which each response carries the router's {@link Route}. */
  public static final String ROUTE_METADATA_KEY = Conversions.ROUTE;

  private final Router router;
  private final String defaultModel;
  private final ToolCallingManager tools;
  private final ToolExecutionEligibilityPredicate eligibility = new DefaultToolExecutionEligibilityPredicate();

  private RouterSpringChatModel(Builder b) {
    this.router = Objects.requireNonNull(b.router, "router");
    this.defaultModel = b.defaultModel;
    this.tools = b.toolCallingManager != null ? b.toolCallingManager : ToolCallingManager.builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Sends the prompt through the router, running requested tools until the model answers.
   *
   * @throws org.springframework.ai.retry.TransientAiException for failures a later try may not have
   * @throws org.springframework.ai.retry.NonTransientAiException for failures it will have again
   */
  @Override
  public ChatResponse call(Prompt prompt) {
    Prompt current = prompt;
    while (true) {
      ChatResponse response;
      try {
        response = Conversions.fromRouter(router.chat(Conversions.toRouter(current, defaultModel, toolDefinitions(current), false)));
      } catch (LlmRouterException e) {
        throw Errors.map(e);
      }
      if (current.getOptions() == null || !eligibility.isToolExecutionRequired(current.getOptions(), response)) {
        return response;
      }
      ToolExecutionResult result = tools.executeToolCalls(current, response);
      if (result.returnDirect()) {
        return ChatResponse.builder().from(response).generations(ToolExecutionResult.buildGenerations(result)).build();
      }
      current = new Prompt(result.conversationHistory(), current.getOptions());
    }
  }

  /**
   * Streams the answer; the flux is cold (each subscription is one call chain) and reads the router stream on
   * a bounded-elastic thread. Cancelling the subscription closes the router stream.
   */
  @Override
  public Flux<ChatResponse> stream(Prompt prompt) {
    return Flux.<ChatResponse>defer(() -> round(prompt)).subscribeOn(Schedulers.boundedElastic());
  }

  private Flux<ChatResponse> round(Prompt prompt) {
    RoundState state = new RoundState();
    Flux<ChatResponse> chunks = Flux.using(
        () -> {
          try {
            return router.stream(Conversions.toRouter(prompt, defaultModel, toolDefinitions(prompt), true));
          } catch (LlmRouterException e) {
            throw Errors.map(e);
          }
        },
        stream -> Flux.fromIterable(() -> new MappingIterator(stream, state)),
        ChatStream::close);
    return chunks.concatWith(Flux.defer(() -> {
      ChatResponse last = state.last();
      if (prompt.getOptions() != null && eligibility.isToolExecutionRequired(prompt.getOptions(), last)) {
        ToolExecutionResult result = tools.executeToolCalls(prompt, last);
        if (result.returnDirect()) {
          return Flux.just(ChatResponse.builder().from(last).generations(ToolExecutionResult.buildGenerations(result)).build());
        }
        return round(new Prompt(result.conversationHistory(), prompt.getOptions()));
      }
      return Flux.just(last);
    }));
  }

  private List<ToolDefinition> toolDefinitions(Prompt prompt) {
    if (prompt.getOptions() instanceof ToolCallingChatOptions o) {
      return tools.resolveToolDefinitions(o);
    }
    return List.of();
  }

  @Override
  public ChatOptions getDefaultOptions() {
    return ToolCallingChatOptions.builder().model(defaultModel).build();
  }

  /** What one streamed round has said so far: the text, the assembled tool calls, usage and route. */
  private static final class RoundState {
    final StringBuilder text = new StringBuilder();
    final List<String[]> calls = new ArrayList<>(); // id, name, arguments
    String id;
    String model;
    Usage usage;
    String finishReason;
    Route route;

    void add(ToolCall tc) {
      String[] open = calls.isEmpty() ? null : calls.get(calls.size() - 1);
      int index = tc.index() != null ? tc.index()
          : (open == null || (tc.id() != null && !tc.id().equals(open[0]))) ? calls.size() : calls.size() - 1;
      while (calls.size() <= index) calls.add(new String[] {null, null, ""});
      String[] c = calls.get(index);
      if (tc.id() != null) c[0] = tc.id();
      if (tc.function() != null) {
        if (tc.function().name() != null) c[1] = tc.function().name();
        if (tc.function().arguments() != null) c[2] = c[2] + tc.function().arguments();
      }
    }

    /** The round's closing response: whole tool calls (the text went out in pieces), usage and route. */
    ChatResponse last() {
      List<AssistantMessage.ToolCall> whole = new ArrayList<>();
      for (String[] c : calls) whole.add(new AssistantMessage.ToolCall(c[0], "function", c[1], c[2].isEmpty() ? "{}" : c[2]));
      return new ChatResponse(List.of(Conversions.generation("", whole, finishReason)),
          Conversions.metadata(id, model, usage, route));
    }
  }

  /** Reads router chunks, records them in the round, and yields one response per text delta. */
  private static final class MappingIterator implements java.util.Iterator<ChatResponse> {
    private final ChatStream stream;
    private final RoundState state;
    private ChatResponse pending;
    private boolean done;

    MappingIterator(ChatStream stream, RoundState state) {
      this.stream = stream;
      this.state = state;
      state.route = stream.route();
    }

    @Override
    public boolean hasNext() {
      while (pending == null && !done) {
        ChatChunk chunk;
        try {
          chunk = stream.next();
        } catch (LlmRouterException e) {
          throw Errors.map(e);
        }
        if (chunk == null) {
          done = true;
          break;
        }
        pending = absorb(chunk);
      }
      return pending != null;
    }

    private ChatResponse absorb(ChatChunk chunk) {
      if (chunk.id() != null && state.id == null) state.id = chunk.id();
      if (chunk.model() != null) state.model = chunk.model();
      if (chunk.usage() != null) state.usage = chunk.usage();
      String text = null;
      if (chunk.choices() != null) {
        for (ChunkChoice c : chunk.choices()) {
          if (c.index() != null && c.index() != 0) continue;
          if (c.finishReason() != null) state.finishReason = c.finishReason();
          if (c.delta() == null) continue;
          if (c.delta().toolCalls() != null) c.delta().toolCalls().forEach(state::add);
          String t = c.delta().text();
          if (t != null && !t.isEmpty()) text = t;
        }
      }
      if (text == null) return null;
      state.text.append(text);
      return new ChatResponse(List.of(Conversions.generation(text, List.of(), null)),
          Conversions.metadata(state.id, state.model, null, state.route));
    }

    @Override
    public ChatResponse next() {
      if (!hasNext()) throw new java.util.NoSuchElementException();
      ChatResponse r = pending;
      pending = null;
      return r;
    }
  }

  /** Builds a {@link RouterSpringChatModel}; not thread-safe. */
  public static final class Builder {
    private Router router;
    private String defaultModel;
    private ToolCallingManager toolCallingManager;

    private Builder() {}

    /** The router that serves every call (required). */
    public Builder router(Router router) {
      this.router = router;
      return this;
    }

    /** The model group used when the prompt options name none. */
    public Builder defaultModel(String model) {
      this.defaultModel = model;
      return this;
    }

    /** Resolves and runs tools; default: Spring AI's {@code DefaultToolCallingManager}. */
    public Builder toolCallingManager(ToolCallingManager manager) {
      this.toolCallingManager = manager;
      return this;
    }

    /**
     * Builds the model.
     *
     * @throws NullPointerException when no router was given
     */
    public RouterSpringChatModel build() {
      return new RouterSpringChatModel(this);
    }
  }
}
