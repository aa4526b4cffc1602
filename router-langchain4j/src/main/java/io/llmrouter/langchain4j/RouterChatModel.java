package io.llmrouter.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link ChatModel} served by a {@link Router} in the same JVM: no HTTP hop, and every
 * router behaviour (rate trackers, retries, cooldowns, fallbacks) applies to each call.
 *
 * <pre>{@code
 * ChatModel model = RouterChatModel.builder().router(router).modelName("smart").build();
 * String answer = model.chat("Say hello in five words.");
 * }</pre>
 *
 * <p>The model name is a model group of the router's configuration; a request's own
 * {@code parameters().modelName()} overrides it. Messages (system, user with text and images, assistant with
 * tool calls, tool results), tool specifications and tool choice, response format (JSON object or JSON
 * schema), temperature, top-p, max output tokens and stop sequences map to the OpenAI fields the router
 * takes; frequency/presence penalty and top-k pass through as their wire fields. The response carries the
 * usage, the finish reason and {@link RouterChatResponseMetadata} naming who served the call.
 *
 * <p>Errors are LangChain4j's types with the router's typed exception as the cause: a rate limit or a
 * chain whose deployments all reopen later is a {@code RateLimitException}; a rejected upstream key an
 * {@code AuthenticationException}; a malformed request, too long a context or a provider 400 an
 * {@code InvalidRequestException} (a model group that does not exist a {@code ModelNotFoundException});
 * the request deadline a {@code TimeoutException}; a provider outage an {@code InternalServerException}.
 *
 * <p>Thread-safe; the router is not closed by this model (its owner closes it).
 */
public final class RouterChatModel implements ChatModel {
  private final Router router;
  private final String modelName;
  private final ChatRequestParameters defaults;
  private final List<ChatModelListener> listeners;

  private RouterChatModel(Builder b) {
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
   * Sends the request through the router and waits for the answer.
   *
   * @throws dev.langchain4j.exception.LangChain4jException a subtype named in the class comment, whose cause
   *     is the router's {@link LlmRouterException}
   */
  @Override
  public ChatResponse doChat(ChatRequest chatRequest) {
    io.llmrouter.api.ChatRequest request = Requests.toRouter(chatRequest, modelName, false);
    try {
      return Responses.fromRouter(router.chat(request));
    } catch (LlmRouterException e) {
      throw Errors.map(e);
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

  /** Builds a {@link RouterChatModel}; not thread-safe. */
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

    /**
     * Parameters every request starts from (a request's own parameters override them). When given, its
     * model name replaces {@link #modelName(String)} as the default only if set.
     */
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
    public RouterChatModel build() {
      if (defaults != null && defaults.modelName() == null && modelName != null) {
        defaults = defaults.overrideWith(DefaultChatRequestParameters.builder().modelName(modelName).build());
      }
      return new RouterChatModel(this);
    }
  }
}
