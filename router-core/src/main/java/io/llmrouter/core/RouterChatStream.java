package io.llmrouter.core;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.ProviderStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A committed stream: the chunks read while choosing the deployment, then the rest of the upstream
 * stream. After commit there is no retry or fallback: an upstream error ends the stream with its typed
 * exception, so content is never repeated. Not thread-safe (one reader); {@link #close()} may be called
 * from another thread to cancel.
 */
final class RouterChatStream implements ChatStream {
  /** Told once, when the stream ends, closes or fails: the bookkeeping of the committed call. */
  interface OnEnd {
    void ended(Usage usage, long contentChars, ProviderException error);
  }

  /** An upstream stream with the chunks read before committing to it. */
  record Opened(ProviderStream stream, List<ChatChunk> prefetched, boolean ended) {}

  private final OnEnd onEnd;
  private final Ticket ticket;
  private final ProviderStream upstream;
  // Concurrent: close() may clear it from another thread (a server whose client hung up) while next() reads.
  private final ConcurrentLinkedQueue<ChatChunk> buffered;
  private final Route route;
  private boolean upstreamEnded;
  private volatile boolean done;
  private Usage usage;
  private long contentChars;

  RouterChatStream(Ticket ticket, Opened opened, Route route, OnEnd onEnd) {
    this.onEnd = onEnd;
    this.ticket = ticket;
    this.upstream = opened.stream();
    this.buffered = new ConcurrentLinkedQueue<>(opened.prefetched());
    this.upstreamEnded = opened.ended();
    this.route = route;
    for (ChatChunk c : buffered) track(c);
  }

  @Override
  public ChatChunk next() {
    ChatChunk c = buffered.poll();
    if (c != null) return c;
    if (done) return null;
    if (upstreamEnded) {
      finish(null);
      return null;
    }
    try {
      c = upstream.next();
    } catch (ProviderException e) {
      if (done) return null; // closed by another thread while reading: a cancel, not a provider failure
      ProviderException pe = e.deploymentId() == null ? e.withDeployment(ticket.deployment.id) : e;
      finish(pe);
      throw pe;
    } catch (RuntimeException e) {
      if (done) return null; // closed by another thread while reading
      ProviderException pe = new ProviderUnavailableException("stream broke: " + RouterErrors.firstLine(e),
          new ErrorContext(0, ticket.deployment.config.provider(), ticket.deployment.id, Map.of(), null, null), e);
      finish(pe);
      throw pe;
    }
    if (c == null) {
      finish(null);
      return null;
    }
    track(c);
    return c;
  }

  private void track(ChatChunk c) {
    if (c.usage() != null) usage = c.usage();
    if (c.choices() != null) {
      for (var ch : c.choices()) {
        if (ch.delta() != null) {
          String t = ch.delta().text();
          if (t != null) contentChars += t.length();
        }
      }
    }
  }

  private synchronized void finish(ProviderException error) {
    if (done) return;
    done = true;
    upstream.close();
    onEnd.ended(usage, contentChars, error);
  }

  @Override
  public Route route() {
    return route;
  }

  @Override
  public void close() {
    buffered.clear();
    finish(null);
  }

  /** For tests and diagnostics: whether the stream has ended or been closed. */
  boolean isDone() {
    return done;
  }
}
