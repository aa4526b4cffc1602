package io.llmrouter.facade;

/** How {@link AccessLog} writes its lines. */
public enum LogFormat {
  /**
   * One line per entry: an ISO-8601 UTC timestamp, the level, the kind ({@code access} or
   * {@code decision}), then {@code key=value} pairs; a value with a space, quote, {@code =} or backslash is
   * quoted, and control characters are escaped ({@code \n}, {@code \r}, {@code \t}, {@code \}{@code uXXXX}).
   */
  TEXT,
  /**
   * JSON lines: one object per line with {@code time}, {@code level}, {@code type} and the entry's fields
   * ({@code request_id}, {@code group}, {@code deployment}, {@code status}, {@code latency_ms},
   * {@code attempts}, {@code fallbacks}, ...); control characters and U+2028/U+2029 are escaped.
   */
  JSON
}
