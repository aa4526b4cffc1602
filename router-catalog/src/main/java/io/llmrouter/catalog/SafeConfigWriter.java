package io.llmrouter.catalog;

import io.llmrouter.api.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Replaces a config file without ever leaving it half-written:
 * <ol>
 *   <li>the new text is validated (a bad edit stops here, nothing on disk changes);</li>
 *   <li>the file on disk must still be the text that was edited (someone else's edit is never overwritten);</li>
 *   <li>a timestamped backup goes to {@code backups/<name>.bak.YYYYMMDD-HHMMSS} beside the config;</li>
 *   <li>the new text is written to a temporary file in the same directory, then renamed over the config
 *       with {@link StandardCopyOption#ATOMIC_MOVE}: readers see the old file or the new one, never a mix.</li>
 * </ol>
 * The write and the rename go through a {@link FileOps} seam so tests can simulate a crash. Thread-safe
 * as long as only one writer targets a given file.
 */
public final class SafeConfigWriter {

  /** File operations the writer performs, replaceable in tests to fail at a chosen step. */
  public interface FileOps {
    /** Writes {@code bytes} to {@code file}. */
    void write(Path file, byte[] bytes) throws IOException;

    /** Renames {@code from} over {@code to} atomically. */
    void move(Path from, Path to) throws IOException;

    /** The real file system. */
    static FileOps system() {
      return new FileOps() {
        @Override
        public void write(Path file, byte[] bytes) throws IOException {
          Files.write(file, bytes);
        }

        @Override
        public void move(Path from, Path to) throws IOException {
          Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
      };
    }
  }

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

  private final Clock clock;
  private final FileOps ops;

  /** A writer stamping backups with {@code clock} (in the system zone, as the guide's names are local). */
  public SafeConfigWriter(Clock clock, FileOps ops) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ops = Objects.requireNonNull(ops, "ops");
  }

  /**
   * Replaces {@code config} (whose current content must be {@code expectedOld}) with {@code newText}.
   *
   * @return the backup file written
   * @throws ConfigException when the validator rejects {@code newText} or the file changed since it was read
   * @throws IOException when a backup, write or rename fails; the config is then unchanged
   */
  public Path replace(Path config, String expectedOld, String newText, ConfigTextValidator validator) throws IOException {
    validator.accept(newText);
    String current = Files.readString(config, StandardCharsets.UTF_8);
    if (!current.equals(expectedOld)) {
      throw new ConfigException(config.toString(), "the file changed while the catalog was running; nothing written, run again");
    }
    Path dir = config.toAbsolutePath().getParent();
    Path backups = dir.resolve("backups");
    Files.createDirectories(backups);
    String base = config.getFileName() + ".bak." + STAMP.format(clock.instant().atZone(ZoneId.systemDefault()));
    Path backup = backups.resolve(base);
    for (int n = 1; Files.exists(backup); n++) backup = backups.resolve(base + "-" + n);
    Files.copy(config, backup, StandardCopyOption.COPY_ATTRIBUTES);
    Path tmp = Files.createTempFile(dir, "." + config.getFileName(), ".tmp");
    try {
      copyPermissions(config, tmp);
      ops.write(tmp, newText.getBytes(StandardCharsets.UTF_8));
      ops.move(tmp, config.toAbsolutePath());
    } finally {
      Files.deleteIfExists(tmp);
    }
    return backup;
  }

  // A temp file is created owner-only; keep the config's own mode so the container can still read it.
  private static void copyPermissions(Path from, Path to) {
    try {
      Files.setPosixFilePermissions(to, Files.getPosixFilePermissions(from));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: the platform default applies.
    }
  }

}
