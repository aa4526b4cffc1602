package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Base of the JSON value types: keeps every field a type does not model, in arrival order, and writes it
 * back unchanged, so provider extras ({@code x_groq}, reasoning fields, {@code response_format} variants)
 * survive a round trip through the router. Immutable and thread-safe.
 */
public abstract class ExtensibleJson {
  private final Map<String, JsonNode> extra;

  ExtensibleJson(Map<String, JsonNode> extra) {
    this.extra = extra.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** Shares {@code other}'s extra fields (already an unmodifiable copy): for a copy that changes only modelled fields. */
  ExtensibleJson(ExtensibleJson other) {
    this.extra = other.extra;
  }

  /** Returns the JSON fields this type does not model, in arrival order; never null. */
  @JsonAnyGetter
  public final Map<String, JsonNode> extra() {
    return extra;
  }

  /** The value as compact JSON. */
  @Override
  public String toString() {
    return Json.write(this);
  }

  /**
   * The extra-field half of every value builder. Not thread-safe.
   *
   * @param <B> the concrete builder
   */
  public abstract static class Builder<B extends Builder<B>> {
    final Map<String, JsonNode> extra = new LinkedHashMap<>();

    Builder() {}

    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** Sets (or, with a null value, removes) a field the type does not model. */
    @JsonAnySetter
    public B extra(String name, JsonNode value) {
      if (value == null) extra.remove(name); else extra.put(name, value);
      return self();
    }

    /** Replaces all extra fields. */
    public B extra(Map<String, JsonNode> values) {
      extra.clear();
      extra.putAll(values);
      return self();
    }

    /** Removes an extra field. */
    public B removeExtra(String name) {
      extra.remove(name);
      return self();
    }

    // A modelled field that arrived as an explicit JSON null is kept as a null extra, so it is written
    // back as null (strict clients tell "finish_reason": null from a missing field).
    void keepNull(String jsonName, Object value) {
      if (value == null) extra.put(jsonName, NullNode.getInstance()); else extra.remove(jsonName);
    }
  }
}
