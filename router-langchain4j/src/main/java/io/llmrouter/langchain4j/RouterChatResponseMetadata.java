package io.llmrouter.langchain4j;

import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.llmrouter.api.Route;
import java.util.Objects;

/**
 * LangChain4j response metadata plus how the router served the call: the model group that answered (after
 * any fallback), the deployment, the provider and the attempts. {@link #modelName()} is the model the
 * provider reported (for example {@code llama-3.1-8b-instant}).
 *
 * <p>Immutable and thread-safe.
 */
public final class RouterChatResponseMetadata extends ChatResponseMetadata {
  private final Route route;

  private RouterChatResponseMetadata(Builder builder) {
    super(builder);
    this.route = builder.route;
  }

  /** The router's account of the call: requested and served group, deployment, attempts, fallbacks. */
  public Route route() {
    return route;
  }

  /** The model group that served the call, which differs from the requested one after a fallback. */
  public String servedModelGroup() {
    return route == null ? null : route.servedModelGroup();
  }

  /** The id of the deployment that served the call. */
  public String deploymentId() {
    return route == null ? null : route.deploymentId();
  }

  /** The provider prefix of the deployment that served the call, such as {@code groq}. */
  public String provider() {
    return route == null ? null : route.provider();
  }

  @Override
  public Builder toBuilder() {
    return ((Builder) toBuilder(builder())).route(route);
  }

  @Override
  public boolean equals(Object o) {
    return super.equals(o) && Objects.equals(route, ((RouterChatResponseMetadata) o).route);
  }

  @Override
  public int hashCode() {
    return 31 * super.hashCode() + Objects.hashCode(route);
  }

  @Override
  public String toString() {
    return "RouterChatResponseMetadata{id=" + id() + ", modelName=" + modelName() + ", tokenUsage=" + tokenUsage()
        + ", finishReason=" + finishReason() + ", route=" + route + "}";
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds {@link RouterChatResponseMetadata}; not thread-safe. */
  public static final class Builder extends ChatResponseMetadata.Builder<Builder> {
    private Route route;

    private Builder() {}

    /** How the router served the call. */
    public Builder route(Route route) {
      this.route = route;
      return this;
    }

    @Override
    public RouterChatResponseMetadata build() {
      return new RouterChatResponseMetadata(this);
    }
  }
}
