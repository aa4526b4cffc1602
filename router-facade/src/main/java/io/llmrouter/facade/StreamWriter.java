package io.llmrouter.facade;

import io.llmrouter.api.ChatStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The writes of one SSE answer. The request thread reads the {@link ChatStream} and writes each event
 * itself (no hand-off to another thread between the provider's chunk and the client's socket); a timer
 * writes an SSE keep-alive comment whenever nothing was written for the keep-alive interval. That comment
 * keeps proxies' idle timers from cutting a slow stream, and it is how a client that hung up while the
 * provider was silent is noticed (Jetty sees a closed connection only when it writes): a failed keep-alive
 * closes the stream, which unblocks the request thread's read.
 *
 * <p>Writes never overlap: each holds a lock, and a keep-alive is skipped while an event is being written.
 * No keep-alive is written after the last write or after {@link #stop()}. The timer only schedules; the
 * keep-alive write itself runs on {@code executor}.
 */
final class StreamWriter {
  private static final ByteBuffer KEEP_ALIVE = ByteBuffer.wrap(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

  private final Response response;
  private final ChatStream stream;
  private final Scheduler scheduler;
  private final Executor executor;
  private final long keepAliveNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile long lastWriteNanos = System.nanoTime();
  private volatile boolean stopped;
  private volatile boolean cancelled;
  // Guarded by lock: the last write went out, nothing may follow it.
  private boolean finished;
  private volatile Scheduler.Task timer;

  /**
   * @param executor where keep-alive writes run (never the scheduler's own thread)
   */
  StreamWriter(Response response, ChatStream stream, Scheduler scheduler, Executor executor, Duration keepAlive) {
    this.response = response;
    this.stream = stream;
    this.scheduler = scheduler;
    this.executor = executor;
    this.keepAliveNanos = keepAlive.toNanos();
  }

  /** Starts the keep-alive timer. */
  void start() {
    schedule(keepAliveNanos);
  }

  /** Writes {@code bytes} (blocking); {@code last} ends the answer. */
  void write(boolean last, ByteBuffer bytes) throws IOException {
    lock.lock();
    try {
      if (finished) throw new IOException("the stream's answer has already ended");
      if (last) finished = true;
      try (Blocker.Callback cb = Blocker.callback()) {
        response.write(last, bytes, cb);
        cb.block();
      }
      lastWriteNanos = System.nanoTime();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the timer and waits for a keep-alive write under way; the caller closes the stream. */
  void stop() {
    stopped = true;
    Scheduler.Task t = timer;
    if (t != null) t.cancel();
    // A keep-alive already writing finishes before the request completes.
    lock.lock();
    lock.unlock();
  }

  /** Stops the writer and closes its stream, for a server that is stopping while the request still runs. */
  void cancel() {
    cancelled = true;
    stopped = true;
    Scheduler.Task t = timer;
    if (t != null) t.cancel();
    stream.close();
  }

  /** True once {@link #cancel()} closed the stream under the reader. */
  boolean cancelled() {
    return cancelled;
  }

  private void schedule(long delayNanos) {
    if (stopped) return;
    try {
      timer = scheduler.schedule(this::tick, Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      // The server is stopping; its stop closes this stream.
    }
  }

  private void tick() {
    if (stopped) return;
    long idle = System.nanoTime() - lastWriteNanos;
    if (idle < keepAliveNanos) {
      schedule(keepAliveNanos - idle);
      return;
    }
    try {
      executor.execute(this::keepAlive);
    } catch (RejectedExecutionException stopping) {
      cancel();
    }
  }

  private void keepAlive() {
    if (stopped) return;
    // An event being written right now does the keep-alive's job.
    if (lock.tryLock()) {
      try {
        if (!stopped && !finished && System.nanoTime() - lastWriteNanos >= keepAliveNanos) {
          try (Blocker.Callback cb = Blocker.callback()) {
            response.write(false, KEEP_ALIVE.duplicate(), cb);
            cb.block();
          }
          lastWriteNanos = System.nanoTime();
        }
      } catch (IOException | RuntimeException e) {
        // The client is gone: closing the stream unblocks the request thread, whose next write fails too.
        cancel();
        return;
      } finally {
        lock.unlock();
      }
    }
    schedule(keepAliveNanos);
  }
}
