package io.llmrouter.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.NoDeploymentAvailableException;
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
  final ChatRequest original;
  final ChatRequest upstream;
  final String requested;
  final long deadline;
  final double deadlineSeconds;
  final int promptTokens;
  final long estTokens;
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
  Map<String, NoDeploymentAvailableException.Reason> reasons;
  private List<String> fallbacks;

  RequestState(RequestHandle handle, ChatRequest original, long now, double defaultTimeoutSeconds) {
    this(handle, original, now, defaultTimeoutSeconds, Double.MAX_VALUE);
  }

  /** @param maxClientTimeoutSeconds the cap on the request's own {@code timeout} (not on the default) */
  RequestState(RequestHandle handle, ChatRequest original, long now, double defaultTimeoutSeconds, double maxClientTimeoutSeconds) {
    this.handle = handle;
    this.original = original;
    this.requested = original.model();
    this.deadlineSeconds = original.timeout() != null && original.timeout() > 0
        ? Math.min(original.timeout(), maxClientTimeoutSeconds) : defaultTimeoutSeconds;
    long ms = (long) Math.min(Long.MAX_VALUE / 4, deadlineSeconds * 1000);
    this.deadline = now + ms;
    Map<String, JsonNode> extra = original.extra();
    this.mockFallbacks = truthy(extra.get("mock_testing_fallbacks"));
    this.mockContextWindow = truthy(extra.get("mock_testing_context_window_fallbacks")) || truthy(extra.get("mock_testing_context_fallbacks"));
    this.mockContentPolicy = truthy(extra.get("mock_testing_content_policy_fallbacks"));
    this.mockRateLimit = truthy(extra.get("mock_testing_rate_limit_error"));
    this.mockTimeout = truthy(extra.get("mock_timeout"));
    JsonNode mr = extra.get("mock_response");
    if (mr != null && !mr.isNull() && !mr.isTextual()) {
      throw new InvalidRequestException("mock_response", "'mock_response' must be a string (the text to answer with)");
    }
    this.mockResponse = mr != null && !mr.isNull() ? mr.textValue() : null;
    JsonNode nr = extra.get("num_retries");
    if (nr != null && !nr.isNull() && !(nr.isIntegralNumber() && nr.canConvertToInt() && nr.asInt() >= 0)) {
      throw new InvalidRequestException("num_retries", "'num_retries' must be a non-negative integer");
    }
    this.requestNumRetries = nr != null && !nr.isNull() ? nr.asInt() : null;
    this.requestDropParams = truthy(extra.get("drop_params"));
    this.disableFallbacks = Boolean.TRUE.equals(original.disableFallbacks());
    this.promptTokens = estimatePromptTokens(original);
    Integer cap = original.maxTokens() != null ? original.maxTokens() : original.maxCompletionTokens();
    this.estTokens = promptTokens + (long) (cap != null && cap > 0 ? cap : DEFAULT_COMPLETION_TOKENS);
    this.upstream = original.withoutRouterFields();
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
    for (ChatMessage m : messages) {
      String t = m.text();
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
