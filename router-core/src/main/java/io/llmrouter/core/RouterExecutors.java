package io.llmrouter.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The router's own threads: daemon, named, and bounded in number and backlog. */
final class RouterExecutors {
  /** Threads of the default executor ({@code chatAsync}, callback streams): each runs one request at a time. */
  static final int DEFAULT_THREADS = 64;
  /** Tasks that may wait for a thread before submissions are refused. */
  static final int DEFAULT_QUEUE = 10_000;

  private RouterExecutors() {}

  /**
   * The default executor: at most {@link #DEFAULT_THREADS} threads, idle ones end after a minute, and a
   * queue of {@link #DEFAULT_QUEUE}; past that a submission is refused (the router turns it into a
   * retriable error) instead of growing without bound.
   */
  static ExecutorService bounded() {
    ThreadPoolExecutor e = new ThreadPoolExecutor(DEFAULT_THREADS, DEFAULT_THREADS, 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(DEFAULT_QUEUE), daemon("llm-router-async"));
    e.allowCoreThreadTimeOut(true);
    return e;
  }

  static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
