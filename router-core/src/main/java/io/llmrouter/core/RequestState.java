package io.llmrouter.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.core.state.Hold;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The facts of one request (the cleaned upstream request, its deadline and token estimate, the
 * mock_testing switches, its listener handle) and its log (attempts and skips, why each deployment did not
 * serve, the fallbacks taken). Results and per-step diagnostics travel as return values, never through
 * here. Confined to the request's thread.
 */
final class RequestState {
  /** Tokens assumed for the completion when the request sets no cap. */
  static final int DEFAULT_COMPLETION_TOKENS = 256;

  final RequestHandle handle;
  /** The caller's chat request; null for an embeddings request. */
  final ChatRequest original;
  /** The chat request as it goes upstream; null for an embeddings request. */
  final ChatRequest upstream;
  /** The embeddings request as it goes upstream (router fields removed); null for chat. */
  final EmbeddingRequest embedding;
  /** The request's own {@code fallbacks}, or null. */
  final List<String> requestFallbacks;
  final String requested;
  final long deadline;
  final double deadlineSeconds;
  final int promptTokens;
  final long estTokens;
  /** The chat request offers tools (its answer is likely a short tool call): the usage calibration weighs it apart. */
  final boolean tools;
  // upstream with stream_options.include_usage, once a stream attempt needed it
  private ChatRequest upstreamWithUsage;
  final Integer requestNumRetries;
  final boolean requestDropParams;
  final boolean disableFallbacks;
  final boolean mockFallbacks;
  final boolean mockContextWindow;
  final boolean mockContentPolicy;
  final boolean mockRateLimit;
  /** LiteLLM's {@code mock_timeout}: the request times out at its deadline without a call. */
  final boolean mockTimeout;
  /** LiteLLM's {@code mock_response}: the text to answer with in place of the provider's, or null. */
  final String mockResponse;

  final List<Attempt> attempts = new ArrayList<>(2);
  /** The requested group as the engine looked it up when the request began (null until then). */
  ModelGroup requestedGroup;
  Map<String, NoDeploymentAvailableException.Reason> reasons;
  private List<String> fallbacks;
  // Where the request is parked waiting for capacity, and its place there (first come, first served).
  private Deployment heldAt;
  private Hold hold;

  RequestState(RequestHandle handle, ChatRequest original, long now, double defaultTimeoutSeconds) {
    this(handle, original, now, defaultTimeoutSeconds, Double.MAX_VALUE);
  }

  /** @param maxClientTimeoutSeconds the cap on the request's own {@code timeout} (not on the default) */
  RequestState(RequestHandle handle, ChatRequest original, long now, double defaultTimeoutSeconds, double maxClientTimeoutSeconds) {
    this(handle, original.model(), original.timeout(), original.extra(), original.fallbacks(),
        Boolean.TRUE.equals(original.disableFallbacks()), original, upstreamOf(original), null,
        estimatePromptTokens(original), completionCap(original), now, defaultTimeoutSeconds, maxClientTimeoutSeconds);
  }

  /**
   * An embeddings request: the same router fields as chat ({@code fallbacks}, {@code timeout},
   * {@code num_retries}, {@code mock_testing_*}); tokens are the input's alone (an embedding generates none).
   */
  RequestState(RequestHandle handle, EmbeddingRequest original, long now, double defaultTimeoutSeconds, double maxClientTimeoutSeconds) {
    this(handle, original.model(), original.timeout(), original.extra(), original.fallbacks(),
        truthy(original.extra().get("disable_fallbacks")), null, null, original.withoutRouterFields(),
        estimateInputTokens(original.input()), 0, now, defaultTimeoutSeconds, maxClientTimeoutSeconds);
    if (mockResponse != null) {
      throw new InvalidRequestException("mock_response", "'mock_response' is not supported for embeddings");
    }
  }

