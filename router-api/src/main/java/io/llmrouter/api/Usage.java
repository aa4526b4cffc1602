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
 * Token usage. Provider extras such as Groq's {@code queue_time} or OpenRouter's {@code cost} are kept in
 * {@link #extra()}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = Usage.Builder.class)
@JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens"})
public final class Usage extends ExtensibleJson {
  private final Integer promptTokens;
  private final Integer completionTokens;
  private final Integer totalTokens;

  private Usage(Builder b) {
    super(b.extra);
    this.promptTokens = b.promptTokens;
    this.completionTokens = b.completionTokens;
    this.totalTokens = b.totalTokens;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.promptTokens = promptTokens;
    b.completionTokens = completionTokens;
    b.totalTokens = totalTokens;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns tokens in the prompt, or null when absent. */
  @JsonProperty("prompt_tokens")
  public Integer promptTokens() {
    return promptTokens;
  }

  /** Returns tokens generated, or null when absent. */
  @JsonProperty("completion_tokens")
  public Integer completionTokens() {
    return completionTokens;
  }

  /** Returns sum, or null when absent. */
  @JsonProperty("total_tokens")
  public Integer totalTokens() {
    return totalTokens;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Usage)) return false;
    Usage that = (Usage) o;
    return Objects.equals(promptTokens, that.promptTokens) && Objects.equals(completionTokens, that.completionTokens) && Objects.equals(totalTokens, that.totalTokens) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(promptTokens, completionTokens, totalTokens, extra());
  }

  /** Builds a {@link Usage}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private Integer promptTokens;
    private Integer completionTokens;
    private Integer totalTokens;

    private Builder() {}

    /** Sets tokens in the prompt. */
    public Builder promptTokens(Integer promptTokens) {
      this.promptTokens = promptTokens;
      extra.remove("prompt_tokens");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("prompt_tokens")
    private Builder jsonPromptTokens(Integer promptTokens) {
      this.promptTokens = promptTokens;
      keepNull("prompt_tokens", promptTokens);
      return this;
    }

    /** Sets tokens generated. */
    public Builder completionTokens(Integer completionTokens) {
      this.completionTokens = completionTokens;
      extra.remove("completion_tokens");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("completion_tokens")
    private Builder jsonCompletionTokens(Integer completionTokens) {
      this.completionTokens = completionTokens;
      keepNull("completion_tokens", completionTokens);
      return this;
    }

    /** Sets sum. */
    public Builder totalTokens(Integer totalTokens) {
      this.totalTokens = totalTokens;
      extra.remove("total_tokens");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("total_tokens")
    private Builder jsonTotalTokens(Integer totalTokens) {
      this.totalTokens = totalTokens;
      keepNull("total_tokens", totalTokens);
      return this;
    }

    /** Builds the immutable value. */
    public Usage build() {
      return new Usage(this);
    }
  }
}
