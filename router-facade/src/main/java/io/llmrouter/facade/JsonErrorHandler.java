package io.llmrouter.facade;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The answers Jetty gives by itself (a request it cannot parse: bad framing, an ambiguous path, headers too
 * large, a URI too long; or a request whose handler failed) in OpenAI's error shape instead of Jetty's HTML
 * page, so an SDK raises its own exception type for these too. Messages are fixed per status and never echo
 * the request. Thread-safe.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final String JSON = "application/json";

  @Override
  public boolean errorPageForMethod(String method) {
    // Jetty writes no body for methods other than GET/POST/HEAD; an API client wants the JSON for all of them.
    return true;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    ApiError error = of(code);
    // Every response carries a request id, these too (the caller's when it sent a sane one).
    response.getHeaders().put(RequestIds.HEADER, RequestIds.of(request.getHeaders().get(RequestIds.HEADER)));
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
    response.getHeaders().put(ERROR_CACHE_CONTROL);
    Content.Sink.write(response, true, error.body(), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, JSON);
    fields.put(RequestIds.HEADER, RequestIds.of(null)); // the request could not be parsed: a new id
    return ByteBuffer.wrap(of(status).body().getBytes(StandardCharsets.UTF_8));
  }

  /** The error for a status Jetty chose. */
  static ApiError of(int status) {
    return switch (status) {
      case 400 -> ApiError.of(400, "invalid_request_error", "bad_request", null,
          "The request is not valid HTTP (malformed request line, header, path or body framing).");
      case 404 -> ApiError.of(404, "invalid_request_error", "not_found", null,
          "Unknown path. This server offers /v1/chat/completions, /v1/embeddings, /v1/models, /health, /cooldowns and /ui.");
      case 405 -> ApiError.of(405, "invalid_request_error", "method_not_allowed", null, "Method not allowed here.");
      case 408 -> ApiError.of(408, "invalid_request_error", "request_timeout", null, "The request did not arrive in time.");
      case 413 -> ApiError.of(413, "invalid_request_error", "request_too_large", null, "The request is too large.");
      case 414 -> ApiError.of(414, "invalid_request_error", "uri_too_long", null, "The request URI is too long.");
      case 431 -> ApiError.of(431, "invalid_request_error", "request_header_fields_too_large", null,
          "The request's header fields are too large.");
      default -> status >= 500
          ? ApiError.of(status, "api_error", status == 500 ? "internal_error" : "server_error", null,
              "The server could not handle the request (HTTP " + status + ").")
          : ApiError.of(status, "invalid_request_error", "bad_request", null, "The request was refused (HTTP " + status + ").");
    };
  }
}