  private RequestState(RequestHandle handle, String requested, Double timeout, Map<String, JsonNode> extra, List<String> fallbacks,
      boolean disableFallbacks, ChatRequest original, ChatRequest upstream, EmbeddingRequest embedding, int promptTokens,
      long completionTokens, long now, double defaultTimeoutSeconds, double maxClientTimeoutSeconds) {
    this.handle = handle;
    this.original = original;
    this.requested = requested;
    this.requestFallbacks = fallbacks;
    this.deadlineSeconds = timeout != null && timeout > 0 ? Math.min(timeout, maxClientTimeoutSeconds) : defaultTimeoutSeconds;
    long ms = (long) Math.min(Long.MAX_VALUE / 4, deadlineSeconds * 1000);
    this.deadline = now + ms;
    // Most requests carry no extra field: then none of the lookups below can find anything.
    boolean some = !extra.isEmpty();
    this.mockFallbacks = some && truthy(extra.get("mock_testing_fallbacks"));
    this.mockContextWindow = some
        && (truthy(extra.get("mock_testing_context_window_fallbacks")) || truthy(extra.get("mock_testing_context_fallbacks")));
    this.mockContentPolicy = some && truthy(extra.get("mock_testing_content_policy_fallbacks"));
    this.mockRateLimit = some && truthy(extra.get("mock_testing_rate_limit_error"));
    this.mockTimeout = some && truthy(extra.get("mock_timeout"));
    JsonNode mr = some ? extra.get("mock_response") : null;
    if (mr != null && !mr.isNull() && !mr.isTextual()) {
      throw new InvalidRequestException("mock_response", "'mock_response' must be a string (the text to answer with)");
    }
    this.mockResponse = mr != null && !mr.isNull() ? mr.textValue() : null;
    JsonNode nr = some ? extra.get("num_retries") : null;
    if (nr != null && !nr.isNull() && !(nr.isIntegralNumber() && nr.canConvertToInt() && nr.asInt() >= 0)) {
      throw new InvalidRequestException("num_retries", "'num_retries' must be a non-negative integer");
    }
    this.requestNumRetries = nr != null && !nr.isNull() ? nr.asInt() : null;
    this.requestDropParams = some && truthy(extra.get("drop_params"));
    this.disableFallbacks = disableFallbacks;
    this.promptTokens = promptTokens;
    this.estTokens = promptTokens + completionTokens;
    this.tools = original != null && original.tools() != null && !original.tools().isEmpty();
    this.upstream = upstream;
    this.embedding = embedding;
  }

  // The request as it goes upstream. Most requests carry no extra field and none of the typed router fields:
  // they go as they are, without walking an empty map (withoutRouterFields returns the same request then).
  private static ChatRequest upstreamOf(ChatRequest r) {
    if (r.extra().isEmpty() && r.fallbacks() == null && r.disableFallbacks() == null && r.timeout() == null) return r;
    return r.withoutRouterFields();
  }

  /** True for an embeddings request ({@link #embedding} set, no chat request). */
  boolean isEmbedding() {
    return embedding != null;
  }

  /**
   * The request as a stream attempt sends it to {@code d}: with {@code stream_options.include_usage} when the
   * provider reports usage on request ({@link io.llmrouter.api.spi.ProviderInfo#streamUsage}) and the caller
   * did not ask itself, so the call's rate-window charge is what the provider counted. Built once per request.
   */
  ChatRequest streamUpstream(Deployment d) {
    if (!addsStreamUsage(d)) return upstream;
    ChatRequest u = upstreamWithUsage;
    if (u == null) {
      JsonNode asked = upstream.streamOptions();
      com.fasterxml.jackson.databind.node.ObjectNode so = asked instanceof com.fasterxml.jackson.databind.node.ObjectNode o
          ? o.deepCopy() : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      so.put("include_usage", true);
      u = upstream.toBuilder().streamOptions(so).build();
      upstreamWithUsage = u;
    }
    return u;
  }

