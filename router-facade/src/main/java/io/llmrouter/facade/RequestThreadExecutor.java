package io.llmrouter.facade;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * A router executor ({@code LlmRouter.Builder.executor}) that runs the first step of a request routed by
 * the facade on the facade's own request thread, and everything else on {@code elsewhere}.
 *
 * <p>The facade calls {@code router.chatAsync} (or {@code streamAsync}, {@code embedAsync}) from a Jetty
 * pool thread that may block. With the router's own executor, that thread handed the request to a router
 * thread, which made the provider call and then wrote the answer: one more thread hop (two context
 * switches) per request than a pass-through that calls its upstream on the request thread. Here the task
 * the router submits while the facade's thread is inside that call runs at once, on that thread: the
 * router's first attempt, and the answer written right after it. A wait for capacity still goes to the
 * router's scheduler and is resumed on {@code elsewhere}, so a waiting request holds no thread, as before.
 *
 * <p>Only the first task submitted during such a call runs inline; any other submission, and every
 * submission from any other thread, goes to {@code elsewhere}. The executor never shuts {@code elsewhere}
 * down: its owner does, after closing the router.
 */
public final class RequestThreadExecutor implements Executor {
  // Set by the facade around its routed call on a request thread that may block.
  private static final ThreadLocal<boolean[]> INLINE = new ThreadLocal<>();

  private final Executor elsewhere;

  /** Runs the facade's first routed step on its request thread, the rest on {@code elsewhere}. */
  public RequestThreadExecutor(Executor elsewhere) {
    this.elsewhere = Objects.requireNonNull(elsewhere, "elsewhere");
  }

  @Override
  public void execute(Runnable task) {
    boolean[] slot = INLINE.get();
    if (slot != null && slot[0]) {
      slot[0] = false;
      task.run();
      return;
    }
    elsewhere.execute(task);
  }

  /** What the facade calls on its request thread; the router's first submission during it may run inline. */
  interface RoutedCall<T> {
    T call();
  }

  /**
   * Runs {@code call} (a routed {@code *Async} call) letting the first task it submits to a
   * {@link RequestThreadExecutor} run on this thread. Not reentrant by design: a nested call sees no slot.
   */
  static <T> T inline(RoutedCall<T> call) {
    if (INLINE.get() != null) return call.call();
    boolean[] slot = {true};
    INLINE.set(slot);
    try {
      return call.call();
    } finally {
      INLINE.remove();
    }
  }
}
