package io.llmrouter.facade;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.LlmRouterException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Reads a {@link ChatStream} on its own thread so the request thread can wait for the next chunk with a
 * timeout. The request thread uses the timeout to write an SSE keep-alive comment: that keeps proxies'
 * idle timers from cutting a slow stream, and it is how a client that hung up while the provider was
 * silent is noticed (Jetty sees a closed connection only when it reads or writes). Bounded, so a slow
 * client slows the upstream read instead of buffering it.
 */
final class StreamPump implements Runnable {
  /** Marks the clean end of the stream. */
  static final Object END = new Object();

  private final ChatStream stream;
  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(64);
  private volatile boolean stopped;

  /** A reader of {@code stream} that reads nothing until {@link #start(Executor)}. */
  StreamPump(ChatStream stream) {
    this.stream = stream;
  }

  /**
   * Starts reading on {@code executor}.
   *
   * @throws java.util.concurrent.RejectedExecutionException when the executor is shut down (server stopping)
   */
  void start(Executor executor) {
    executor.execute(this);
  }

  @Override
  public void run() {
    try {
      while (!stopped) {
        ChatChunk c = stream.next();
        if (c == null) {
          put(END);
          return;
        }
        put(c);
      }
    } catch (LlmRouterException e) {
      put(e);
    } catch (RuntimeException e) {
      put(new LlmRouterException("stream failed: " + e.getClass().getSimpleName(), true, e));
    }
  }

  private void put(Object o) {
    try {
      while (!stopped) {
        if (queue.offer(o, 100, TimeUnit.MILLISECONDS)) return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * The next item: a {@link ChatChunk}, {@link #END}, or the {@link LlmRouterException} that ended the
   * stream; null when nothing arrived within {@code wait}.
   */
  Object poll(Duration wait) throws InterruptedException {
    return queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Stops the reader; the caller closes the stream, which unblocks a waiting read. */
  void stop() {
    stopped = true;
    queue.clear();
  }

  /** Stops the reader and closes its stream, for a server that is stopping while the request still runs. */
  void cancel() {
    stop();
    stream.close();
  }
}
