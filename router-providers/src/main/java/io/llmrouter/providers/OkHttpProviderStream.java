package io.llmrouter.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.Json;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import io.llmrouter.providers.internal.sse.SseEvent;
import io.llmrouter.providers.internal.sse.SseReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.Call;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * An open SSE completion. Reads one event per {@link #next()} in constant memory. The stream ends at
 * {@code [DONE]} or at a clean end of body after at least one chunk (some servers omit {@code [DONE]});
 * an error event ({@code data: {"error":...}}, or a chunk whose {@code finish_reason} is {@code "error"})
 * is thrown as the dialect's typed exception; a broken connection as
 * {@link io.llmrouter.api.ProviderUnavailableException}, a stall as {@link io.llmrouter.api.RequestTimeoutException},
 * an unreadable event or an empty stream as {@link io.llmrouter.api.MalformedResponseException}.
 *
 * <p>Each {@link #next()} must produce an event within the call's timeout: the socket read timeout bounds
 * every read, and a deadline bounds the whole wait, so keep-alive comments alone cannot keep a dead
 * generation open forever.
 *
 * <p>One reader thread; {@link #close()} may be called from any thread and is idempotent.
 */
final class OkHttpProviderStream implements ProviderStream {
  private final Call call;
  private final Response response;
  private final OpenAiCompatibleClient.Target target;
  private final Map<String, String> headers;
  private final Map<String, String> rateHeaders;
  private final RateSignal signal;
  private final Duration timeout;
  private final Clock clock;
  private final BufferedSource source;
  private final SseReader reader;
  private final Deque<String> pending = new ArrayDeque<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private boolean done;
  private long chunks;

  OkHttpProviderStream(Call call, Response response, OpenAiCompatibleClient.Target target, Map<String, String> headers,
      RateSignal signal, Duration timeout, Clock clock) {
    this.call = call;
    this.response = response;
    this.target = target;
    this.headers = Map.copyOf(headers);
    this.rateHeaders = RateHeaders.rateRelated(headers);
    this.signal = signal;
    this.timeout = timeout;
    this.clock = clock;
    this.source = response.body().source();
    this.reader = new SseReader(source);
  }

  @Override
  public int status() {
    return response.code();
  }

  @Override
  public Map<String, String> headers() {
    return rateHeaders;
  }

  @Override
  public RateSignal signal() {
    return signal;
  }

  @Override
  public ChatChunk next() {
    if (done) return null;
    try {
      while (true) {
        String data = pending.poll();
        if (data == null) {
          SseEvent ev = readEvent();
          if (ev == null) return end();
          if ("error".equals(ev.event())) throw fail(target.classify(status(), headers, ev.data(), signal, clock.instant(), true));
          data = ev.data();
        }
        String d = data.strip();
        if (d.isEmpty()) continue;
        if (d.equals("[DONE]")) return end();
        // The usual event: parsed once, straight into the chunk; anything else takes the tree path below.
        ChatChunk fast = fastChunk(d);
        if (fast != null) {
          if (isError(fast)) throw fail(target.classify(status(), headers, d, signal, clock.instant(), true));
          chunks++;
          return fast;
        }
        JsonNode tree;
        try {
          tree = Json.tree(d);
        } catch (IllegalArgumentException e) {
          if (d.indexOf('\n') >= 0) {
            // Some servers put one JSON document per data line without the blank line between events.
            for (String line : d.split("\n")) pending.add(line.startsWith("data:") ? line.substring(5) : line);
            continue;
          }
          throw fail(target.malformed(status(), headers, d, signal, "unreadable stream event (" + e.getMessage() + ")", e));
        }
        if (OpenAiCompatibleClient.isError(tree)) {
          throw fail(target.classify(status(), headers, d, signal, clock.instant(), true));
        }
        ChatChunk chunk;
        try {
          chunk = Json.mapper().treeToValue(tree, ChatChunk.class);
        } catch (IOException | IllegalArgumentException e) {
          throw fail(target.malformed(status(), headers, d, signal, "stream event is not a chat.completion.chunk", e));
        }
        chunks++;
        return chunk;
      }
    } catch (IOException e) {
      if (closed.get()) {
        done = true;
        return null;
      }
      throw fail(target.transport(e, status(), headers, true));
    }
  }

  private static final ObjectReader CHUNK_READER = Json.mapper().readerFor(ChatChunk.class);

  /** {@code data} as a chunk, or null when it is not one as it stands (the tree path then says why). */
  private static ChatChunk fastChunk(String data) {
    if (data.charAt(0) != '{') return null;
    try {
      return CHUNK_READER.readValue(data);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** {@link OpenAiCompatibleClient#isError(JsonNode)} on a parsed chunk's fields. */
  static boolean isError(ChatChunk c) {
    JsonNode err = c.extra().get("error");
    boolean hasError = err != null && !err.isNull();
    List<ChunkChoice> choices = c.choices();
    if (hasError && (choices == null || choices.isEmpty())) return true;
    if (choices != null) {
      for (ChunkChoice ch : choices) {
        if (ch == null) continue;
        if ("error".equals(ch.finishReason()) || (hasError && ch.extra().containsKey("error"))) return true;
      }
    }
    return hasError;
  }

  private SseEvent readEvent() throws IOException {
    source.timeout().deadline(timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      return reader.next();
    } finally {
      source.timeout().clearDeadline();
    }
  }

  private ChatChunk end() {
    done = true;
    if (closed.compareAndSet(false, true)) {
      // No cancel on a normal end: closing drains what is left briefly so the connection can be reused.
      response.close();
    }
    if (chunks == 0) {
      throw target.malformed(status(), headers, null, signal, "the stream ended before any chunk", null);
    }
    return null;
  }

  private ProviderException fail(ProviderException e) {
    done = true;
    close();
    return e;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      call.cancel();
      response.close();
    }
  }
}
