package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.util.List;
import java.util.Objects;

/**
 * An OpenAI-compatible embeddings response: {@code {"object":"list","data":[...],"model":...,"usage":...}},
 * one {@link Embedding} per input in input order. {@link #model()} is the provider's model id that served;
 * {@link #route()} tells which group and deployment served and what was tried.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = EmbeddingResponse.Builder.class)
@JsonPropertyOrder({"object", "data", "model", "usage"})
public final class EmbeddingResponse extends ExtensibleJson {
  private final String object;
  private final List<Embedding> data;
  private final String model;
  private final Usage usage;
  private final Route route;

  private EmbeddingResponse(Builder b) {
    super(b.extra);
    this.object = b.object;
    this.data = b.data == null ? null : List.copyOf(b.data);
    this.model = b.model;
    this.usage = b.usage;
    this.route = b.route;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras and route included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.object = object;
    b.data = data;
    b.model = model;
    b.usage = usage;
    b.route = route;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns {@code list}, or null when absent. */
  @JsonProperty("object")
  public String object() {
    return object;
  }

  /** Returns the vectors, one per input in input order, or null when absent. */
  @JsonProperty("data")
  public List<Embedding> data() {
    return data;
  }

  /** Returns the provider's model id, or null when absent. */
  @JsonProperty("model")
  public String model() {
    return model;
  }

  /** Returns token usage ({@code prompt_tokens}, {@code total_tokens}), or null when absent. */
  @JsonProperty("usage")
  public Usage usage() {
    return usage;
  }

  /** Returns how the router served this response; null on a raw provider response. Not part of the JSON. */
  @JsonIgnore
  public Route route() {
    return route;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof EmbeddingResponse that)) return false;
    return Objects.equals(object, that.object) && Objects.equals(data, that.data) && Objects.equals(model, that.model)
        && Objects.equals(usage, that.usage) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(object, data, model, usage, extra());
  }

  /** Builds an {@link EmbeddingResponse}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String object;
    private List<Embedding> data;
    private String model;
    private Usage usage;
    private Route route;

    private Builder() {}

    /** Sets {@code object}. */
    @JsonProperty("object")
    public Builder object(String object) {
      this.object = object;
      return this;
    }

    /** Sets the vectors. */
    @JsonProperty("data")
    public Builder data(List<Embedding> data) {
      this.data = data;
      return this;
    }

    /** Sets the provider's model id. */
    @JsonProperty("model")
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** Sets token usage. */
    @JsonProperty("usage")
    public Builder usage(Usage usage) {
      this.usage = usage;
      return this;
    }

    /** Attaches the router's {@link Route}. */
    public Builder route(Route route) {
      this.route = route;
      return this;
    }

    /** Builds the immutable value. */
    public EmbeddingResponse build() {
      return new EmbeddingResponse(this);
    }
  }
}
