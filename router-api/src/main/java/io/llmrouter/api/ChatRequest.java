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
import java.util.Set;
import java.util.Objects;

/**
 * An OpenAI-compatible chat completion request. Fields the router does not model are kept in
 * {@link #extra()} and sent upstream unchanged (for example {@code response_format} variants, {@code seed},
 * {@code reasoning_effort}, provider extras).
 *
 * <p>Immutable and thread-safe; build with {@link #builder()}, change a copy with {@link #toBuilder()}.
 * Every JSON field not modelled here is kept in {@link #extra()} and written back unchanged.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonDeserialize(builder = ChatRequest.Builder.class)
@JsonPropertyOrder({"model", "messages", "tools", "tool_choice", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stream", "stop", "n", "user", "response_format", "stream_options", "fallbacks", "disable_fallbacks", "timeout"})
public final class ChatRequest extends ExtensibleJson {
  private final String model;
  private final List<ChatMessage> messages;
  private final List<Tool> tools;
  private final JsonNode toolChoice;
  private final Double temperature;
  private final Double topP;
  private final Integer maxTokens;
  private final Integer maxCompletionTokens;
  private final Boolean stream;
  private final JsonNode stop;
  private final Integer n;
  private final String user;
  private final JsonNode responseFormat;
  private final JsonNode streamOptions;
  private final List<String> fallbacks;
  private final Boolean disableFallbacks;
  private final Double timeout;
  private final String requestId;

  private ChatRequest(Builder b) {
    super(b.extra);
    this.model = b.model;
    this.messages = b.messages == null ? null : List.copyOf(b.messages);
    this.tools = b.tools == null ? null : List.copyOf(b.tools);
    this.toolChoice = b.toolChoice;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxTokens = b.maxTokens;
    this.maxCompletionTokens = b.maxCompletionTokens;
    this.stream = b.stream;
    this.stop = b.stop;
    this.n = b.n;
    this.user = b.user;
    this.responseFormat = b.responseFormat;
    this.streamOptions = b.streamOptions;
    this.fallbacks = b.fallbacks == null ? null : List.copyOf(b.fallbacks);
    this.disableFallbacks = b.disableFallbacks;
    this.timeout = b.timeout;
    this.requestId = b.requestId;
  }

  private ChatRequest(ChatRequest r, String requestId) {
    super(r);
    this.model = r.model;
    this.messages = r.messages;
    this.tools = r.tools;
    this.toolChoice = r.toolChoice;
    this.temperature = r.temperature;
    this.topP = r.topP;
    this.maxTokens = r.maxTokens;
    this.maxCompletionTokens = r.maxCompletionTokens;
    this.stream = r.stream;
    this.stop = r.stop;
    this.n = r.n;
    this.user = r.user;
    this.responseFormat = r.responseFormat;
    this.streamOptions = r.streamOptions;
    this.fallbacks = r.fallbacks;
    this.disableFallbacks = r.disableFallbacks;
    this.timeout = r.timeout;
    this.requestId = requestId;
  }

  /**
   * Returns this request with {@link #requestId()} set to {@code requestId} (null for none), equal to
   * {@code toBuilder().requestId(requestId).build()} but sharing every other field instead of copying the
   * lists and extras through a builder: the facade tags every request it parses this way.
   */
  public ChatRequest withRequestId(String requestId) {
    return Objects.equals(requestId, this.requestId) ? this : new ChatRequest(this, requestId);
  }

  /** Returns a new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder initialised with this value's fields, extras included. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.model = model;
    b.messages = messages;
    b.tools = tools;
    b.toolChoice = toolChoice;
    b.temperature = temperature;
    b.topP = topP;
    b.maxTokens = maxTokens;
    b.maxCompletionTokens = maxCompletionTokens;
    b.stream = stream;
    b.stop = stop;
    b.n = n;
    b.user = user;
    b.responseFormat = responseFormat;
    b.streamOptions = streamOptions;
    b.fallbacks = fallbacks;
    b.disableFallbacks = disableFallbacks;
    b.timeout = timeout;
    b.requestId = requestId;
    b.extra.putAll(extra());
    return b;
  }

  /**
   * The request fields that never go upstream: the router's own options (LiteLLM's router options, which
   * this router reads) and the fields LiteLLM's SDK and proxy read or keep for themselves: credentials and
   * endpoints ({@code api_key}, {@code api_base}, {@code base_url}, {@code api_version}), header and client
   * overrides ({@code extra_headers}, {@code headers}), proxy metadata ({@code metadata}, {@code user_api_key*},
   * {@code tags}), the provider choice ({@code custom_llm_provider}) and cost, cache and logging switches. A
   * request body never chooses a deployment's URL or headers, and a client's secret or internal metadata never
   * reaches a third party. With {@link #isRouterField} (which adds LiteLLM's {@code mock_*} switches and
   * {@code litellm_*} fields) this is the one list both the router and the provider client strip by.
   */
  public static final Set<String> ROUTER_FIELDS = Set.of(
      // the router's options
      "fallbacks", "disable_fallbacks", "timeout", "num_retries", "drop_params", "request_timeout", "max_fallbacks",
      "context_window_fallbacks", "content_policy_fallbacks", "stream_timeout", "max_retries", "retry_policy",
      "cooldown_time", "fallback_depth", "model_list",
      // endpoint and credentials: chosen by the configuration, never by a request
      "api_key", "api_base", "base_url", "api_version", "azure_ad_token", "azure_ad_token_provider", "azure_username",
      "azure_password", "tenant_id", "client_id", "client_secret", "aws_access_key_id", "aws_secret_access_key",
      "aws_session_token", "aws_region_name", "vertex_credentials", "vertex_project", "vertex_location",
      "region_name", "organization", "custom_llm_provider", "extra_headers", "headers", "provider_specific_header",
      "client", "use_client", "proxy_server_request", "configurable_clientside_auth_params",
      // LiteLLM proxy metadata, cost, cache and logging
      "metadata", "user_api_key", "user_api_key_alias", "user_api_key_hash", "user_api_key_user_id",
      "user_api_key_team_id", "user_api_key_org_id", "user_api_key_metadata", "tags", "model_info", "model_file_id_mapping",
      "base_model", "hf_model_name", "input_cost_per_token", "output_cost_per_token", "input_cost_per_second",
      "output_cost_per_second", "caching", "cache", "cache_key", "caching_groups", "preset_cache_key", "ttl", "no-log",
      "logger_fn", "verbose", "acompletion", "complete_response", "force_timeout", "max_budget", "budget_duration",
      "rpm", "tpm", "max_parallel_requests", "weight", "order", "allowed_model_region", "model_config",
      "fastest_response", "supports_system_message", "allowed_openai_params", "use_in_pass_through",
      "use_litellm_proxy", "merge_reasoning_content_in_choices", "ensure_alternating_roles", "user_continue_message",
      "assistant_continue_message", "roles", "final_prompt_value", "bos_token", "eos_token", "prompt_id",
      "prompt_variables", "prompt_label", "prompt_version", "shared_session", "search_tool_name",
      "disable_add_transform_inline_image_block");

  /**
   * True for a field that never goes upstream: one of {@link #ROUTER_FIELDS}, a {@code mock_*} switch, or a
   * {@code litellm_*} field ({@code litellm_metadata}, {@code litellm_call_id}, {@code litellm_credential_name}, ...).
   */
  public static boolean isRouterField(String name) {
    return name.startsWith("mock_") || name.startsWith("litellm_") || ROUTER_FIELDS.contains(name);
  }

  /**
   * This request without the router-only fields ({@link #isRouterField}): what a provider may see. Returns
   * this instance when there is nothing to remove.
   */
  public ChatRequest withoutRouterFields() {
    boolean dirty = fallbacks != null || disableFallbacks != null || timeout != null;
    if (!dirty) {
      for (String k : extra().keySet()) {
        if (isRouterField(k)) {
          dirty = true;
          break;
        }
      }
    }
    if (!dirty) return this;
    Builder b = toBuilder().fallbacks((List<String>) null).disableFallbacks(null).timeout(null);
    for (String k : extra().keySet()) if (isRouterField(k)) b.removeExtra(k);
    return b.build();
  }

  /** Returns the model group (a {@code model_name} of the configuration) to route to, or null when absent. */
  @JsonProperty("model")
  public String model() {
    return model;
  }

  /** Returns the conversation, or null when absent. */
  @JsonProperty("messages")
  public List<ChatMessage> messages() {
    return messages;
  }

  /** Returns tools the model may call, or null when absent. */
  @JsonProperty("tools")
  public List<Tool> tools() {
    return tools;
  }

  /** Returns {@code auto}, {@code none}, {@code required} or a named tool, or null when absent. */
  @JsonProperty("tool_choice")
  public JsonNode toolChoice() {
    return toolChoice;
  }

  /** Returns sampling temperature, or null when absent. */
  @JsonProperty("temperature")
  public Double temperature() {
    return temperature;
  }

  /** Returns nucleus sampling, or null when absent. */
  @JsonProperty("top_p")
  public Double topP() {
    return topP;
  }

  /** Returns completion token cap, or null when absent. */
  @JsonProperty("max_tokens")
  public Integer maxTokens() {
    return maxTokens;
  }

  /** Returns newer spelling of the completion token cap, or null when absent. */
  @JsonProperty("max_completion_tokens")
  public Integer maxCompletionTokens() {
    return maxCompletionTokens;
  }

  /** Returns whether the caller asked for SSE; the router sets it per call, or null when absent. */
  @JsonProperty("stream")
  public Boolean stream() {
    return stream;
  }

  /** Returns stop sequence(s), or null when absent. */
  @JsonProperty("stop")
  public JsonNode stop() {
    return stop;
  }

  /** Returns number of choices, or null when absent. */
  @JsonProperty("n")
  public Integer n() {
    return n;
  }

  /** Returns end-user id, or null when absent. */
  @JsonProperty("user")
  public String user() {
    return user;
  }

  /** Returns structured output request, passed through, or null when absent. */
  @JsonProperty("response_format")
  public JsonNode responseFormat() {
    return responseFormat;
  }

  /** Returns streaming options such as {@code include_usage}, passed through, or null when absent. */
  @JsonProperty("stream_options")
  public JsonNode streamOptions() {
    return streamOptions;
  }

  /** Returns router-only: per-request fallback model groups, replacing the configured chain; never sent upstream, or null when absent. */
  @JsonProperty("fallbacks")
  public List<String> fallbacks() {
    return fallbacks;
  }

  /** Returns router-only: when true no fallback group is tried; never sent upstream, or null when absent. */
  @JsonProperty("disable_fallbacks")
  public Boolean disableFallbacks() {
    return disableFallbacks;
  }

  /** Returns router-only: whole-request deadline in seconds; never sent upstream, or null when absent. */
  @JsonProperty("timeout")
  public Double timeout() {
    return timeout;
  }

  /**
   * The caller's id for this request (an HTTP {@code x-request-id}), which the router hands to listeners
   * as {@link RequestHandle#requestId()}; null when the caller set none. Metadata, not content: it is
   * never serialised, never sent upstream, and not part of {@link #equals}.
   */
  @JsonIgnore
  public String requestId() {
    return requestId;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) return true;
    if (!(o instanceof ChatRequest)) return false;
    ChatRequest that = (ChatRequest) o;
    return Objects.equals(model, that.model) && Objects.equals(messages, that.messages) && Objects.equals(tools, that.tools) && Objects.equals(toolChoice, that.toolChoice) && Objects.equals(temperature, that.temperature) && Objects.equals(topP, that.topP) && Objects.equals(maxTokens, that.maxTokens) && Objects.equals(maxCompletionTokens, that.maxCompletionTokens) && Objects.equals(stream, that.stream) && Objects.equals(stop, that.stop) && Objects.equals(n, that.n) && Objects.equals(user, that.user) && Objects.equals(responseFormat, that.responseFormat) && Objects.equals(streamOptions, that.streamOptions) && Objects.equals(fallbacks, that.fallbacks) && Objects.equals(disableFallbacks, that.disableFallbacks) && Objects.equals(timeout, that.timeout) && extra().equals(that.extra());
  }

  @Override
  public int hashCode() {
    return Objects.hash(model, messages, tools, toolChoice, temperature, topP, maxTokens, maxCompletionTokens, stream, stop, n, user, responseFormat, streamOptions, fallbacks, disableFallbacks, timeout, extra());
  }

  /** Builds a {@link ChatRequest}. Not thread-safe. */
  @JsonPOJOBuilder(withPrefix = "")
  @JsonAutoDetect(setterVisibility = JsonAutoDetect.Visibility.NONE)
  public static final class Builder extends ExtensibleJson.Builder<Builder> {
    private String model;
    private List<ChatMessage> messages;
    private List<Tool> tools;
    private JsonNode toolChoice;
    private Double temperature;
    private Double topP;
    private Integer maxTokens;
    private Integer maxCompletionTokens;
    private Boolean stream;
    private JsonNode stop;
    private Integer n;
    private String user;
    private JsonNode responseFormat;
    private JsonNode streamOptions;
    private List<String> fallbacks;
    private Boolean disableFallbacks;
    private Double timeout;
    private String requestId;

    private Builder() {}

    /** Sets the model group (a {@code model_name} of the configuration) to route to. */
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

    /** Sets the conversation. */
    public Builder messages(List<ChatMessage> messages) {
      this.messages = messages;
      extra.remove("messages");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("messages")
    private Builder jsonMessages(List<ChatMessage> messages) {
      this.messages = messages;
      keepNull("messages", messages);
      return this;
    }

    /** Sets the conversation. */
    public Builder messages(ChatMessage... values) {
      this.messages = List.of(values);
      return this;
    }

    /** Sets tools the model may call. */
    public Builder tools(List<Tool> tools) {
      this.tools = tools;
      extra.remove("tools");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("tools")
    private Builder jsonTools(List<Tool> tools) {
      this.tools = tools;
      keepNull("tools", tools);
      return this;
    }

    /** Sets tools the model may call. */
    public Builder tools(Tool... values) {
      this.tools = List.of(values);
      return this;
    }

    /** Sets {@code auto}, {@code none}, {@code required} or a named tool. */
    @JsonProperty("tool_choice")
    public Builder toolChoice(JsonNode toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /** Sets {@code auto}, {@code none}, {@code required} or a named tool from a plain string. */
    public Builder toolChoice(String value) {
      this.toolChoice = value == null ? null : Json.text(value);
      return this;
    }

    /** Sets sampling temperature. */
    public Builder temperature(Double temperature) {
      this.temperature = temperature;
      extra.remove("temperature");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("temperature")
    private Builder jsonTemperature(Double temperature) {
      this.temperature = temperature;
      keepNull("temperature", temperature);
      return this;
    }

    /** Sets nucleus sampling. */
    public Builder topP(Double topP) {
      this.topP = topP;
      extra.remove("top_p");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("top_p")
    private Builder jsonTopP(Double topP) {
      this.topP = topP;
      keepNull("top_p", topP);
      return this;
    }

    /** Sets completion token cap. */
    public Builder maxTokens(Integer maxTokens) {
      this.maxTokens = maxTokens;
      extra.remove("max_tokens");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("max_tokens")
    private Builder jsonMaxTokens(Integer maxTokens) {
      this.maxTokens = maxTokens;
      keepNull("max_tokens", maxTokens);
      return this;
    }

    /** Sets newer spelling of the completion token cap. */
    public Builder maxCompletionTokens(Integer maxCompletionTokens) {
      this.maxCompletionTokens = maxCompletionTokens;
      extra.remove("max_completion_tokens");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("max_completion_tokens")
    private Builder jsonMaxCompletionTokens(Integer maxCompletionTokens) {
      this.maxCompletionTokens = maxCompletionTokens;
      keepNull("max_completion_tokens", maxCompletionTokens);
      return this;
    }

    /** Sets whether the caller asked for SSE; the router sets it per call. */
    public Builder stream(Boolean stream) {
      this.stream = stream;
      extra.remove("stream");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("stream")
    private Builder jsonStream(Boolean stream) {
      this.stream = stream;
      keepNull("stream", stream);
      return this;
    }

    /** Sets stop sequence(s). */
    @JsonProperty("stop")
    public Builder stop(JsonNode stop) {
      this.stop = stop;
      return this;
    }

    /** Sets stop sequence(s) from a plain string. */
    public Builder stop(String value) {
      this.stop = value == null ? null : Json.text(value);
      return this;
    }

    /** Sets number of choices. */
    public Builder n(Integer n) {
      this.n = n;
      extra.remove("n");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("n")
    private Builder jsonN(Integer n) {
      this.n = n;
      keepNull("n", n);
      return this;
    }

    /** Sets end-user id. */
    public Builder user(String user) {
      this.user = user;
      extra.remove("user");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("user")
    private Builder jsonUser(String user) {
      this.user = user;
      keepNull("user", user);
      return this;
    }

    /** Sets structured output request, passed through. */
    @JsonProperty("response_format")
    public Builder responseFormat(JsonNode responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /** Sets streaming options such as {@code include_usage}, passed through. */
    @JsonProperty("stream_options")
    public Builder streamOptions(JsonNode streamOptions) {
      this.streamOptions = streamOptions;
      return this;
    }

    /** Sets router-only: per-request fallback model groups, replacing the configured chain; never sent upstream. */
    public Builder fallbacks(List<String> fallbacks) {
      this.fallbacks = fallbacks;
      extra.remove("fallbacks");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("fallbacks")
    private Builder jsonFallbacks(List<String> fallbacks) {
      this.fallbacks = fallbacks;
      keepNull("fallbacks", fallbacks);
      return this;
    }

    /** Sets router-only: per-request fallback model groups, replacing the configured chain; never sent upstream. */
    public Builder fallbacks(String... values) {
      this.fallbacks = List.of(values);
      return this;
    }

    /** Sets router-only: when true no fallback group is tried; never sent upstream. */
    public Builder disableFallbacks(Boolean disableFallbacks) {
      this.disableFallbacks = disableFallbacks;
      extra.remove("disable_fallbacks");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("disable_fallbacks")
    private Builder jsonDisableFallbacks(Boolean disableFallbacks) {
      this.disableFallbacks = disableFallbacks;
      keepNull("disable_fallbacks", disableFallbacks);
      return this;
    }

    /** Sets router-only: whole-request deadline in seconds; never sent upstream. */
    public Builder timeout(Double timeout) {
      this.timeout = timeout;
      extra.remove("timeout");
      return this;
    }

    // From JSON only: an explicit null is kept (as a null extra) so it is written back as null.
    @JsonProperty("timeout")
    private Builder jsonTimeout(Double timeout) {
      this.timeout = timeout;
      keepNull("timeout", timeout);
      return this;
    }

    /** Sets the caller's request id (see {@link ChatRequest#requestId()}); null for none. Never read from JSON. */
    @JsonIgnore
    public Builder requestId(String requestId) {
      this.requestId = requestId;
      return this;
    }

    /** Builds the immutable value. */
    public ChatRequest build() {
      return new ChatRequest(this);
    }
  }
}
