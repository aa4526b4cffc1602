package io.llmrouter.facade;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Route;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test-only {@link ChatStream}: a queue of chunks, errors and an end marker that a test may fill
 * before or while the facade reads. {@link #endless()} makes it produce chunks until closed, which is how
 * a test sees that a disconnecting client cancels the upstream. {@link #closed} opens when the facade
 * closes the stream. next() never waits longer than 30 s, so a broken test fails instead of hanging.
 */
final class ScriptedStream implements ChatStream {
  private static final Object END = new Object();
  private static final Object ENDLESS = new Object();
  private static final Object CLOSED = new Object();

  private final Route route;
  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  final CountDownLatch closed = new CountDownLatch(1);
  final AtomicInteger served = new AtomicInteger();
  private volatile boolean endlessMode;

  ScriptedStream(Route route) {
    this.route = route;
  }

  ScriptedStream chunk(ChatChunk chunk) {
    items.add(chunk);
    return this;
  }

  ScriptedStream fail(LlmRouterException error) {
    items.add(error);
    return this;
  }

  ScriptedStream end() {
    items.add(END);
    return this;
  }

  ScriptedStream endless() {
    items.add(ENDLESS);
    return this;
  }

  @Override
  public ChatChunk next() {
    if (closed.getCount() == 0) return null;
    if (endlessMode) {
      served.incrementAndGet();
      return ScriptedRouter.chunk(route.providerModel(), "x".repeat(2048));
    }
    Object o;
    try {
      o = items.poll(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LlmRouterException("interrupted", false);
    }
    if (o == null) throw new LlmRouterException("scripted stream ran dry", false);
    if (o == END || o == CLOSED) return null;
    if (o == ENDLESS) {
      endlessMode = true;
      return next();
    }
    if (o instanceof LlmRouterException e) throw e;
    served.incrementAndGet();
    return (ChatChunk) o;
  }

  @Override
  public Route route() {
    return route;
  }

  @Override
  public void close() {
    closed.countDown();
    items.add(CLOSED);
  }
}
