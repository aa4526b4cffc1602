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
 * The function part of a {@link ToolCall}: its name and its arguments as a JSON string.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = FunctionCall.Builder.class)
@JsonPropertyOrder({"name", "arguments"})
public final class FunctionCall extends ExtensibleJson {
  private final String name;
  private final String arguments;

  private FunctionCall(Builder b) {
    super(b.extra);
    this.name = b.name;
    this.arguments = b.arguments;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.arguments = arguments;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns function name, or null when absent. */
  @JsonProperty("name")
  public String name() {
    return name;
  }

  /** Returns arguments as a JSON text (possibly a fragment, in a stream), or null when absent. */
  @JsonProperty("arguments")
  public String arguments() {
    return arguments;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof FunctionCall)) return false;
    FunctionCall that = (FunctionCall) o;
    return Objects.equals(name, that.name) && Objects.equals(arguments, that.arguments) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, arguments, extra());
  }

  /** Builds a {@link FunctionCall}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String name;
    private String arguments;

    private Builder() {}

    /** Sets function name. */
    public Builder name(String name) {
      this.name = name;
      extra.remove("name");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("name")
    private Builder jsonName(String name) {
      this.name = name;
      keepNull("name", name);
      return this;
    }

    /** Sets arguments as a JSON text (possibly a fragment, in a stream). */
    public Builder arguments(String arguments) {
      this.arguments = arguments;
      extra.remove("arguments");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("arguments")
    private Builder jsonArguments(String arguments) {
      this.arguments = arguments;
      keepNull("arguments", arguments);
      return this;
    }

    /** Builds the immutable value. */
    public FunctionCall build() {
      return new FunctionCall(this);
    }
  }
}
