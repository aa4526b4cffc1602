package io.llmrouter.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * A non-streamed chat completion. {@link #model()} is the provider's own model id that served, as
 * LiteLLM reports it; {@link #route()} tells which group and deployment served and what was tried.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ChatResponse.Builder.class)
@JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "system_fingerprint"})
public final class ChatResponse extends ExtensibleJson {
  private final String id;
  private final String object;
  private final Long created;
  private final String model;
  private final List<Choice> choices;
  private final Usage usage;
  private final String systemFingerprint;
  private final Route route;
  // The exact JSON this value was read from, while nothing changed it: written out as it came (see sourceJson).
  private final byte[] sourceJson;

  private ChatResponse(Builder b) {
    super(b.extra);
    this.id = b.id;
    this.object = b.object;
    this.created = b.created;
    this.model = b.model;
    this.choices = b.choices == null ? null : List.copyOf(b.choices);
    this.usage = b.usage;
    this.systemFingerprint = b.systemFingerprint;
    this.route = b.route;
    this.sourceJson = null;
  }

  private ChatResponse(ChatResponse r, String model, Route route, byte[] sourceJson) {
    super(r);
    this.id = r.id;
    this.object = r.object;
    this.created = r.created;
    this.model = model;
    this.choices = r.choices;
    this.usage = r.usage;
    this.systemFingerprint = r.systemFingerprint;
    this.route = route;
    this.sourceJson = sourceJson;
  }

  /**
   * Returns this response with {@code model} and {@code route}, equal to
   * {@code toBuilder().model(model).route(route).build()} but sharing every other field instead of copying it
   * through a builder: the router attaches its route to every answer this way. The {@link #sourceJson()} is
   * kept when {@code model} is this response's own (the route is not part of the JSON), dropped otherwise.
   */
  public ChatResponse withModelAndRoute(String model, Route route) {
    // An explicit JSON null "model" kept as an extra: the builder drops it when the model is set.
    if (extra().containsKey("model")) return toBuilder().model(model).route(route).build();
    return new ChatResponse(this, model, route, Objects.equals(model, this.model) ? sourceJson : null);
  }

  /**
   * Returns this response remembering {@code json} as the exact JSON it was read from, for a writer that
   * would otherwise write this value back to JSON (the HTTP facade sends it as it came instead). Only for a
   * provider client that parsed this very value from {@code json} with no coercion (no number read as text,
   * no text as a number, no float as an integer) and nothing after the object: then the two are the same JSON
   * value, only the spacing, the order of the fields and the escapes may differ. The array is kept, not
   * copied; the caller must not change it. Any later change through {@link #toBuilder()} or a new model
   * through {@link #withModelAndRoute} forgets it.
   */
  public ChatResponse withSourceJson(byte[] json) {
    return new ChatResponse(this, model, route, Objects.requireNonNull(json, "json"));
  }

  /**
   * Returns the JSON this response was read from, read-only, when it is still exactly this value (see
   * {@link #withSourceJson}); null for a response built or changed in code. Not part of the JSON or of
   * {@link #equals}.
   */
  @JsonIgnore
  public ByteBuffer sourceJson() {
    return sourceJson == null ? null : ByteBuffer.wrap(sourceJson).asReadOnlyBuffer();
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
    b.route = route;
    return b;
  }

  /** Returns the provider's completion id, or null when absent. */
  @JsonProperty("id")
  public String id() {
    return id;
  }

  /** Returns normally {@code chat.completion}, or null when absent. */
  @JsonProperty("object")
  public String object() {
    return object;
  }

  /** Returns epoch seconds, or null when absent. */
  @JsonProperty("created")
  public Long created() {
    return created;
  }

  /** Returns the provider model id that served, or null when absent. */
  @JsonProperty("model")
  public String model() {
    return model;
  }

  /** Returns the choices, or null when absent. */
  @JsonProperty("choices")
  public List<Choice> choices() {
    return choices;
  }

  /** Returns token usage, when the provider reported it, or null when absent. */
  @JsonProperty("usage")
  public Usage usage() {
    return usage;
  }

  /** Returns provider fingerprint, or null when absent. */
  @JsonProperty("system_fingerprint")
  public String systemFingerprint() {
    return systemFingerprint;
  }

  /** Returns how the router served this response; null on a raw provider response. Not part of the JSON. */
  @JsonIgnore
  public Route route() {
    return route;
  }

  /** Returns the text of the first choice's message, or null. */
  public String text() {
    if (choices == null || choices.isEmpty() || choices.get(0).message() == null) return null;
    return choices.get(0).message().text();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ChatResponse)) return false;
    ChatResponse that = (ChatResponse) o;
    return Objects.equals(id, that.id) && Objects.equals(object, that.object) && Objects.equals(created, that.created) && Objects.equals(model, that.model) && Objects.equals(choices, that.choices) && Objects.equals(usage, that.usage) && Objects.equals(systemFingerprint, that.systemFingerprint) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, object, created, model, choices, usage, systemFingerprint, extra());
  }

  /** Builds a {@link ChatResponse}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String id;
    private String object;
    private Long created;
    private String model;
    private List<Choice> choices;
    private Usage usage;
    private String systemFingerprint;
    private Route route;

    private Builder() {}

    /** Sets the provider's completion id. */
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

    /** Sets normally {@code chat.completion}. */
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

    /** Sets the provider model id that served. */
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

    /** Sets the choices. */
    public Builder choices(List<Choice> choices) {
      this.choices = choices;
      extra.remove("choices");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("choices")
    private Builder jsonChoices(List<Choice> choices) {
      this.choices = choices;
      keepNull("choices", choices);
      return this;
    }

    /** Sets the choices. */
    public Builder choices(Choice... values) {
      this.choices = List.of(values);
      return this;
    }

    /** Sets token usage, when the provider reported it. */
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

    /** Attaches the router's {@link Route}. */
    public Builder route(Route route) {
      this.route = route;
      return this;
    }

    /** Builds the immutable value. */
    public ChatResponse build() {
      return new ChatResponse(this);
    }
  }
}
