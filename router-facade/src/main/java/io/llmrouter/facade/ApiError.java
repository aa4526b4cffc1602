package io.llmrouter.facade;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.Json;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.Route;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.UnknownModelException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error answer in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with its HTTP
 * status and extra headers. {@link #from(Throwable, Instant)} is the one place where router exceptions
 * become statuses, so that OpenAI SDKs raise their own matching exception types.
 *
 * @param status the HTTP status
 * @param type OpenAI's error type ({@code invalid_request_error}, {@code rate_limit_error}, ...)
 * @param code a machine-readable code, or null
 * @param param the request field at fault, or null
 * @param message a human-readable message, never containing a key
 * @param headers extra response headers (for example {@code Retry-After}), in order
 * @param route the route taken before the failure, or null
 */
record ApiError(int status, String type, String code, String param, String message, Map<String, String> headers, Route route) {

  ApiError {
    headers = Map.copyOf(headers);
  }

  static ApiError of(int status, String type, String code, String param, String message) {
    return new ApiError(status, type, code, param, message, Map.of(), null);
  }

  static ApiError badRequest(String code, String param, String message) {
    return of(400, "invalid_request_error", code, param, message);
  }

  /** The JSON body. {@code param} and {@code code} are written as null when absent, as OpenAI does. */
  String body() {
    ObjectNode root = Json.mapper().createObjectNode();
    ObjectNode e = root.putObject("error");
    e.put("message", message);
    e.put("type", type);
    if (param == null) e.putNull("param"); else e.put("param", param);
    if (code == null) e.putNull("code"); else e.put("code", code);
    return Json.write(root);
  }

  /**
   * Maps what the router threw to a status. Unknown model and request faults are 400 (an
   * {@link InvalidRequestException} with its field as {@code param} and no code, as OpenAI does); limits and an
   * exhausted chain with a known reopening time are 429 with {@code Retry-After} (and the
   * {@code x-ratelimit-*} headers of the last rate-limited attempt, when the last error was one); provider failures are
   * 502 (503 when the provider itself said 503, or nothing in the chain can serve); timeouts 504.
   * Upstream credential or model-id problems are the operator's configuration, not the caller's, so they
   * are 502 rather than 401/404 (a client seeing 401 would wrongly blame its own key).
   */
  static ApiError from(Throwable t, Instant now) {
    if (t instanceof UnknownModelException u) {
      return new ApiError(400, "invalid_request_error", "model_not_found", "model", u.getMessage(), Map.of(), null);
    }
    if (t instanceof InvalidRequestException i) {
      return new ApiError(400, "invalid_request_error", null, i.field(), i.getMessage(), Map.of(), null);
    }
    if (t instanceof NoDeploymentAvailableException n) return fromExhausted(n, now);
    if (t instanceof ProviderException p) return fromProvider(p, now, null);
    if (t instanceof LlmRouterException l) return of(500, "api_error", "router_error", null, l.getMessage());
    // Anything else is a bug here or in the router: do not echo internals, but name the type for the log reader.
    return of(500, "api_error", "internal_error", null, "internal error (" + t.getClass().getSimpleName() + ")");
  }

  private static ApiError fromExhausted(NoDeploymentAvailableException n, Instant now) {
    Long retryAfter = n.retryAfterSeconds(now);
    if (n.allRateLimited() || retryAfter != null) {
      Map<String, String> h = new LinkedHashMap<>();
      if (retryAfter != null) h.put("retry-after", Long.toString(retryAfter));
      // The last rate-limited attempt's own x-ratelimit-* headers, so an SDK sees the provider's counters;
      // its retry-after gives way to the router's (when the earliest deployment of the chain reopens).
      if (n.lastError() instanceof RateLimitedException r && r.context() != null) {
        Headers.upstreamRateHeaders(r.headers()).forEach((k, v) -> {
          if (k.startsWith("x-ratelimit-")) h.put(k, v);
        });
      }
      return new ApiError(429, "rate_limit_error", "rate_limit_exceeded", null, n.getMessage(), h, n.route());
    }
    // Nothing will reopen at a known time: the chain failed hard (5xx, timeouts, unhealthy, missing keys).
    if (n.lastError() instanceof ProviderException p) return fromProvider(p, now, n.route()).withMessage(n.getMessage());
    return new ApiError(503, "api_error", "no_deployment_available", null, n.getMessage(), Map.of(), n.route());
  }

  private static ApiError fromProvider(ProviderException p, Instant now, Route route) {
    Map<String, String> h = new LinkedHashMap<>(Headers.upstreamRateHeaders(p.context() == null ? Map.of() : p.headers()));
    String m = p.getMessage();
    int status;
    String type;
    String code;
    if (p instanceof RateLimitedException r) {
      Long s = retryAfterSeconds(r, now);
      if (s != null) h.put("retry-after", Long.toString(s));
      status = 429; type = "rate_limit_error"; code = "rate_limit_exceeded";
    } else if (p instanceof ContextWindowExceededException) {
      status = 400; type = "invalid_request_error"; code = "context_length_exceeded";
    } else if (p instanceof ContentPolicyException) {
      status = 400; type = "invalid_request_error"; code = "content_policy_violation";
    } else if (p instanceof BadRequestException) {
      status = 400; type = "invalid_request_error"; code = "bad_request";
    } else if (p instanceof RequestTooLargeException) {
      status = 413; type = "invalid_request_error"; code = "request_too_large";
    } else if (p instanceof RequestTimeoutException) {
      status = 504; type = "api_error"; code = "timeout";
    } else if (p instanceof AuthenticationException) {
      status = 502; type = "api_error"; code = "upstream_authentication_failed";
    } else if (p instanceof ModelNotFoundException) {
      status = 502; type = "api_error"; code = "upstream_model_not_found";
    } else if (p instanceof ProviderUnavailableException && p.context() != null && p.status() == 503) {
      status = 503; type = "api_error"; code = "upstream_unavailable";
    } else {
      status = 502; type = "api_error"; code = "upstream_error";
    }
    return new ApiError(status, type, code, null, m, h, route);
  }

  private static Long retryAfterSeconds(RateLimitedException r, Instant now) {
    Duration d = r.retryAfter();
    if (d == null && r.resetAt() != null) d = Duration.between(now, r.resetAt());
    if (d == null) return null;
    return Math.max(1, (long) Math.ceil(d.toMillis() / 1000.0));
  }

  private ApiError withMessage(String newMessage) {
    return new ApiError(status, type, code, param, newMessage, headers, route);
  }
}
