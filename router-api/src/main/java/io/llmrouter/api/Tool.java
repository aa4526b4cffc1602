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
 * A tool the model may call.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = Tool.Builder.class)
@JsonPropertyOrder({"type", "function"})
public final class Tool {
  private final String type;
  private final FunctionDefinition function;
  private final Map<String, JsonNode> extra;

  private Tool(Builder b) {
    this.type = b.type;
    this.function = b.function;
    this.extra = b.extra.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
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
    b.extra.putAll(extra);
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

  /** Returns the JSON fields this type does not model, in arrival order; never null. */
  @JsonAnyGetter
  public Map<String, JsonNode> extra() {
    return extra;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Tool)) return false;
    Tool that = (Tool) o;
    return Objects.equals(type, that.type) && Objects.equals(function, that.function) && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, function, extra);
  }

  @Override
  public String toString() {
    return Json.write(this);
  }

  /** Builds a {@link Tool}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder {
    private String type;
    private FunctionDefinition function;
    private final Map<String, JsonNode> extra = new LinkedHashMap<>();

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
      if (type == null) extra.put("type", NullNode.getInstance()); else extra.remove("type");
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
      if (function == null) extra.put("function", NullNode.getInstance()); else extra.remove("function");
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
    public Tool build() {
      return new Tool(this);
    }
  }
}
