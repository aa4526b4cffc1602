package io.llmrouter.core;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.HealthCheckMode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.StateStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A {@link Router} whose configuration can be replaced while it serves: {@link #reload(RouterConfig)}.
 * Build one with {@link LlmRouter.Builder#buildReloadable()}.
 *
 * <p>What a reload does:
 * <ul>
 *   <li>It builds a router for the new configuration first; when that fails (the exception propagates)
 *       the running configuration stays in place, untouched.
 *   <li>Requests already running, streams already open included, finish on the configuration they
 *       started on; every request accepted after {@code reload} returns uses the new one. No request fails
 *       because of a reload.
 *   <li>A deployment whose definition did not change (the same {@code model_info.id} and an equal
 *       {@link DeploymentConfig}, resolving to the same base URL and extra headers) keeps all its state:
 *       rpm/tpm windows, provider quotas, cooldown and half-open probe, health, latency, in-flight count.
 *       A deployment whose definition changed starts fresh (its persisted cooldown is dropped), a removed
 *       one is dropped, a new one starts fresh. Daily counters stay in the {@link StateStore} by id.
 *   <li>The listeners, clock, provider client, state store and executor are the builder's, shared by
 *       every configuration; request ids ({@code RequestHandle.id()}) keep increasing across reloads.
 * </ul>
 *
 * <p>Thread-safe. Reloads are serialised; requests never wait for one (they take the configuration that
 * is current when they start, without a lock).
 */
public final class ReloadableRouter implements Router {
  private final BiFunction<RouterConfig, Env, RouterEngine> engines;
  private final StateStore store;
  private final Runnable closeShared;
  private final Object reloadLock = new Object();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong reloads = new AtomicLong();
  private volatile Generation current;
  private volatile Env env;

  /** One configuration's engine and how many calls still use it. */
  private static final class Generation {
    final RouterEngine engine;
    final AtomicInteger users = new AtomicInteger();
    volatile boolean replaced;

    Generation(RouterEngine engine) {
      this.engine = engine;
    }

    void release() {
      if (users.decrementAndGet() == 0 && replaced) engine.retire();
    }
  }

  /**
   * What a reload changed, by deployment id.
   *
   * @param kept deployments carried over with their state
   * @param added deployments new in this configuration (or whose definition changed), starting fresh
   * @param removed deployments of the previous configuration that are gone (or whose definition changed)
   */
  public record Result(List<String> kept, List<String> added, List<String> removed) {
    /** Copies the lists. */
    public Result {
      kept = List.copyOf(kept);
      added = List.copyOf(added);
      removed = List.copyOf(removed);
    }
  }

  ReloadableRouter(RouterConfig config, Env env, StateStore store, Engines engines, Runnable closeShared) {
    this.store = store;
    this.closeShared = closeShared;
    this.env = env;
    AtomicLong ids = new AtomicLong();
    this.engines = (c, e) -> engines.create(c, e, current == null ? null : current.engine, ids);
    this.current = new Generation(this.engines.apply(config, env));
  }

  /** Creates the engine of one configuration (LlmRouter.Builder supplies the shared collaborators). */
  @FunctionalInterface
  interface Engines {
    RouterEngine create(RouterConfig config, Env env, RouterEngine previous, AtomicLong requestIds);
  }

  /**
   * Replaces the configuration, keeping the environment the router was built with (or last reloaded with).
   * See the class comment for what carries over.
   *
   * @return which deployments were kept, added and removed
   * @throws LlmRouterException when the router is closed
   * @throws RuntimeException whatever building a router for {@code config} throws; the running
   *     configuration then stays
   */
  public Result reload(RouterConfig config) {
    return reload(config, env);
  }

  /**
   * Replaces the configuration and the environment its {@code os.environ/NAME} keys and the dialects'
   * variables are read from (a re-read {@code .env} file). See the class comment.
   *
   * @return which deployments were kept, added and removed
   * @throws LlmRouterException when the router is closed
   * @throws RuntimeException whatever building a router for {@code config} throws; the running
   *     configuration then stays
   */
  public Result reload(RouterConfig config, Env newEnv) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(newEnv, "env");
    synchronized (reloadLock) {
      if (closed.get()) throw new LlmRouterException("router is closed: create a new one to send requests", false);
      Generation old = current;
      Map<String, DeploymentConfig> before = new HashMap<>();
      for (DeploymentConfig d : old.engine.config().deployments()) before.put(d.id(), d);
      // A changed definition starts fresh: its persisted cooldown belongs to what it was.
      for (DeploymentConfig d : config.deployments()) {
        DeploymentConfig was = before.get(d.id());
        if (was != null && !was.equals(d)) store.clearCooldown(d.id());
      }
      RouterEngine next = engines.apply(config, newEnv);
      Generation g = new Generation(next);
      current = g;
      env = newEnv;
      old.replaced = true;
      // Retire now when idle; otherwise the last call still on it does (Generation.release).
      if (old.users.get() == 0) old.engine.retire();
      reloads.incrementAndGet();
      List<String> oldIds = old.engine.deploymentIds();
      List<String> newIds = next.deploymentIds();
      List<String> kept = new ArrayList<>();
      List<String> added = new ArrayList<>();
      List<String> removed = new ArrayList<>();
      for (DeploymentConfig d : config.deployments()) {
        DeploymentConfig was = before.get(d.id());
        if (was != null && was.equals(d)) kept.add(d.id());
        else added.add(d.id());
      }
      for (String id : oldIds) {
        if (!kept.contains(id)) removed.add(id);
      }
      for (String id : removed) {
        if (!newIds.contains(id)) store.clearCooldown(id);
      }
      return new Result(kept, added, removed);
    }
  }

  /** The configuration new requests are routed by. */
  public RouterConfig config() {
    return current.engine.config();
  }

  /** How many reloads succeeded since the router was built. */
  public long reloadCount() {
    return reloads.get();
  }

  private Generation acquire() {
    while (true) {
      Generation g = current;
      g.users.incrementAndGet();
      if (!g.replaced) return g;
      // A reload replaced it between the read and the count: use the new one.
      g.release();
    }
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Generation g = acquire();
    try {
      return g.engine.chat(request);
    } finally {
      g.release();
    }
  }

  @Override
  public ChatStream stream(ChatRequest request) {
    Generation g = acquire();
    ChatStream s;
    try {
      s = g.engine.stream(request);
    } catch (RuntimeException e) {
      g.release();
      throw e;
    }
    return new HeldStream(s, g);
  }

  @Override
  public CompletableFuture<ChatStream> streamAsync(ChatRequest request) {
    Generation g = acquire();
    CompletableFuture<ChatStream> f;
    try {
      f = g.engine.streamAsync(request);
    } catch (RuntimeException e) {
      g.release();
      throw e;
    }
    CompletableFuture<ChatStream> held = new CompletableFuture<>();
    f.whenComplete((s, e) -> {
      if (e != null) {
        g.release();
        held.completeExceptionally(e);
      } else {
        HeldStream hs = new HeldStream(s, g);
        if (!held.complete(hs)) hs.close();
      }
    });
    held.whenComplete((s, e) -> {
      if (held.isCancelled()) f.cancel(false);
    });
    return held;
  }

  /** Holds its configuration until closed or read to its end. */
  private static final class HeldStream implements ChatStream {
    private final ChatStream delegate;
    private final Generation generation;
    private final AtomicBoolean released = new AtomicBoolean();

    HeldStream(ChatStream delegate, Generation generation) {
      this.delegate = delegate;
      this.generation = generation;
    }

    @Override
    public ChatChunk next() {
      ChatChunk c;
      try {
        c = delegate.next();
      } catch (RuntimeException e) {
        release();
        throw e;
      }
      if (c == null) release();
      return c;
    }

    @Override
    public Route route() {
      return delegate.route();
    }

    @Override
    public void close() {
      try {
        delegate.close();
      } finally {
        release();
      }
    }

    private void release() {
      if (released.compareAndSet(false, true)) generation.release();
    }
  }

  @Override
  public AutoCloseable stream(ChatRequest request, StreamListener listener) {
    Generation g = acquire();
    AtomicBoolean released = new AtomicBoolean();
    Runnable release = () -> {
      if (released.compareAndSet(false, true)) g.release();
    };
    StreamListener held = new StreamListener() {
      @Override
      public void onOpen(Route route) {
        listener.onOpen(route);
      }

      @Override
      public void onChunk(ChatChunk chunk) {
        listener.onChunk(chunk);
      }

      @Override
      public void onComplete(Route route) {
        try {
          listener.onComplete(route);
        } finally {
          release.run();
        }
      }

      @Override
      public void onError(LlmRouterException error) {
        try {
          listener.onError(error);
        } finally {
          release.run();
        }
      }
    };
    try {
      return g.engine.stream(request, held);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
  }

  @Override
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    return whileHeld(e -> e.chatAsync(request));
  }

  /** Runs an asynchronous call on the current generation, held until the call's future completes. */
  private <T> CompletableFuture<T> whileHeld(java.util.function.Function<RouterEngine, CompletableFuture<T>> call) {
    Generation g = acquire();
    CompletableFuture<T> f;
    try {
      f = call.apply(g.engine);
    } catch (RuntimeException e) {
      g.release();
      throw e;
    }
    f.whenComplete((r, e) -> g.release());
    return f;
  }

  @Override
  public CompletableFuture<io.llmrouter.api.EmbeddingResponse> embedAsync(io.llmrouter.api.EmbeddingRequest request) {
    return whileHeld(e -> e.embedAsync(request));
  }

  @Override
  public io.llmrouter.api.EmbeddingResponse embed(io.llmrouter.api.EmbeddingRequest request) {
    Generation g = acquire();
    try {
      return g.engine.embed(request);
    } finally {
      g.release();
    }
  }

  @Override
  public io.llmrouter.api.RouterStatus status() {
    Generation g = acquire();
    try {
      return g.engine.status();
    } finally {
      g.release();
    }
  }

  /** The current configuration's shared-state link, when it has one (see {@link LlmRouter#sharedStateStatus}). */
  java.util.Optional<io.llmrouter.core.state.SharedState.Status> sharedStateStatus() {
    Generation g = acquire();
    try {
      return LlmRouter.sharedStateStatus(g.engine);
    } finally {
      g.release();
    }
  }

  @Override
  public List<ModelGroupStatus> modelGroups() {
    Generation g = acquire();
    try {
      return g.engine.modelGroups();
    } finally {
      g.release();
    }
  }

  @Override
  public List<CooldownStatus> cooldowns() {
    Generation g = acquire();
    try {
      return g.engine.cooldowns();
    } finally {
      g.release();
    }
  }

  @Override
  public int clearCooldowns(String groupOrDeploymentId) {
    Generation g = acquire();
    try {
      return g.engine.clearCooldowns(groupOrDeploymentId);
    } finally {
      g.release();
    }
  }

  @Override
  public HealthReport health() {
    Generation g = acquire();
    try {
      return g.engine.health();
    } finally {
      g.release();
    }
  }

  @Override
  public HealthReport checkHealth() {
    Generation g = acquire();
    try {
      return g.engine.checkHealth();
    } finally {
      g.release();
    }
  }

  @Override
  public HealthReport checkHealth(HealthCheckMode mode) {
    Generation g = acquire();
    try {
      return g.engine.checkHealth(mode);
    } finally {
      g.release();
    }
  }

  /**
   * Stops the router as {@link RouterEngine#close()} does: every later call is refused, background checks
   * stop, an executor the router created is shut down and awaited (bounded), the state store is flushed
   * and closed and a provider client the router created is closed. Idempotent.
   */
  @Override
  public void close() {
    synchronized (reloadLock) {
      if (!closed.compareAndSet(false, true)) return;
      current.engine.retire();
      // Requests parked in the scheduler have no thread that would see the close: end them now.
      current.engine.failWaiting();
    }
    closeShared.run();
  }

  /** Shuts down an executor the router created, waiting up to {@code seconds}, then interrupting it. */
  static void shutdown(ExecutorService ex, long seconds) {
    ex.shutdown();
    try {
      if (!ex.awaitTermination(seconds, TimeUnit.SECONDS)) ex.shutdownNow();
    } catch (InterruptedException e) {
      ex.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
