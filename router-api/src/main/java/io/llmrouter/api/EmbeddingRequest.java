package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import java.util.Objects;

/**
 * An OpenAI-compatible embeddings request ({@code POST /v1/embeddings}). {@link #input()} is what OpenAI
 * accepts: one string, an array of strings, one array of token ids, or an array of token-id arrays. Fields
 * the router does not model (NVIDIA NIM's {@code input_type} and {@code truncate}, vLLM's
 * {@code truncate_prompt_tokens}, the router's own {@code num_retries} and {@code mock_*} switches) are
 * kept in {@link #extra()}; the router's fields ({@link ChatRequest#isRouterField}) never go upstream.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = EmbeddingRequest.Builder.class)
@JsonPropertyOrder({"model", "input", "encoding_format", "dimensions", "user", "fallbacks", "timeout"})
public final class EmbeddingRequest extends ExtensibleJson {
  /** {@code encoding_format} for arrays of floats (OpenAI's default). */
  public static final String FLOAT = "float";
  /** {@code encoding_format} for base64 strings of little-endian float32 values. */
  public static final String BASE64 = "base64";

  private final String model;
  private final JsonNode input;
  private final String encodingFormat;
  private final Integer dimensions;
  private final String user;
  private final List<String> fallbacks;
  private final Double timeout;

  private EmbeddingRequest(Builder b) {
    super(b.extra);
    this.model = b.model;
    this.input = b.input == null ? null : b.input.deepCopy();
    this.encodingFormat = b.encodingFormat;
    this.dimensions = b.dimensions;
    this.user = b.user;
    this.fallbacks = b.fallbacks == null ? null : List.copyOf(b.fallbacks);
    this.timeout = b.timeout;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.input = input;
    b.encodingFormat = encodingFormat;
    b.dimensions = dimensions;
    b.user = user;
    b.fallbacks = fallbacks;
    b.timeout = timeout;
    b.extra.putAll(extra());
    return b;
  }

  /**
   * This request without the router-only fields ({@link ChatRequest#isRouterField}): what a provider may
   * see. Returns this instance when there is nothing to remove.
   */
  public EmbeddingRequest withoutRouterFields() {
    boolean dirty = fallbacks != null || timeout != null;
    for (String k : extra().keySet()) dirty |= ChatRequest.isRouterField(k);
    if (!dirty) return this;
    Builder b = toBuilder().fallbacks(null).timeout(null);
    for (String k : extra().keySet()) if (ChatRequest.isRouterField(k)) b.removeExtra(k);
    return b.build();
  }

  /** Returns the model group (a {@code model_name} of the configuration) to route to, or null when absent. */
  @JsonProperty("model")
  public String model() {
    return model;
  }

  /**
   * Returns the input as sent: a string, an array of strings, an array of token ids, or an array of
   * token-id arrays; null when absent. The node is a copy; changing it changes nothing here.
   */
  @JsonProperty("input")
  public JsonNode input() {
    return input == null ? null : input.deepCopy();
  }

  /** Returns {@link #FLOAT} or {@link #BASE64} as requested, or null (float). */
  @JsonProperty("encoding_format")
  public String encodingFormat() {
    return encodingFormat;
  }

  /** Returns the number of dimensions asked for (models that support shortening), or null. */
  @JsonProperty("dimensions")
  public Integer dimensions() {
    return dimensions;
  }

  /** Returns the end-user id, or null. */
  @JsonProperty("user")
  public String user() {
    return user;
  }

  /** Returns model groups to try after the requested one (router-only), or null. */
  @JsonProperty("fallbacks")
  public List<String> fallbacks() {
    return fallbacks;
  }

  /** Returns the whole request's deadline in seconds (router-only), or null for {@code request_timeout}. */
  @JsonProperty("timeout")
  public Double timeout() {
    return timeout;
  }

  /** True when the caller asked for base64 vectors. */
  public boolean wantsBase64() {
    return BASE64.equals(encodingFormat);
  }

  /**
   * How many embeddings the input asks for: 1 for a string or one token array, else the array's length;
   * 0 when there is no input.
   */
  public int inputCount() {
    if (input == null || input.isNull()) return 0;
    if (!input.isArray()) return 1;
    if (input.size() > 0 && input.get(0).isNumber()) return 1;
    return input.size();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof EmbeddingRequest that)) return false;
    return Objects.equals(model, that.model) && Objects.equals(input, that.input) && Objects.equals(encodingFormat, that.encodingFormat)
        && Objects.equals(dimensions, that.dimensions) && Objects.equals(user, that.user) && Objects.equals(fallbacks, that.fallbacks)
        && Objects.equals(timeout, that.timeout) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, input, encodingFormat, dimensions, user, fallbacks, timeout, extra());
  }

  /** Builds an {@link EmbeddingRequest}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String model;
    private JsonNode input;
    private String encodingFormat;
    private Integer dimensions;
    private String user;
    private List<String> fallbacks;
    private Double timeout;

    private Builder() {}

    /** Sets the model group. */
    @JsonProperty("model")
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** Sets the input as JSON (a string, strings, token ids or token-id arrays); the node is copied. */
    @JsonProperty("input")
    public Builder input(JsonNode input) {
      this.input = input == null ? null : input.deepCopy();
      return this;
    }

    /** Sets one text to embed. */
    public Builder input(String text) {
      this.input = text == null ? null : TextNode.valueOf(text);
      return this;
    }

    /** Sets several texts to embed, one embedding each, in order. */
    public Builder input(List<String> texts) {
      if (texts == null) {
        this.input = null;
        return this;
      }
      ArrayNode a = JsonNodeFactory.instance.arrayNode(texts.size());
      for (String t : texts) a.add(t);
      this.input = a;
      return this;
    }

    /** Sets {@code encoding_format}: {@link #FLOAT}, {@link #BASE64}, or null. */
    @JsonProperty("encoding_format")
    public Builder encodingFormat(String encodingFormat) {
      this.encodingFormat = encodingFormat;
      return this;
    }

    /** Sets the number of dimensions. */
    @JsonProperty("dimensions")
    public Builder dimensions(Integer dimensions) {
      this.dimensions = dimensions;
      return this;
    }

    /** Sets the end-user id. */
    @JsonProperty("user")
    public Builder user(String user) {
      this.user = user;
      return this;
    }

    /** Sets the fallback model groups (router-only). */
    @JsonProperty("fallbacks")
    public Builder fallbacks(List<String> fallbacks) {
      this.fallbacks = fallbacks;
      return this;
    }

    /** Sets the request's deadline in seconds (router-only). */
    @JsonProperty("timeout")
    public Builder timeout(Double timeout) {
      this.timeout = timeout;
      return this;
    }

    /** Builds the immutable value. */
    public EmbeddingRequest build() {
      return new EmbeddingRequest(this);
    }
  }
}
