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
 * A tool the model may call.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = Tool.Builder.class)
@JsonPropertyOrder({"type", "function"})
public final class Tool extends ExtensibleJson {
  private final String type;
  private final FunctionDefinition function;

  private Tool(Builder b) {
    super(b.extra);
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
    b.type = type;
    b.function = function;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns normally {@code function}, or null when absent. */
  @JsonProperty("type")
  public String type() {
    return type;
  }

  /** Returns the function's declaration, or null when absent. */
  @JsonProperty("function")
  public FunctionDefinition function() {
    return function;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Tool)) return false;
    Tool that = (Tool) o;
    return Objects.equals(type, that.type) && Objects.equals(function, that.function) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, function, extra());
  }

  /** Builds a {@link Tool}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String type;
    private FunctionDefinition function;

    private Builder() {}

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

    /** Sets the function's declaration. */
    public Builder function(FunctionDefinition function) {
      this.function = function;
      extra.remove("function");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("function")
    private Builder jsonFunction(FunctionDefinition function) {
      this.function = function;
      keepNull("function", function);
      return this;
    }

    /** Builds the immutable value. */
    public Tool build() {
      return new Tool(this);
    }
  }
}
