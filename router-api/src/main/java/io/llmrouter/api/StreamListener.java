package io.llmrouter.api;

/**
 * Receives a streamed completion. Methods are called on one router thread, in order; a listener must be
 * fast and must not throw (an exception it throws cancels the stream).
 */
public interface StreamListener {
  /** Called once, when a deployment has produced its first chunk and the route is committed. */
  default void onOpen(Route route) {}

  /** Called for every chunk. */
  void onChunk(ChatChunk chunk);

  /** Called once at the end of a successful stream. */
  default void onComplete(Route route) {}

  /** Called once when the stream fails; no further calls follow. */
  default void onError(LlmRouterException error) {}
}
