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
 * A tool call requested by the assistant; in a streamed delta, {@link #index()} identifies the call
 * the fragment belongs to.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ToolCall.Builder.class)
@JsonPropertyOrder({"index", "id", "type", "function"})
public final class ToolCall {
  private final Integer index;
  private final String id;
  private final String type;
  private final FunctionCall function;
  private final Map<String, JsonNode> extra;

  private ToolCall(Builder b) {
    this.index = b.index;
    this.id = b.id;
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
    b.index = index;
    b.id = id;
    b.type = type;
    b.function = function;
    b.extra.putAll(extra);
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

  /** Returns the JSON fields this type does not model, in arrival order; never null. */
  @JsonAnyGetter
  public Map<String, JsonNode> extra() {
    return extra;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ToolCall)) return false;
    ToolCall that = (ToolCall) o;
    return Objects.equals(index, that.index) && Objects.equals(id, that.id) && Objects.equals(type, that.type) && Objects.equals(function, that.function) && extra.equals(that.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(index, id, type, function, extra);
  }

  @Override
  public String toString() {
    return Json.write(this);
  }

  /** Builds a {@link ToolCall}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder {
    private Integer index;
    private String id;
    private String type;
    private FunctionCall function;
    private final Map<String, JsonNode> extra = new LinkedHashMap<>();

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
      if (index == null) extra.put("index", NullNode.getInstance()); else extra.remove("index");
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
      if (id == null) extra.put("id", NullNode.getInstance()); else extra.remove("id");
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
      if (type == null) extra.put("type", NullNode.getInstance()); else extra.remove("type");
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
    public ToolCall build() {
      return new ToolCall(this);
    }
  }
}
