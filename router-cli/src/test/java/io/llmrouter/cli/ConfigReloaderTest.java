package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ConfigException;
import io.llmrouter.facade.ReloadStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ConfigReloader} on a real directory: a rename over the file and an in-place write each reload once
 * (debounced), a touch with the same bytes does not, a failure keeps its message until a good file loads,
 * and the .env file counts too.
 */
class ConfigReloaderTest {
  @TempDir Path dir;
  private final List<String> loaded = new CopyOnWriteArrayList<>();

  private ConfigReloader reloader(Path config, Path env) {
    ConfigReloader r = new ConfigReloader(config, env, () -> {
      try {
        String text = Files.readString(config);
        if (text.contains("broken")) throw new ConfigException("router_settings.fallbacks[0]", "unknown model group 'x'");
        loaded.add(text);
        return "ok";
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, Clock.systemUTC(), ConfigReloader.digestOf(config, env));
    r.start();
    return r;
  }

  /** Polls (the watcher runs on its own thread) until {@code p} holds, for up to 10 s. */
  private static <T> boolean eventually(java.util.function.Supplier<T> s, Predicate<T> p) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (p.test(s.get())) return true;
      Thread.sleep(20); // the poll interval
    }
    return p.test(s.get());
  }

  @Test
  void renamesWritesAndEnvChangesReloadTouchesDoNotAndFailuresShowUntilFixed() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), "v1");
    Path env = Files.writeString(dir.resolve(".env"), "A=1\n");
    try (ConfigReloader r = reloader(config, env)) {
      Path tmp = Files.writeString(dir.resolve(".config.yaml.tmp"), "v2");
      Files.move(tmp, config, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      assertThat(eventually(() -> loaded, l -> l.contains("v2"))).isTrue();
      assertThat(r.get().reloads()).isEqualTo(1);

      // The same bytes again, or another file of the directory: the digest says nothing changed.
      Files.writeString(config, "v2");
      Files.writeString(dir.resolve("unrelated.txt"), "x");
      assertThat(r.checkNow()).isFalse();
      Files.writeString(config, "v3");
      assertThat(eventually(() -> loaded, l -> l.contains("v3"))).isTrue();
      assertThat(loaded).containsExactly("v2", "v3");

      Files.writeString(config, "broken");
      assertThat(eventually(r::get, ReloadStatus::failing)).isTrue();
      assertThat(r.get().error()).isEqualTo("router_settings.fallbacks[0]: unknown model group 'x'");
      assertThat(r.get().reloads()).isEqualTo(2);

      Files.writeString(config, "v4");
      assertThat(eventually(r::get, s -> !s.failing())).isTrue();
      assertThat(r.get().reloads()).isEqualTo(3);

      Files.writeString(env, "A=2\n");
      assertThat(eventually(r::get, s -> s.reloads() == 4)).isTrue();

      r.reloadNow("SIGHUP");
      assertThat(eventually(r::get, s -> s.reloads() == 5)).as("forced, though nothing changed").isTrue();
      assertThat(loaded).containsExactly("v2", "v3", "v4", "v4", "v4");
    }
  }
}
