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
 * Where {@code os.environ/NAME} values come from. Lookup order, first hit wins:
 * <ol>
 *   <li>the config file's own {@code environment_variables} section ({@link #withOverrides}), because LiteLLM
 *       copies that section into {@code os.environ} and so lets it replace the process's values;</li>
 *   <li>the process environment (or the map given to {@link #of});</li>
 *   <li>an optional {@code .env} file ({@link #withDotEnv}); the process wins over it, as with docker-compose
 *       and python-dotenv's default.</li>
 * </ol>
 * Immutable and thread-safe. Values are secrets-in-waiting: never log them; {@link #toString()} shows none.
 */
public final class Env implements Function<String, String> {
  private final Map<String, String> overrides;
  private final Map<String, String> dotEnv;
  private final Function<String, String> process;

  private Env(Map<String, String> overrides, Map<String, String> dotEnv, Function<String, String> process) {
    this.overrides = Map.copyOf(overrides);
    this.dotEnv = Map.copyOf(dotEnv);
    this.process = process;
  }

  /** The process environment only. */
  public static Env system() {
    return new Env(Map.of(), Map.of(), System::getenv);
  }

  /** Exactly these variables, standing in for the process environment (tests, embedding applications). */
  public static Env of(Map<String, String> vars) {
    Map<String, String> copy = Map.copyOf(vars);
    return new Env(Map.of(), Map.of(), copy::get);
  }

  /**
   * Returns this environment overlaid by the {@code KEY=value} lines of {@code file}; process values win.
   * Replaces a {@code .env} file given earlier.
   *
   * @throws ConfigException naming the file (and line) when it cannot be read or a line is malformed
   */
  public Env withDotEnv(Path file) {
    return new Env(overrides, parseDotEnv(file), process);
  }

  /**
   * Returns this environment with {@code vars} taking precedence over everything else (LiteLLM's
   * {@code environment_variables} section). Added to overrides given earlier; later values win.
   */
  public Env withOverrides(Map<String, String> vars) {
    if (vars.isEmpty()) return this;
    Map<String, String> merged = new HashMap<>(overrides);
    merged.putAll(vars);
    return new Env(merged, dotEnv, process);
  }

  /** The variable's value, or null when unset. */
  public String get(String name) {
    String o = overrides.get(name);
    if (o != null) return o;
    String v = process.apply(name);
    return v != null ? v : dotEnv.get(name);
  }

  /** Names how many variables each layer holds, never a name's value. */
  @Override
  public String toString() {
    return "Env[overrides=" + overrides.size() + ", dotEnv=" + dotEnv.size() + "]";
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
