package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.util.Objects;

/**
 * One choice of a {@link ChatResponse}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = Choice.Builder.class)
@JsonPropertyOrder({"index", "message", "finish_reason", "logprobs"})
public final class Choice extends ExtensibleJson {
  private final Integer index;
  private final ChatMessage message;
  private final String finishReason;
  private final JsonNode logprobs;

  private Choice(Builder b) {
    super(b.extra);
    this.index = b.index;
    this.message = b.message;
    this.finishReason = b.finishReason;
    this.logprobs = b.logprobs;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.index = index;
    b.message = message;
    b.finishReason = finishReason;
    b.logprobs = logprobs;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns choice index, or null when absent. */
  @JsonProperty("index")
  public Integer index() {
    return index;
  }

  /** Returns the assistant message, or null when absent. */
  @JsonProperty("message")
  public ChatMessage message() {
    return message;
  }

  /** Returns {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, ..., or null when absent. */
  @JsonProperty("finish_reason")
  public String finishReason() {
    return finishReason;
  }

  /** Returns log probabilities, passed through, or null when absent. */
  @JsonProperty("logprobs")
  public JsonNode logprobs() {
    return logprobs;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Choice)) return false;
    Choice that = (Choice) o;
    return Objects.equals(index, that.index) && Objects.equals(message, that.message) && Objects.equals(finishReason, that.finishReason) && Objects.equals(logprobs, that.logprobs) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, message, finishReason, logprobs, extra());
  }

  /** Builds a {@link Choice}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private Integer index;
    private ChatMessage message;
    private String finishReason;
    private JsonNode logprobs;

    private Builder() {}

    /** Sets choice index. */
    public Builder index(Integer index) {
      this.index = index;
      extra.remove("index");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("index")
    private Builder jsonIndex(Integer index) {
      this.index = index;
      keepNull("index", index);
      return this;
    }

    /** Sets the assistant message. */
    public Builder message(ChatMessage message) {
      this.message = message;
      extra.remove("message");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("message")
    private Builder jsonMessage(ChatMessage message) {
      this.message = message;
      keepNull("message", message);
      return this;
    }

    /** Sets {@code stop}, {@code length}, {@code tool_calls}, {@code content_filter}, .... */
    public Builder finishReason(String finishReason) {
      this.finishReason = finishReason;
      extra.remove("finish_reason");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("finish_reason")
    private Builder jsonFinishReason(String finishReason) {
      this.finishReason = finishReason;
      keepNull("finish_reason", finishReason);
      return this;
    }

    /** Sets log probabilities, passed through. */
    @JsonProperty("logprobs")
    public Builder logprobs(JsonNode logprobs) {
      this.logprobs = logprobs;
      return this;
    }

    /** Builds the immutable value. */
    public Choice build() {
      return new Choice(this);
    }
  }
}
