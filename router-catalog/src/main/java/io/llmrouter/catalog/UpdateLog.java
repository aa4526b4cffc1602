package io.llmrouter.catalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends one line per run to {@code update_models.log} beside the config:
 * {@code <ISO instant> <mode> <key=value ...>}. Lines never carry a secret (only counts, names and
 * variable names). Appends are atomic per line for lines under the OS pipe buffer size.
 */
public final class UpdateLog {
  private final Path file;

  /** A log at {@code file}. */
  public UpdateLog(Path file) {
    this.file = file;
  }

  /** The log file. */
  public Path file() {
    return file;
  }

  /** Appends {@code at mode details}. @throws UncheckedIOException when the file cannot be written */
  public void append(Instant at, String mode, String details) {
    String line = at + " " + mode + " " + details.replace('\n', ' ') + System.lineSeparator();
    try {
      Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
  }
}
