package io.llmrouter.langchain4j;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link StreamingChatModel} served by a {@link Router} in the same JVM. Requests map as for
 * {@link RouterChatModel}; the stream asks for usage ({@code stream_options.include_usage}).
 *
 * <pre>{@code
 * StreamingChatModel model = RouterStreamingChatModel.builder().router(router).modelName("fast").build();
 * model.chat("Count to three.", handler);
 * }</pre>
 *
 * <p>The handler is called on a router thread, in order: {@code onPartialResponse} for each piece of
 * text, {@code onPartialThinking} for reasoning text, {@code onPartialToolCall} for each tool-call delta
 * (with the call's index, id and name so far), {@code onCompleteToolCall} once a call's arguments are
 * whole, then exactly one of {@code onCompleteResponse} (the assembled message, usage, finish reason and
 * {@link RouterChatResponseMetadata}) or {@code onError}. Fallback rule: the router retries and falls back
 * only until the first chunk reaches the handler; an error after that ends the stream with
 * {@code onError} and content is never repeated. Errors map as for {@link RouterChatModel}, the router's
 * typed exception being the cause.
 *
 * <p>Thread-safe; the router is not closed by this model.
 */
public final class RouterStreamingChatModel implements StreamingChatModel {
  private final Router router;
  private final String modelName;
  private final ChatRequestParameters defaults;
  private final List<ChatModelListener> listeners;

  private RouterStreamingChatModel(Builder b) {
    this.router = Objects.requireNonNull(b.router, "router");
    this.modelName = b.modelName;
    this.defaults = b.defaults != null ? b.defaults
        : DefaultChatRequestParameters.builder().modelName(b.modelName).build();
    this.listeners = List.copyOf(b.listeners);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts the stream and returns; the outcome reaches {@code handler} (a request that cannot be mapped or
   * is refused at once reaches {@code onError} too, before this method returns).
   */
  @Override
  public void doChat(ChatRequest chatRequest, StreamingChatResponseHandler handler) {
    StreamBridge bridge = new StreamBridge(handler);
    try {
      router.stream(Requests.toRouter(chatRequest, modelName, true), bridge);
    } catch (LlmRouterException e) {
      bridge.fail(Errors.map(e));
    } catch (RuntimeException e) {
      bridge.fail(e);
    }
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return defaults;
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  /** Builds a {@link RouterStreamingChatModel}; not thread-safe. */
  public static final class Builder {
    private Router router;
    private String modelName;
    private ChatRequestParameters defaults;
    private List<ChatModelListener> listeners = List.of();

    private Builder() {}

    /** The router that serves every call (required). */
    public Builder router(Router router) {
      this.router = router;
      return this;
    }

    /** The model group used when a request names none. */
    public Builder modelName(String modelName) {
      this.modelName = modelName;
      return this;
    }

    /** Parameters every request starts from (a request's own parameters override them). */
    public Builder defaultRequestParameters(ChatRequestParameters parameters) {
      this.defaults = parameters;
      return this;
    }

    /** LangChain4j listeners, called around every request. */
    public Builder listeners(List<ChatModelListener> listeners) {
      this.listeners = List.copyOf(listeners);
      return this;
    }

    /**
     * Builds the model.
     *
     * @throws NullPointerException when no router was given
     */
    public RouterStreamingChatModel build() {
      if (defaults != null && defaults.modelName() == null && modelName != null) {
        defaults = defaults.overrideWith(DefaultChatRequestParameters.builder().modelName(modelName).build());
      }
      return new RouterStreamingChatModel(this);
    }
  }
}
