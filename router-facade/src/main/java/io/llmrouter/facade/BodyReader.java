package io.llmrouter.facade;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Reads a request body without holding a thread while the client is slow: chunks are taken as Jetty
 * delivers them ({@code demand}), up to one byte past the limit, within a deadline. The continuation gets
 * exactly one {@link Result}, on a pool thread (never on the scheduler's), and may block there.
 *
 * <p>Issue 16: a blocking read held one request thread per slow sender, so 700 authenticated clients
 * dripping their bodies took every thread and even {@code /health/liveliness} stopped answering.
 */
final class BodyReader implements Runnable {
  /** How a read ended. */
  enum Outcome { COMPLETE, TOO_LARGE, TIMED_OUT, FAILED }

  /**
   * What the read produced.
   *
   * @param outcome how it ended
   * @param body the whole body for {@link Outcome#COMPLETE}, else null
   * @param failure the read failure for {@link Outcome#FAILED}, else null
   */
  record Result(Outcome outcome, byte[] body, Throwable failure) {}

  private final Request request;
  private final long maxBytes;
  private final Consumer<Result> then;
  // A declared length gets an exact array, filled in place (no growing copies, no final copy).
  private final byte[] exact;
  private int filled;
  private final ByteArrayOutputStream buffer;
  private final AtomicBoolean finished = new AtomicBoolean();
  private volatile Scheduler.Task timer;

  private BodyReader(Request request, long maxBytes, Consumer<Result> then) {
    this.request = request;
    this.maxBytes = maxBytes;
    this.then = then;
    long declared = request.getLength();
    this.exact = declared >= 0 && declared <= maxBytes ? new byte[(int) declared] : null;
    this.buffer = exact == null ? new ByteArrayOutputStream() : null;
  }

  private long size() {
    return exact != null ? filled : buffer.size();
  }

  /**
   * Starts reading; {@code then} runs once, possibly on the calling thread.
   *
   * @param maxBytes the largest body accepted (at most {@link FacadeOptions#MAX_BODY_BYTES_LIMIT})
   * @param timeout how long the whole body may take
   */
  static void read(Request request, long maxBytes, Duration timeout, Consumer<Result> then) {
    BodyReader reader = new BodyReader(request, maxBytes, then);
    // A declared length over the limit is refused before a byte is read; a chunked body is counted as it comes.
    if (request.getLength() > maxBytes) {
      reader.finish(new Result(Outcome.TOO_LARGE, null, null), false);
      return;
    }
    // Most bodies have arrived whole with the headers: read first, and arm the timeout only for a body that
    // is still coming. (Arming it for every request woke the scheduler's thread about once a request.)
    reader.run();
    if (reader.finished.get()) return;
    Scheduler.Task t = request.getComponents().getScheduler().schedule(reader::timedOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
    reader.timer = t;
    // The rest of the body may have arrived (and the request finished) on another thread meanwhile.
    if (reader.finished.get()) t.cancel();
  }

  /** Reads what has arrived; asks to be called again when more does. */
  @Override
  public void run() {
    while (!finished.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        finish(new Result(Outcome.FAILED, null, chunk.getFailure()), false);
        return;
      }
      ByteBuffer bytes = chunk.getByteBuffer();
      boolean last = chunk.isLast();
      // long arithmetic: the limit may be up to 1 GiB and a chunk adds to it.
      if (size() + bytes.remaining() > (exact != null ? exact.length : maxBytes)) {
        chunk.release();
        finish(new Result(Outcome.TOO_LARGE, null, null), false);
        return;
      }
      if (exact != null) {
        int n = bytes.remaining();
        bytes.get(exact, filled, n);
        filled += n;
      } else if (bytes.hasArray()) {
        buffer.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
      } else {
        byte[] copy = new byte[bytes.remaining()];
        bytes.get(copy);
        buffer.write(copy, 0, copy.length);
      }
      chunk.release();
      if (last) {
        byte[] body = exact == null ? buffer.toByteArray() : filled == exact.length ? exact : java.util.Arrays.copyOf(exact, filled);
        finish(new Result(Outcome.COMPLETE, body, null), false);
        return;
      }
    }
  }

  private void timedOut() {
    // The scheduler's thread must not write the answer: hand it to the pool.
    finish(new Result(Outcome.TIMED_OUT, null, null), true);
  }

  private void finish(Result result, boolean offThread) {
    if (!finished.compareAndSet(false, true)) return;
    Scheduler.Task t = timer;
    if (t != null) t.cancel();
    if (!offThread) {
      then.accept(result);
      return;
    }
    try {
      request.getComponents().getExecutor().execute(() -> then.accept(result));
    } catch (RejectedExecutionException stopping) {
      then.accept(result);
    }
  }
}
