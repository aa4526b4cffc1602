package io.llmrouter.facade;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes such as {@code 10MiB}, {@code 512KiB}, {@code 2MB} or {@code 1048576}, for
 * {@link FacadeOptions.Builder#maxBodyBytes(long)} from a config value or a command-line option. KB/MB/GB
 * are powers of 1000, every other unit (k, Ki, KiB, m, MiB, ...) powers of 1024, a bare number is bytes.
 * Thread-safe.
 */
public final class ByteSize {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);

  private ByteSize() {}

  /**
   * The number of bytes {@code value} names.
   *
   * @throws IllegalArgumentException when the text is not a positive size, or is too large
   */
  public static long parse(String value) {
    Matcher m = SIZE.matcher(value == null ? "" : value.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + value + "' is not a size; use e.g. 10MiB, 512KiB or 1048576");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + value + "' is out of range");
    }
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    // Only "KB"/"MB"/"GB" are decimal; "k", "Ki", "KiB" are binary: "10m" as a body limit means 10 MiB.
    long base = unit.length() == 2 && unit.endsWith("b") ? 1000 : 1024;
    long factor = switch (unit.charAt(0)) {
      case 'k' -> base;
      case 'm' -> base * base;
      case 'g' -> base * base * base;
      default -> 1;
    };
    if (n <= 0 || n > Long.MAX_VALUE / factor) throw new IllegalArgumentException("'" + value + "' is out of range");
    return n * factor;
  }
}
