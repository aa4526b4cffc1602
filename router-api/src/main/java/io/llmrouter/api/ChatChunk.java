package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.util.List;
import java.util.Objects;

/**
 * One streamed chunk ({@code chat.completion.chunk}). A usage-only chunk has an empty {@link #choices()}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ChatChunk.Builder.class)
@JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "system_fingerprint"})
public final class ChatChunk extends ExtensibleJson {
  private final String id;
  private final String object;
  private final Long created;
  private final String model;
  private final List<ChunkChoice> choices;
  private final Usage usage;
  private final String systemFingerprint;

  private ChatChunk(Builder b) {
    super(b.extra);
    this.id = b.id;
    this.object = b.object;
    this.created = b.created;
    this.model = b.model;
    this.choices = b.choices == null ? null : List.copyOf(b.choices);
    this.usage = b.usage;
    this.systemFingerprint = b.systemFingerprint;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.object = object;
    b.created = created;
    b.model = model;
    b.choices = choices;
    b.usage = usage;
    b.systemFingerprint = systemFingerprint;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns completion id, or null when absent. */
  @JsonProperty("id")
  public String id() {
    return id;
  }

  /** Returns normally {@code chat.completion.chunk}, or null when absent. */
  @JsonProperty("object")
  public String object() {
    return object;
  }

  /** Returns epoch seconds, or null when absent. */
  @JsonProperty("created")
  public Long created() {
    return created;
  }

  /** Returns the provider model id that serves the stream, or null when absent. */
  @JsonProperty("model")
  public String model() {
    return model;
  }

  /** Returns the deltas, or null when absent. */
  @JsonProperty("choices")
  public List<ChunkChoice> choices() {
    return choices;
  }

  /** Returns usage, on the final usage chunk, or null when absent. */
  @JsonProperty("usage")
  public Usage usage() {
    return usage;
  }

  /** Returns provider fingerprint, or null when absent. */
  @JsonProperty("system_fingerprint")
  public String systemFingerprint() {
    return systemFingerprint;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ChatChunk)) return false;
    ChatChunk that = (ChatChunk) o;
    return Objects.equals(id, that.id) && Objects.equals(object, that.object) && Objects.equals(created, that.created) && Objects.equals(model, that.model) && Objects.equals(choices, that.choices) && Objects.equals(usage, that.usage) && Objects.equals(systemFingerprint, that.systemFingerprint) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, object, created, model, choices, usage, systemFingerprint, extra());
  }

  /** Builds a {@link ChatChunk}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String id;
    private String object;
    private Long created;
    private String model;
    private List<ChunkChoice> choices;
    private Usage usage;
    private String systemFingerprint;

    private Builder() {}

    /** Sets completion id. */
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

    /** Sets normally {@code chat.completion.chunk}. */
    public Builder object(String object) {
      this.object = object;
      extra.remove("object");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("object")
    private Builder jsonObject(String object) {
      this.object = object;
      keepNull("object", object);
      return this;
    }

    /** Sets epoch seconds. */
    public Builder created(Long created) {
      this.created = created;
      extra.remove("created");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("created")
    private Builder jsonCreated(Long created) {
      this.created = created;
      keepNull("created", created);
      return this;
    }

    /** Sets the provider model id that serves the stream. */
    public Builder model(String model) {
      this.model = model;
      extra.remove("model");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("model")
    private Builder jsonModel(String model) {
      this.model = model;
      keepNull("model", model);
      return this;
    }

    /** Sets the deltas. */
    public Builder choices(List<ChunkChoice> choices) {
      this.choices = choices;
      extra.remove("choices");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("choices")
    private Builder jsonChoices(List<ChunkChoice> choices) {
      this.choices = choices;
      keepNull("choices", choices);
      return this;
    }

    /** Sets the deltas. */
    public Builder choices(ChunkChoice... values) {
      this.choices = List.of(values);
      return this;
    }

    /** Sets usage, on the final usage chunk. */
    public Builder usage(Usage usage) {
      this.usage = usage;
      extra.remove("usage");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("usage")
    private Builder jsonUsage(Usage usage) {
      this.usage = usage;
      keepNull("usage", usage);
      return this;
    }

    /** Sets provider fingerprint. */
    public Builder systemFingerprint(String systemFingerprint) {
      this.systemFingerprint = systemFingerprint;
      extra.remove("system_fingerprint");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("system_fingerprint")
    private Builder jsonSystemFingerprint(String systemFingerprint) {
      this.systemFingerprint = systemFingerprint;
      keepNull("system_fingerprint", systemFingerprint);
      return this;
    }

    /** Builds the immutable value. */
    public ChatChunk build() {
      return new ChatChunk(this);
    }
  }
}
