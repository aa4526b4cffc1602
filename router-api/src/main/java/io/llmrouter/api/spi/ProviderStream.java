package io.llmrouter.api.spi;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.RateSignal;
import java.util.Map;

/**
 * An open SSE stream from one deployment. The status and headers are known when it is returned.
 * Not thread-safe: one reader; {@link #close()} may be called from any thread to cancel.
 */
public interface ProviderStream extends AutoCloseable {
  /** The HTTP status (2xx; errors before the stream starts are thrown by the client instead). */
  int status();

  /** Rate-limit headers of the response, lower-case names. */
  Map<String, String> headers();

  /** The rate signal of the response headers. */
  RateSignal signal();

  /**
   * Returns the next chunk, or null when the stream ended ({@code [DONE]} or a clean end of body).
   *
   * @throws io.llmrouter.api.ProviderException for an error event in the stream, a broken or stalled
   *     connection ({@link io.llmrouter.api.RequestTimeoutException}), or a malformed event
   */
  ChatChunk next();

  /** Cancels the upstream call. Idempotent. */
  @Override
  void close();
}
