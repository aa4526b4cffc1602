package io.llmrouter.core.config;

import io.llmrouter.api.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where {@code os.environ/NAME} values come from: the process environment, overlaid by an optional
 * {@code .env} file (the process environment wins, as with docker-compose and python-dotenv's default).
 * Immutable. Values are secrets-in-waiting: never log them.
 */
public final class Env implements Function<String, String> {
  private final Map<String, String> dotEnv;
  private final Function<String, String> process;

  private Env(Map<String, String> dotEnv, Function<String, String> process) {
    this.dotEnv = Map.copyOf(dotEnv);
    this.process = process;
  }

  /** The process environment only. */
  public static Env system() {
    return new Env(Map.of(), System::getenv);
  }

  /** Exactly these variables (tests). */
  public static Env of(Map<String, String> vars) {
    Map<String, String> copy = Map.copyOf(vars);
    return new Env(Map.of(), copy::get);
  }

  /** Returns this environment overlaid by the {@code KEY=value} lines of {@code file} (process values win). */
  public Env withDotEnv(Path file) {
    return new Env(parseDotEnv(file), process);
  }

  /** The variable's value, or null when unset. */
  public String get(String name) {
    String v = process.apply(name);
    return v != null ? v : dotEnv.get(name);
  }

  @Override
  public String apply(String name) {
    return get(name);
  }

  /**
   * Reads a {@code .env} file: {@code KEY=value} lines, optional {@code export }, {@code #} comments,
   * single or double quotes around the value.
   *
   * @throws ConfigException naming the file and line when a line is not of that form
   */
  static Map<String, String> parseDotEnv(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "cannot read .env file: " + e.getClass().getSimpleName());
    }
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) continue;
      if (line.startsWith("export ")) line = line.substring(7).strip();
      int eq = line.indexOf('=');
      if (eq <= 0) throw new ConfigException(file + ":" + (i + 1), "expected KEY=value");
      String key = line.substring(0, eq).strip();
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      } else {
        int hash = value.indexOf(" #");
        if (hash >= 0) value = value.substring(0, hash).strip();
      }
      out.put(key, value);
    }
    return out;
  }
}
