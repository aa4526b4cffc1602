package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Objects;

/**
 * One vector of an {@link EmbeddingResponse}: {@code {"object":"embedding","index":0,"embedding":[...]}}.
 * {@link #embedding()} is an array of numbers, or, for {@code encoding_format: base64}, a base64 string of
 * little-endian float32 values (OpenAI's encoding); {@link #vector()} reads either.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = Embedding.Builder.class)
@JsonPropertyOrder({"object", "index", "embedding"})
public final class Embedding extends ExtensibleJson {
  private final String object;
  private final Integer index;
  private final JsonNode embedding;

  private Embedding(Builder b) {
    super(b.extra);
    this.object = b.object;
    this.index = b.index;
    this.embedding = b.embedding;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.object = object;
    b.index = index;
    b.embedding = embedding;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns {@code embedding}, or null when absent. */
  @JsonProperty("object")
  public String object() {
    return object;
  }

  /** Returns the position of the input this vector belongs to, or null when absent. */
  @JsonProperty("index")
  public Integer index() {
    return index;
  }

  /** Returns the vector as sent: an array of numbers or a base64 string; null when absent. A copy. */
  @JsonProperty("embedding")
  public JsonNode embedding() {
    return embedding == null ? null : embedding.deepCopy();
  }

  /** True when {@link #embedding()} is a base64 string. Not part of the JSON. */
  @JsonIgnore
  public boolean isBase64() {
    return embedding != null && embedding.isTextual();
  }

  /**
   * The vector as floats, decoded from either form.
   *
   * @throws IllegalStateException when the embedding is absent, holds a non-number, or is base64 that is
   *     not a whole number of float32 values
   */
  public float[] vector() {
    if (embedding == null || embedding.isNull()) throw new IllegalStateException("embedding has no vector");
    if (embedding.isTextual()) return decodeBase64(embedding.textValue());
    if (!embedding.isArray()) throw new IllegalStateException("embedding is neither an array nor a base64 string");
    float[] out = new float[embedding.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode n = embedding.get(i);
      if (!n.isNumber()) throw new IllegalStateException("embedding[" + i + "] is not a number");
      out[i] = n.floatValue();
    }
    return out;
  }

  /**
   * Decodes OpenAI's base64 form: little-endian IEEE-754 float32 values.
   *
   * @throws IllegalStateException when {@code base64} is not base64 or not a multiple of 4 bytes
   */
  public static float[] decodeBase64(String base64) {
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("embedding is not valid base64: " + e.getMessage(), e);
    }
    if (bytes.length % 4 != 0) throw new IllegalStateException("base64 embedding has " + bytes.length + " bytes, not a multiple of 4");
    float[] out = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** Encodes {@code vector} in OpenAI's base64 form (little-endian float32). */
  public static String encodeBase64(float[] vector) {
    ByteBuffer b = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(vector);
    return Base64.getEncoder().encodeToString(b.array());
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof Embedding that)) return false;
    return Objects.equals(object, that.object) && Objects.equals(index, that.index) && Objects.equals(embedding, that.embedding)
        && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(object, index, embedding, extra());
  }

  /** Builds an {@link Embedding}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String object;
    private Integer index;
    private JsonNode embedding;

    private Builder() {}

    /** Sets {@code object}. */
    @JsonProperty("object")
    public Builder object(String object) {
      this.object = object;
      return this;
    }

    /** Sets the input position. */
    @JsonProperty("index")
    public Builder index(Integer index) {
      this.index = index;
      return this;
    }

    /** Sets the vector as JSON (an array of numbers or a base64 string); the node is copied. */
    @JsonProperty("embedding")
    public Builder embedding(JsonNode embedding) {
      this.embedding = embedding == null ? null : embedding.deepCopy();
      return this;
    }

    /** Sets the vector as an array of numbers. */
    public Builder vector(float[] vector) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode(vector.length);
      for (float f : vector) a.add(f);
      this.embedding = a;
      return this;
    }

    /** Sets the vector in base64 form. */
    public Builder base64(float[] vector) {
      this.embedding = TextNode.valueOf(encodeBase64(vector));
      return this;
    }

    /** Builds the immutable value. */
    public Embedding build() {
      return new Embedding(this);
    }
  }
}
