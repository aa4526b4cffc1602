package io.llmrouter.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

final class ConfigCopies {
  private ConfigCopies() {}

  /** An unmodifiable copy that keeps insertion order (Map.copyOf would not). */
  static Map<String, List<String>> orderedMapOfLists(Map<String, List<String>> in) {
    if (in == null || in.isEmpty()) return Map.of();
    Map<String, List<String>> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k, List.copyOf(v)));
    return Collections.unmodifiableMap(out);
  }
}
