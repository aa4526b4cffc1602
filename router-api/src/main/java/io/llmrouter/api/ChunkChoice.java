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
 * One choice delta inside a {@link ChatChunk}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ChunkChoice.Builder.class)
@JsonPropertyOrder({"index", "delta", "finish_reason", "logprobs"})
public final class ChunkChoice extends ExtensibleJson {
  private final Integer index;
  private final ChatMessage delta;
  private final String finishReason;
  private final JsonNode logprobs;

  private ChunkChoice(Builder b) {
    super(b.extra);
    this.index = b.index;
    this.delta = b.delta;
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
    b.delta = delta;
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

  /** Returns the increment, or null when absent. */
  @JsonProperty("delta")
  public ChatMessage delta() {
    return delta;
  }

  /** Returns set on the last delta of the choice, or null when absent. */
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
    if (!(o instanceof ChunkChoice)) return false;
    ChunkChoice that = (ChunkChoice) o;
    return Objects.equals(index, that.index) && Objects.equals(delta, that.delta) && Objects.equals(finishReason, that.finishReason) && Objects.equals(logprobs, that.logprobs) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, delta, finishReason, logprobs, extra());
  }

  /** Builds a {@link ChunkChoice}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private Integer index;
    private ChatMessage delta;
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

    /** Sets the increment. */
    public Builder delta(ChatMessage delta) {
      this.delta = delta;
      extra.remove("delta");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("delta")
    private Builder jsonDelta(ChatMessage delta) {
      this.delta = delta;
      keepNull("delta", delta);
      return this;
    }

    /** Sets set on the last delta of the choice. */
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
    public ChunkChoice build() {
      return new ChunkChoice(this);
    }
  }
}
