package io.llmrouter.facade;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The facade's access log (one entry per HTTP request) and the router's decision log (failed attempts,
 * retries, fallbacks, skips, cooldowns, health changes; see {@link #decisionListener()}), written off the
 * request path: a request thread only puts an entry in a bounded queue, and one background thread formats
 * and writes the entries in batches, flushing after each. Under load the writer gathers what arrives over
 * {@link #BATCH_MILLIS} ms before it writes, so a busy server makes about 50 writes a second rather than one
 * per request (each was a system call, a wake-up of the writer, and an event for anything watching the log's
 * directory, such as serve's config watcher); when nothing is queued the writer sleeps until the next entry
 * wakes it, so the line of a request to a quiet server appears at once. When the queue is full (the output cannot
 * keep up) an entry is dropped and counted rather than making a request wait; the count is logged as soon as
 * there is room. {@link #close()} writes every entry queued before it and flushes, so a graceful stop loses
 * nothing.
 *
 * <p>Every value is escaped for its {@link LogFormat}: a client-chosen model name or request id with a line
 * break cannot forge a line. No entry ever holds a header, a body or a key: only ids, names, numbers and
 * error first lines.
 *
 * <p>Thread-safe.
 */
public final class AccessLog implements AutoCloseable {
  /** The default number of entries the queue holds. */
  public static final int DEFAULT_CAPACITY = 8192;
  private static final Logger LOG = LoggerFactory.getLogger("io.llmrouter.facade.access");
  private static final Entry STOP = new Entry(0, "", "", new Object[0]);
  private static final long CLOSE_WAIT_MILLIS = 5000;
  /** How long the writer lets entries gather after a batch before it writes the next one. */
  static final long BATCH_MILLIS = 20;
  private static final long BATCH_NANOS = TimeUnit.MILLISECONDS.toNanos(BATCH_MILLIS);

  /** Where formatted lines go. Called from the log's single writer thread only. */
  public interface Sink {
    /**
     * Writes one formatted line (no line terminator).
     *
     * @param level {@code INFO} or {@code WARN}
     */
    void write(String level, String line) throws IOException;

    /** Pushes buffered lines out; called after each batch the writer wrote, and on close. */
    default void flush() throws IOException {}
  }

  private final LogFormat format;
  private final Sink sink;
  private final Clock clock;
  private final BlockingQueue<Entry> queue;
  private final Thread writer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  // The writer found the queue empty and sleeps until an entry wakes it (otherwise it wakes by itself).
  private volatile boolean idle;

  /** One thing to log: when, how bad, what kind, and its fields as alternating names and values. */
  record Entry(long epochMillis, String level, String type, Object[] fields) {}

  /**
   * A log that writes to {@code sink}.
   *
   * @param format how lines look
   * @param sink where they go
   * @param capacity how many entries may wait for the writer (at least 1)
   * @param clock the time each entry is stamped with
   */
  public AccessLog(LogFormat format, Sink sink, int capacity, Clock clock) {
    if (capacity < 1) throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    this.format = Objects.requireNonNull(format, "format");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.writer = new Thread(this::drain, "llm-router-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  /** Lines to the SLF4J logger {@code io.llmrouter.facade.access} (INFO, WARN): the library's default. */
  public static AccessLog toSlf4j(LogFormat format) {
    return new AccessLog(format, (level, line) -> {
      if (level.equals("WARN")) LOG.warn(line); else LOG.info(line);
    }, DEFAULT_CAPACITY, Clock.systemUTC());
  }

  /**
   * Lines to {@code out} in UTF-8, gathered and written in batches (a batch is written whole while holding
   * {@code out}'s monitor, so lines a {@link java.io.PrintStream} such as {@code System.err} gets from other
   * code never land inside one), flushed after each batch. {@code out} is flushed but not
   * closed by {@link #close()}.
   */
  public static AccessLog toStream(OutputStream out, LogFormat format) {
    Objects.requireNonNull(out, "out");
    return new AccessLog(format, new Sink() {
      private final StringBuilder buffer = new StringBuilder(64 * 1024);

      @Override
      public void write(String level, String line) throws IOException {
        buffer.append(line).append('\n');
        if (buffer.length() >= 64 * 1024) flush();
      }

      @Override
      public void flush() throws IOException {
        if (buffer.length() == 0) return;
        byte[] bytes = buffer.toString().getBytes(StandardCharsets.UTF_8);
        buffer.setLength(0);
        synchronized (out) {
          out.write(bytes);
          out.flush();
        }
      }
    }, DEFAULT_CAPACITY, Clock.systemUTC());
  }

  /** The format of this log's lines. */
  public LogFormat format() {
    return format;
  }

  /** Entries dropped so far because the queue was full. */
  public long dropped() {
    return dropped.get();
  }

  /** Entries written to the sink so far. */
  public long written() {
    return written.get();
  }

  /**
   * Logs one entry. Never blocks: when the queue is full the entry is dropped and counted; after
   * {@link #close()} it is written at once on the caller's thread.
   *
   * @param level {@code INFO} or {@code WARN}
   * @param type {@code access} or {@code decision}
   * @param fields alternating field names and values (strings, numbers, lists, or null for absent)
   */
  public void log(String level, String type, Object... fields) {
    Entry e = new Entry(clock.millis(), level, type, fields);
    if (closed.get()) {
      writeNow(e);
      return;
    }
    if (!queue.offer(e)) {
      dropped.incrementAndGet();
      LockSupport.unpark(writer);
    } else if (idle) {
      idle = false;
      LockSupport.unpark(writer);
    }
  }

  private synchronized void writeNow(Entry e) {
    try {
      sink.write(e.level(), format(e));
      sink.flush();
      written.incrementAndGet();
    } catch (IOException | RuntimeException ignored) {
      // A log that cannot be written must not fail the request that logged.
    }
  }

  private void drain() {
    List<Entry> batch = new ArrayList<>(256);
    long reportedDrops = 0;
    boolean stop = false;
    while (!stop) {
      try {
        if (queue.drainTo(batch, 1024) == 0) {
          idle = true;
          // An entry queued after this check sees idle and unparks: the park returns at once.
          if (queue.isEmpty()) LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
          idle = false;
          if (Thread.interrupted()) throw new InterruptedException();
          continue;
        }
        synchronized (this) {
          for (Entry e : batch) {
            if (e == STOP) {
              stop = true;
              continue;
            }
            sink.write(e.level(), format(e));
            written.incrementAndGet();
          }
          long d = dropped.get();
          // Once the entries queued before the drops are out (the queue ran empty), or at once when it never
          // does (a full batch: the output cannot keep up).
          if (d > reportedDrops && (queue.isEmpty() || batch.size() >= 1024)) {
            sink.write("WARN", format(new Entry(clock.millis(), "WARN", "access",
                new Object[] {"message", "log queue full: entries dropped", "dropped_total", d})));
            reportedDrops = d;
          }
          sink.flush();
        }
        // Let the next entries gather (close() and a full queue cut this short).
        if (!stop && !closed.get()) LockSupport.parkNanos(this, BATCH_NANOS);
        if (Thread.interrupted()) throw new InterruptedException();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        // Keep draining: one failed write must not stop the log (nor fill the queue for ever).
      } finally {
        batch.clear();
      }
    }
    flushQuietly();
  }

  private synchronized void flushQuietly() {
    try {
      sink.flush();
    } catch (IOException | RuntimeException ignored) {
      // Nothing left to report it to.
    }
  }

  /**
   * Writes every entry queued so far, flushes, and stops the writer thread (waiting up to 5 s). Later
   * entries are written synchronously by their callers. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) return;
    try {
      boolean queued = queue.offer(STOP);
      LockSupport.unpark(writer);
      if (!queued && !queue.offer(STOP, CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) writer.interrupt();
      writer.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // Entries that raced with the close (queued after STOP) are written here.
    Entry e;
    while ((e = queue.poll()) != null) if (e != STOP) writeNow(e);
    flushQuietly();
  }

  // ---- decisions ----------------------------------------------------------------------------------

  /**
   * A {@link RouterListener} that logs the router's decisions to this log as {@code decision} entries with
   * the request id ({@link RequestHandle#requestId()}): failed attempts, retries, fallbacks, admission
   * skips, cooldowns and health changes. Add it to the router's builder.
   */
  public RouterListener decisionListener() {
    return new RouterListener() {
      @Override
      public void onAttemptEnd(RequestHandle request, Attempt a) {
        if (a.outcome() == Attempt.Outcome.SUCCESS || a.outcome() == Attempt.Outcome.SKIPPED) return;
        log("INFO", "decision", "event", "attempt_failed", "request_id", request.requestId(), "group", a.modelGroup(),
            "deployment", a.deploymentId(), "status", a.status(), "latency_ms", a.duration() == null ? null : a.duration().toMillis(),
            "error", a.error());
      }

      @Override
      public void onRetry(RequestHandle request, String modelGroup, int attemptNumber, long delayMillis, LlmRouterException cause) {
        log("INFO", "decision", "event", "retry", "request_id", request.requestId(), "group", modelGroup,
            "attempt", attemptNumber, "delay_ms", delayMillis, "error", firstLine(cause));
      }

      @Override
      public void onFallback(RequestHandle request, String fromGroup, String toGroup, String kind, LlmRouterException cause) {
        log("INFO", "decision", "event", "fallback", "request_id", request.requestId(), "group", fromGroup,
            "to_group", toGroup, "kind", kind, "error", firstLine(cause));
      }

      @Override
      public void onAdmissionSkip(RequestHandle request, String modelGroup, String deploymentId,
          NoDeploymentAvailableException.Kind why, Instant until) {
        log("INFO", "decision", "event", "skip", "request_id", request.requestId(), "group", modelGroup,
            "deployment", deploymentId, "reason", why == null ? null : why.name().toLowerCase(java.util.Locale.ROOT),
            "until", until == null ? null : until.toString());
      }

      @Override
      public void onCooldownStart(String deploymentId, Instant until, String reason) {
        log("WARN", "decision", "event", "cooldown_start", "deployment", deploymentId,
            "until", until == null ? null : until.toString(), "reason", reason);
      }

      @Override
      public void onCooldownEnd(String deploymentId) {
        log("INFO", "decision", "event", "cooldown_end", "deployment", deploymentId);
      }

      @Override
      public void onHealthChange(String deploymentId, boolean healthy, String error) {
        log(healthy ? "INFO" : "WARN", "decision", "event", healthy ? "healthy" : "unhealthy", "deployment", deploymentId,
            "error", error);
      }
    };
  }

  private static String firstLine(Throwable t) {
    if (t == null) return null;
    String m = t.getMessage();
    String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  // ---- formatting ---------------------------------------------------------------------------------

  // The last second an entry was stamped with, as Instant.toString writes it without its "Z": entries come
  // many to a second, and only their milliseconds differ.
  private record Second(long epochSecond, String text) {}

  private volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  /** {@code Instant.ofEpochMilli(millis).toString()}, formatting each second once. */
  String time(long millis) {
    long second = Math.floorDiv(millis, 1000L);
    int ms = (int) Math.floorMod(millis, 1000L);
    Second s = lastSecond;
    if (s.epochSecond() != second) {
      String whole = Instant.ofEpochSecond(second).toString();
      s = new Second(second, whole.substring(0, whole.length() - 1));
      lastSecond = s;
    }
    // As ISO_INSTANT: no fraction on a whole second, else three digits.
    if (ms == 0) return s.text() + 'Z';
    StringBuilder b = new StringBuilder(s.text().length() + 5).append(s.text()).append('.');
    if (ms < 100) b.append('0');
    if (ms < 10) b.append('0');
    return b.append(ms).append('Z').toString();
  }

  /** The line for {@code e} in this log's format (package-private for tests). */
  String format(Entry e) {
    StringBuilder b = new StringBuilder(160);
    String time = time(e.epochMillis());
    if (format == LogFormat.JSON) {
      b.append("{\"time\":\"").append(time).append("\",\"level\":");
      jsonString(b, e.level());
      b.append(",\"type\":");
      jsonString(b, e.type());
      Object[] f = e.fields();
      for (int i = 0; i + 1 < f.length; i += 2) {
        b.append(',');
        jsonString(b, String.valueOf(f[i]));
        b.append(':');
        jsonValue(b, f[i + 1]);
      }
      return b.append('}').toString();
    }
    b.append(time).append(' ').append(e.level()).append(' ').append(e.type());
    Object[] f = e.fields();
    for (int i = 0; i + 1 < f.length; i += 2) {
      b.append(' ').append(f[i]).append('=');
      textValue(b, f[i + 1]);
    }
    return b.toString();
  }

  private static void jsonValue(StringBuilder b, Object v) {
    if (v == null) {
      b.append("null");
    } else if (v instanceof Number || v instanceof Boolean) {
      b.append(v);
    } else if (v instanceof Collection<?> c) {
      b.append('[');
      boolean first = true;
      for (Object o : c) {
        if (!first) b.append(',');
        first = false;
        jsonValue(b, o);
      }
      b.append(']');
    } else {
      jsonString(b, v.toString());
    }
  }

  static void jsonString(StringBuilder b, String s) {
    b.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (isControl(c)) unicode(b, c); else b.append(c);
        }
      }
    }
    b.append('"');
  }

  private static void textValue(StringBuilder b, Object v) {
    if (v == null) {
      b.append('-');
      return;
    }
    String s;
    if (v instanceof Collection<?> c) {
      if (c.isEmpty()) {
        b.append('-');
        return;
      }
      StringBuilder j = new StringBuilder();
      for (Object o : c) {
        if (j.length() > 0) j.append(',');
        j.append(o);
      }
      s = j.toString();
    } else {
      s = v.toString();
    }
    boolean quote = s.isEmpty();
    for (int i = 0; i < s.length() && !quote; i++) {
      char c = s.charAt(i);
      quote = c == ' ' || c == '"' || c == '=' || c == '\\' || isControl(c) || Character.isWhitespace(c);
    }
    // A value that needs quoting is quoted and escaped as in the JSON lines.
    if (quote) jsonString(b, s); else b.append(s);
  }

  /** C0 and C1 controls, DEL, and the Unicode line and paragraph separators: anything a viewer may break a line at. */
  static boolean isControl(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\u0085';
  }

  private static void unicode(StringBuilder b, char c) {
    b.append("\\u");
    String h = Integer.toHexString(c);
    for (int k = h.length(); k < 4; k++) b.append('0');
    b.append(h);
  }

  /**
   * Escapes the control characters of {@code s} as this log does ({@code \n}, {@code \u001b}, ...), for
   * other log lines that carry a client value; null stays null.
   */
  public static String escape(String s) {
    if (s == null) return null;
    boolean clean = true;
    for (int i = 0; i < s.length() && clean; i++) clean = !isControl(s.charAt(i));
    if (clean) return s;
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (isControl(c)) unicode(b, c); else b.append(c);
        }
      }
    }
    return b.toString();
  }
}