  /** True when a stream attempt to {@code d} asks for the usage chunk on the router's behalf (the caller's stream hides it). */
  boolean addsStreamUsage(Deployment d) {
    if (upstream == null || d.info == null || !d.info.streamUsage()) return false;
    JsonNode asked = upstream.streamOptions();
    return asked == null || asked.isNull() || (asked.isObject() && !asked.path("include_usage").asBoolean(false));
  }

  /**
   * Parks the request at {@code d} until {@code wakeAt}: it commits its request and tokens there for that
   * instant, keeping its place when it was already parked there; a place held elsewhere is given up.
   */
  void park(Deployment d, long now, long wakeAt) {
    if (heldAt != d) releaseHold();
    Hold h = d.state.hold(now, wakeAt, deadline, estTokens, hold);
    if (h == Hold.NONE) return;
    heldAt = d;
    hold = h;
  }

  /** The request's place at {@code d}, or null when it is not parked there. */
  Hold holdAt(Deployment d) {
    return heldAt == d ? hold : null;
  }

  /** Gives up the request's place (admitted, moved on, failed or ended). Idempotent. */
  void releaseHold() {
    Hold h = hold;
    if (h == null) return;
    hold = null;
    heldAt = null;
    h.release();
  }

  /** The completion tokens the estimate reserves: {@code max_tokens}, or the default without one; 0 for embeddings. */
  long completionCap() {
    return estTokens - promptTokens;
  }

  private static long completionCap(ChatRequest r) {
    Integer cap = r.maxTokens() != null ? r.maxTokens() : r.maxCompletionTokens();
    return cap != null && cap > 0 ? cap : DEFAULT_COMPLETION_TOKENS;
  }

  /**
   * The input's tokens: token ids count one each; text counts chars/4 plus one per string (the same
   * estimate chat uses), so a batch of short strings still weighs something.
   */
  static int estimateInputTokens(JsonNode input) {
    if (input == null || input.isNull()) return 0;
    long tokens = 0;
    if (input.isTextual()) {
      tokens = input.textValue().length() / 4 + 1;
    } else if (input.isArray()) {
      for (JsonNode item : input) {
        if (item.isNumber()) tokens++;
        else if (item.isTextual()) tokens += item.textValue().length() / 4 + 1;
        else if (item.isArray()) tokens += item.size();
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  void reason(NoDeploymentAvailableException.Reason r) {
    if (reasons == null) reasons = new LinkedHashMap<>();
    // The latest word on a deployment wins: a skip after a failure tells the caller more than the failure.
    String key = r.modelGroup() + '\u0000' + r.deploymentId();
    reasons.remove(key);
    reasons.put(key, r);
  }

  /** The fallback groups moved to so far, in order; immutable-empty when none (no allocation). */
  List<String> fallbacksSoFar() {
    return fallbacks == null ? List.of() : fallbacks;
  }

  /** The fallback groups moved to so far, in order, for the planner to append to. */
  List<String> fallbacksTaken() {
    if (fallbacks == null) fallbacks = new ArrayList<>(2);
    return fallbacks;
  }

  /** chars/4 over message text: cheap, and good enough to reserve tokens and spot a clear overflow. */
  static int estimatePromptTokens(ChatRequest r) {
    List<ChatMessage> messages = r.messages();
    if (messages == null) return 0;
    long chars = 0;
    for (int i = 0, n = messages.size(); i < n; i++) {
      String t = messages.get(i).text();
      if (t != null) chars += t.length();
      chars += 16; // role and framing
    }
    return (int) Math.min(Integer.MAX_VALUE, chars / 4);
  }

  static boolean truthy(JsonNode n) {
    if (n == null) return false;
    if (n.isBoolean()) return n.booleanValue();
    if (n.isTextual()) return n.textValue().equalsIgnoreCase("true");
    return n.isNumber() && n.asInt() != 0;
  }
}
