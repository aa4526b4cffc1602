package io.llmrouter.core;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.Route;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.ProviderStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A committed stream: the chunks read while choosing the deployment, then the rest of the upstream
 * stream. After commit there is no retry or fallback: an upstream error ends the stream with its typed
 * exception, so content is never repeated. The request's deadline holds as for a JSON call: a stream
 * still open then (a provider dripping bytes) is closed and {@link #next()} throws a
 * {@link RequestTimeoutException}. Not thread-safe (one reader); {@link #close()} may be called
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
  private final double deadlineSeconds;
  private final ScheduledFuture<?> deadline;
  private volatile RequestTimeoutException timeout;
  private boolean timeoutThrown;
  private boolean upstreamEnded;
  private volatile boolean done;
  private Usage usage;
  private long contentChars;
  private final boolean hideUsage;

  /**
   * @param watchdog where the request's deadline is enforced (null: none, a mock)
   * @param deadlineInMillis time left to the request's deadline; the stream is ended with a
   *     {@link RequestTimeoutException} then, as a JSON call would be
   * @param hideUsage the router asked for the usage chunk on its own behalf: a usage-only chunk (no choices) is
   *     read for the rate windows but not given to the caller, who did not ask for it
   */
  RouterChatStream(Ticket ticket, Opened opened, Route route, ScheduledExecutorService watchdog, long deadlineInMillis,
      double deadlineSeconds, boolean hideUsage, OnEnd onEnd) {
    this.hideUsage = hideUsage;
    this.onEnd = onEnd;
    this.deadlineSeconds = deadlineSeconds;
    this.ticket = ticket;
    this.upstream = opened.stream();
    this.buffered = new ConcurrentLinkedQueue<>(opened.prefetched());
    this.upstreamEnded = opened.ended();
    this.route = route;
    for (ChatChunk c : buffered) track(c);
    ScheduledFuture<?> f = null;
    if (watchdog != null && !upstreamEnded) {
      try {
        f = watchdog.schedule(this::deadlineReached, deadlineInMillis, TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        f = null; // the router is closing
      }
    }
    this.deadline = f;
  }

  /** The request's deadline passed while the stream was open: end it, as a JSON call would be ended. */
  private void deadlineReached() {
    if (done) return;
    RequestTimeoutException e = new RequestTimeoutException("request deadline of " + deadlineSeconds
        + " s reached during the stream", new ErrorContext(0, ticket.deployment.config.provider(), ticket.deployment.id,
        Map.of(), null, null));
    timeout = e;
    finish(e);
  }

  /** After the stream ended: the deadline's exception once (to the reader), then the end. */
  private ChatChunk afterEnd() {
    RequestTimeoutException e = timeout;
    if (e != null && !timeoutThrown) {
      timeoutThrown = true;
      throw e;
    }
    return null;
  }

  @Override
  public ChatChunk next() {
    ChatChunk c;
    do {
      c = nextChunk();
    } while (c != null && hideUsage && c.usage() != null && (c.choices() == null || c.choices().isEmpty()));
    return c;
  }

  private ChatChunk nextChunk() {
    ChatChunk c = buffered.poll();
    if (c != null) return c;
    if (done) return afterEnd();
    if (upstreamEnded) {
      finish(null);
      return null;
    }
    try {
      c = upstream.next();
    } catch (ProviderException e) {
      if (done) return afterEnd(); // closed by another thread while reading: a cancel or the deadline, not a provider failure
      ProviderException pe = e.deploymentId() == null ? e.withDeployment(ticket.deployment.id) : e;
      finish(pe);
      throw pe;
    } catch (RuntimeException e) {
      if (done) return afterEnd(); // closed by another thread while reading
      ProviderException pe = new ProviderUnavailableException("stream broke: " + RouterErrors.firstLine(e),
          new ErrorContext(0, ticket.deployment.config.provider(), ticket.deployment.id, Map.of(), null, null), e);
      finish(pe);
      throw pe;
    }
    if (c == null) {
      if (done) return afterEnd();
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
    if (deadline != null) deadline.cancel(false);
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
