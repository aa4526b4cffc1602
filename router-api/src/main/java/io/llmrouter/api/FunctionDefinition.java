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
 * Declaration of a callable function.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = FunctionDefinition.Builder.class)
@JsonPropertyOrder({"name", "description", "parameters", "strict"})
public final class FunctionDefinition extends ExtensibleJson {
  private final String name;
  private final String description;
  private final JsonNode parameters;
  private final Boolean strict;

  private FunctionDefinition(Builder b) {
    super(b.extra);
    this.name = b.name;
    this.description = b.description;
    this.parameters = b.parameters;
    this.strict = b.strict;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.name = name;
    b.description = description;
    b.parameters = parameters;
    b.strict = strict;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns function name, or null when absent. */
  @JsonProperty("name")
  public String name() {
    return name;
  }

  /** Returns what it does, or null when absent. */
  @JsonProperty("description")
  public String description() {
    return description;
  }

  /** Returns JSON schema of the arguments, or null when absent. */
  @JsonProperty("parameters")
  public JsonNode parameters() {
    return parameters;
  }

  /** Returns strict schema adherence, or null when absent. */
  @JsonProperty("strict")
  public Boolean strict() {
    return strict;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof FunctionDefinition)) return false;
    FunctionDefinition that = (FunctionDefinition) o;
    return Objects.equals(name, that.name) && Objects.equals(description, that.description) && Objects.equals(parameters, that.parameters) && Objects.equals(strict, that.strict) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, description, parameters, strict, extra());
  }

  /** Builds a {@link FunctionDefinition}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String name;
    private String description;
    private JsonNode parameters;
    private Boolean strict;

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

    /** Sets what it does. */
    public Builder description(String description) {
      this.description = description;
      extra.remove("description");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("description")
    private Builder jsonDescription(String description) {
      this.description = description;
      keepNull("description", description);
      return this;
    }

    /** Sets JSON schema of the arguments. */
    @JsonProperty("parameters")
    public Builder parameters(JsonNode parameters) {
      this.parameters = parameters;
      return this;
    }

    /** Sets strict schema adherence. */
    public Builder strict(Boolean strict) {
      this.strict = strict;
      extra.remove("strict");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("strict")
    private Builder jsonStrict(Boolean strict) {
      this.strict = strict;
      keepNull("strict", strict);
      return this;
    }

    /** Builds the immutable value. */
    public FunctionDefinition build() {
      return new FunctionDefinition(this);
    }
  }
}
