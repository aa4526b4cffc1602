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
 * One chat message (also used as the {@code delta} of a streamed chunk). {@code content} is kept as raw JSON
 * because providers accept a string, an array of parts, or {@code null}.
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ChatMessage.Builder.class)
@JsonPropertyOrder({"role", "content", "name", "tool_calls", "tool_call_id"})
public final class ChatMessage extends ExtensibleJson {
  private final String role;
  private final JsonNode content;
  private final String name;
  private final List<ToolCall> toolCalls;
  private final String toolCallId;

  private ChatMessage(Builder b) {
    super(b.extra);
    this.role = b.role;
    this.content = b.content;
    this.name = b.name;
    this.toolCalls = b.toolCalls == null ? null : List.copyOf(b.toolCalls);
    this.toolCallId = b.toolCallId;
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.role = role;
    b.content = content;
    b.name = name;
    b.toolCalls = toolCalls;
    b.toolCallId = toolCallId;
    b.extra.putAll(extra());
    return b;
  }

  /** Returns {@code system}, {@code user}, {@code assistant} or {@code tool}; may be absent in a streamed delta, or null when absent. */
  @JsonProperty("role")
  public String role() {
    return role;
  }

  /** Returns the content: a JSON string, an array of content parts, or JSON null, or null when absent. */
  @JsonProperty("content")
  public JsonNode content() {
    return content;
  }

  /** Returns optional participant name, or null when absent. */
  @JsonProperty("name")
  public String name() {
    return name;
  }

  /** Returns tool calls requested by the assistant, or null when absent. */
  @JsonProperty("tool_calls")
  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /** Returns for {@code tool} messages, the call this answers, or null when absent. */
  @JsonProperty("tool_call_id")
  public String toolCallId() {
    return toolCallId;
  }

  /**
   * Returns the content as plain text: the string itself, or the concatenated {@code text} parts of an
   * array content; null when there is no content.
   */
  public String text() {
    return Json.contentText(content);
  }

  /** A {@code system} message with text content. */
  public static ChatMessage system(String text) {
    return builder().role("system").content(text).build();
  }

  /** A {@code user} message with text content. */
  public static ChatMessage user(String text) {
    return builder().role("user").content(text).build();
  }

  /** An {@code assistant} message with text content. */
  public static ChatMessage assistant(String text) {
    return builder().role("assistant").content(text).build();
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ChatMessage)) return false;
    ChatMessage that = (ChatMessage) o;
    return Objects.equals(role, that.role) && Objects.equals(content, that.content) && Objects.equals(name, that.name) && Objects.equals(toolCalls, that.toolCalls) && Objects.equals(toolCallId, that.toolCallId) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, content, name, toolCalls, toolCallId, extra());
  }

  /** Builds a {@link ChatMessage}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String role;
    private JsonNode content;
    private String name;
    private List<ToolCall> toolCalls;
    private String toolCallId;

    private Builder() {}

    /** Sets {@code system}, {@code user}, {@code assistant} or {@code tool}; may be absent in a streamed delta. */
    public Builder role(String role) {
      this.role = role;
      extra.remove("role");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("role")
    private Builder jsonRole(String role) {
      this.role = role;
      keepNull("role", role);
      return this;
    }

    /** Sets the content: a JSON string, an array of content parts, or JSON null. */
    @JsonProperty("content")
    public Builder content(JsonNode content) {
      this.content = content;
      return this;
    }

    /** Sets the content to a plain text string. */
    public Builder content(String text) {
      this.content = text == null ? null : Json.text(text);
      return this;
    }

    /** Sets optional participant name. */
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

    /** Sets tool calls requested by the assistant. */
    public Builder toolCalls(List<ToolCall> toolCalls) {
      this.toolCalls = toolCalls;
      extra.remove("tool_calls");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("tool_calls")
    private Builder jsonToolCalls(List<ToolCall> toolCalls) {
      this.toolCalls = toolCalls;
      keepNull("tool_calls", toolCalls);
      return this;
    }

    /** Sets tool calls requested by the assistant. */
    public Builder toolCalls(ToolCall... values) {
      this.toolCalls = List.of(values);
      return this;
    }

    /** Sets for {@code tool} messages, the call this answers. */
    public Builder toolCallId(String toolCallId) {
      this.toolCallId = toolCallId;
      extra.remove("tool_call_id");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("tool_call_id")
    private Builder jsonToolCallId(String toolCallId) {
      this.toolCallId = toolCallId;
      keepNull("tool_call_id", toolCallId);
      return this;
    }

    /** Builds the immutable value. */
    public ChatMessage build() {
      return new ChatMessage(this);
    }
  }
}
