package io.llmrouter.api;

import java.time.Duration;
import java.util.List;

/**
 * How one request ended, reported once per request by {@link RouterListener#onRequestEnd}. For a stream
 * the request ends when the stream does (completed, failed or closed), so {@link #usage()} covers the
 * streamed completion.
 *
 * @param outcome served, or failed
 * @param route who served it, the attempts and the fallbacks taken; null when the request failed before
 *     a route existed (an unknown model); on failure the route of what was tried
 * @param attempts every attempt and skip, in order
 * @param usage token usage the provider reported (or the router's estimate for a stream without usage);
 *     null when nothing was served
 * @param error the exception the caller received, or null when served
 * @param duration from acceptance to the end (the router's clock)
 */
public record RequestEnd(Outcome outcome, Route route, List<Attempt> attempts, Usage usage, LlmRouterException error,
    Duration duration) {
  /** Compact constructor: copies the attempts. */
  public RequestEnd {
    attempts = attempts == null ? List.of() : List.copyOf(attempts);
  }

  /** How a request ended. */
  public enum Outcome { SERVED, FAILED }
}
