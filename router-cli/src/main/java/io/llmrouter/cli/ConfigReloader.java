package io.llmrouter.cli;

import io.llmrouter.api.LlmRouterException;
import io.llmrouter.facade.ReloadStatus;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads {@code serve}'s configuration on SIGHUP ({@link #reloadNow}) and when the config or {@code .env}
 * file changes on disk. The file watch is on the files' directories, not the files: an editor that writes
 * a temp file and renames it over the config, and {@code models --update --yes} (temp file + atomic move),
 * replace the file's inode, which a watch on the file itself would lose. Events are debounced (a reload
 * starts once the files have been quiet for {@link #DEBOUNCE}), a poll every {@link #POLL} catches what
 * the watch missed (an overflow, a file system without notifications), and a reload runs only when the
 * files' bytes changed since the last attempt, so a touch or the same bytes rewritten do nothing.
 *
 * <p>All reloads run one at a time on one thread. A reload that fails keeps the running configuration,
 * logs the loader's message (the key path and what was expected) and is shown by {@link #get()} until a
 * later one succeeds. Thread-safe.
 */
final class ConfigReloader implements Supplier<ReloadStatus>, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigReloader.class);
  /** Quiet time after the last file event before a reload starts. */
  static final Duration DEBOUNCE = Duration.ofMillis(250);
  /** How long the watcher waits after events that were only about other files in the directory. */
  static final Duration OTHER_FILES_PAUSE = Duration.ofMillis(100);
  /** How often the files are compared with what was last loaded, whatever the watch says. */
  static final Duration POLL = Duration.ofSeconds(5);

  /** Swaps a new configuration in; returns a summary for the log; throws the loader's exception. */
  @FunctionalInterface
  interface Action {
    String reload();
  }

  private final Path config;
  private final Path envFile;
  private final Action action;
  private final Clock clock;
  private final ScheduledExecutorService worker;
  private final Object lock = new Object();
  private ScheduledFuture<?> pending;
  private WatchService watch;
  private Thread watcher;
  // Digest of the files as last tried (loaded or failed): an unchanged file is not reloaded again.
  private volatile byte[] lastDigest;
  private volatile ReloadStatus status;

  /**
   * @param initialDigest {@link #digestOf} the files taken before they were loaded, so a change made while
   *     they loaded is still seen as one
   */
  ConfigReloader(Path config, Path envFile, Action action, Clock clock, byte[] initialDigest) {
    this.config = config.toAbsolutePath();
    this.envFile = envFile == null ? null : envFile.toAbsolutePath();
    this.action = action;
    this.clock = clock;
    this.status = new ReloadStatus(clock.instant(), 0, null, null);
    this.lastDigest = initialDigest;
    this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "llm-router-config-reload");
      t.setDaemon(true);
      return t;
    });
  }

  /** Starts watching the files and polling them. */
  void start() {
    Set<Path> dirs = new LinkedHashSet<>();
    dirs.add(config.getParent());
    if (envFile != null) dirs.add(envFile.getParent());
    try {
      watch = FileSystems.getDefault().newWatchService();
      for (Path d : dirs) {
        d.register(watch, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
      }
      watcher = new Thread(this::watchLoop, "llm-router-config-watch");
      watcher.setDaemon(true);
      watcher.start();
    } catch (IOException | UnsupportedOperationException e) {
      LOG.warn("cannot watch {} for changes ({}); polling it every {} s instead", config, e.toString(), POLL.toSeconds());
    }
    worker.scheduleWithFixedDelay(() -> reloadIfChanged("changed on disk"), POLL.toMillis(), POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void watchLoop() {
    Set<Path> names = new HashSet<>();
    names.add(config.getFileName());
    if (envFile != null) names.add(envFile.getFileName());
    try {
      while (true) {
        WatchKey key = watch.take();
        boolean ours = false;
        for (WatchEvent<?> e : key.pollEvents()) {
          // An overflow lost events: treat it as a change and let the digest decide.
          ours |= e.kind() == StandardWatchEventKinds.OVERFLOW || names.contains((Path) e.context());
        }
        key.reset();
        if (ours) {
          debounce();
        } else {
          // Only other files changed (a log file beside the config is written many times a second under
          // load): let their events gather for a while instead of waking for each one. The directory's events
          // keep queueing meanwhile, so an edit of ours is seen at the latest this much later.
          Thread.sleep(OTHER_FILES_PAUSE.toMillis());
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException stop) {
      // close()
    }
  }

  private void debounce() {
    synchronized (lock) {
      if (pending != null) pending.cancel(false);
      if (worker.isShutdown()) return;
      pending = worker.schedule(() -> reloadIfChanged("changed on disk"), DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Reloads now on the reload thread, whether or not the files changed (SIGHUP). Returns at once. */
  void reloadNow(String why) {
    if (worker.isShutdown()) return;
    worker.execute(() -> reload(why, digest()));
  }

  private boolean reloadIfChanged(String why) {
    byte[] d = digest();
    if (Arrays.equals(d, lastDigest)) return false;
    reload(why, d);
    return true;
  }

  /** Runs the poll's check now on the reload thread and waits for it: true when it reloaded (tests). */
  boolean checkNow() throws Exception {
    return worker.submit(() -> reloadIfChanged("checked")).get();
  }

  private void reload(String why, byte[] digest) {
    lastDigest = digest;
    ReloadStatus before = status;
    try {
      String summary = action.reload();
      status = new ReloadStatus(clock.instant(), before.reloads() + 1, null, null);
      LOG.info("configuration reloaded ({}): {}", why, summary);
    } catch (LlmRouterException | UnsupportedOperationException e) {
      // ConfigException messages name the key path and never a secret's value.
      String message = e.getMessage();
      status = new ReloadStatus(before.loadedAt(), before.reloads(), clock.instant(), message);
      LOG.error("configuration reload failed ({}), still serving the previous one: {}", why, message);
    } catch (RuntimeException e) {
      String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      status = new ReloadStatus(before.loadedAt(), before.reloads(), clock.instant(), message);
      LOG.error("configuration reload failed ({}), still serving the previous one: {}", why, message);
    }
  }

  private byte[] digest() {
    return digestOf(config, envFile);
  }

  /** SHA-256 of the config and .env bytes; a missing or unreadable file counts as its own state. */
  static byte[] digestOf(Path config, Path envFile) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Path p : envFile == null ? new Path[] {config} : new Path[] {config, envFile}) {
        try {
          md.update(Files.readAllBytes(p));
        } catch (NoSuchFileException e) {
          md.update((byte) 1);
        } catch (IOException e) {
          md.update((byte) 2);
        }
        md.update((byte) 0);
      }
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public ReloadStatus get() {
    return status;
  }

  /** Stops watching and polling; a reload under way finishes first (bounded). Idempotent. */
  @Override
  public void close() {
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException ignored) {
        // Nothing to do: the watcher thread ends either way.
      }
    }
    worker.shutdown();
    try {
      worker.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
