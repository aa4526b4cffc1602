package io.llmrouter.api;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A streamed chat completion, read with {@link #next()} or as an {@link Iterable}. Close it to cancel the
 * upstream call; closing twice is harmless. One reader at a time; {@link #close()} alone may be called from
 * any other thread (a server whose client disconnected cancels this way) and unblocks a waiting {@link #next()}.
 *
 * <p>Fallback rule: the router retries and falls back only before the first chunk reaches the caller.
 * An error after that is thrown from {@link #next()} (or {@link Iterator#hasNext()}) as a typed
 * {@link LlmRouterException} and ends the stream; content is never repeated.
 */
public interface ChatStream extends AutoCloseable, Iterable<ChatChunk> {

  /**
   * Returns the next chunk, blocking until it arrives, or null at the end of the stream.
   *
   * @throws LlmRouterException when the stream fails
   */
  ChatChunk next();

  /** How the stream is being served: the committed deployment and the attempts before it. */
  Route route();

  @Override
  void close();

  @Override
  default Iterator<ChatChunk> iterator() {
    return new Iterator<>() {
      private ChatChunk pending;
      private boolean done;

      @Override
      public boolean hasNext() {
        if (pending != null) return true;
        if (done) return false;
        pending = ChatStream.this.next();
        if (pending == null) done = true;
        return pending != null;
      }

      @Override
      public ChatChunk next() {
        if (!hasNext()) throw new NoSuchElementException();
        ChatChunk c = pending;
        pending = null;
        return c;
      }
    };
  }
}
