package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.LinkedHashMap;
import java.util.Map;
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
public final class FunctionCall {
  private final String name;
  private final String arguments;
  private final Map<String, JsonNode> extra;

  private FunctionCall(Builder b) {
    this.name = b.name;
    this.arguments = b.arguments;
    this.extra = b.extra.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
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
    b.extra.putAll(extra);
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

  /** Returns the JSON fields this type does not model, in arrival order; never null. */
  @JsonAnyGetter
  public Map<String, JsonNode> extra() {
    return extra;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof FunctionCall)) return false;
    FunctionCall that = (FunctionCall) o;
    return Objects.equals(name, that.name) && Objects.equals(arguments, that.arguments) && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, arguments, extra);
  }

  @Override
  public String toString() {
    return Json.write(this);
  }

  /** Builds a {@link FunctionCall}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder {
    private String name;
    private String arguments;
    private final Map<String, JsonNode> extra = new LinkedHashMap<>();

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
      if (name == null) extra.put("name", NullNode.getInstance()); else extra.remove("name");
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
      if (arguments == null) extra.put("arguments", NullNode.getInstance()); else extra.remove("arguments");
      return this;
    }

    /** Sets (or, with a null value, removes) a field this type does not model. */
    @JsonAnySetter
    public Builder extra(String name, JsonNode value) {
      if (value == null) extra.remove(name); else extra.put(name, value);
      return this;
    }

    /** Replaces all extra fields. */
    public Builder extra(Map<String, JsonNode> values) {
      extra.clear();
      extra.putAll(values);
      return this;
    }

    /** Removes an extra field. */
    public Builder removeExtra(String name) {
      extra.remove(name);
      return this;
    }

    /** Builds the immutable value. */
    public FunctionCall build() {
      return new FunctionCall(this);
    }
  }
}
