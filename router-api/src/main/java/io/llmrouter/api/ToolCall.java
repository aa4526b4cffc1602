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
 * A tool call requested by the assistant; in a streamed delta, {@link #index()} identifies the call
 * the fragment belongs to.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ToolCall.Builder.class)
@JsonPropertyOrder({"index", "id", "type", "function"})
public final class ToolCall extends ExtensibleJson {
  private final Integer index;
  private final String id;
  private final String type;
  private final FunctionCall function;

  private ToolCall(Builder b) {
    super(b.extra);
    this.index = b.index;
    this.id = b.id;
    this.type = b.type;
    this.function = b.function;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.index = index;
    b.id = id;
    b.type = type;
    b.function = function;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns position in a streamed delta, or null when absent. */
  @JsonProperty("index")
  public Integer index() {
    return index;
  }

  /** Returns call id, or null when absent. */
  @JsonProperty("id")
  public String id() {
    return id;
  }

  /** Returns normally {@code function}, or null when absent. */
  @JsonProperty("type")
  public String type() {
    return type;
  }

  /** Returns name and JSON arguments, or null when absent. */
  @JsonProperty("function")
  public FunctionCall function() {
    return function;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ToolCall)) return false;
    ToolCall that = (ToolCall) o;
    return Objects.equals(index, that.index) && Objects.equals(id, that.id) && Objects.equals(type, that.type) && Objects.equals(function, that.function) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, id, type, function, extra());
  }

  /** Builds a {@link ToolCall}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private Integer index;
    private String id;
    private String type;
    private FunctionCall function;

    private Builder() {}

    /** Sets position in a streamed delta. */
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

    /** Sets call id. */
    public Builder id(String id) {
      this.id = id;
      extra.remove("id");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("id")
    private Builder jsonId(String id) {
      this.id = id;
      keepNull("id", id);
      return this;
    }

    /** Sets normally {@code function}. */
    public Builder type(String type) {
      this.type = type;
      extra.remove("type");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("type")
    private Builder jsonType(String type) {
      this.type = type;
      keepNull("type", type);
      return this;
    }

    /** Sets name and JSON arguments. */
    public Builder function(FunctionCall function) {
      this.function = function;
      extra.remove("function");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("function")
    private Builder jsonFunction(FunctionCall function) {
      this.function = function;
      keepNull("function", function);
      return this;
    }

    /** Builds the immutable value. */
    public ToolCall build() {
      return new ToolCall(this);
    }
  }
}
