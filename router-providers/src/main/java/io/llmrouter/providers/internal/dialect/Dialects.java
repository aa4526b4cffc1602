package io.llmrouter.providers.internal.dialect;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The built-in dialects, one per LiteLLM prefix. Immutable and thread-safe. */
public final class Dialects {
  private static final Map<String, Dialect> BUILT_IN;

  static {
    Map<String, Dialect> m = new LinkedHashMap<>();
    for (Dialect d : List.of(new HostedVllmDialect(), new OpenAiDialect(), new GroqDialect(), new NvidiaNimDialect(),
        new OpenRouterDialect(), new GeminiDialect(), new CerebrasDialect(), new MistralDialect(), new TogetherAiDialect(),
        new HuggingFaceDialect(), new CloudflareDialect())) {
      m.put(d.prefix(), d);
    }
    BUILT_IN = java.util.Collections.unmodifiableMap(m);
  }

  private Dialects() {}

  /** The prefixes with a built-in dialect, in a stable order. */
  public static Set<String> prefixes() {
    return BUILT_IN.keySet();
  }

  /** The dialect for {@code prefix}. @throws IllegalArgumentException for an unknown prefix, naming the known ones */
  public static Dialect forPrefix(String prefix) {
    Dialect d = BUILT_IN.get(prefix);
    if (d == null) throw new IllegalArgumentException("no dialect for provider prefix '" + prefix + "'; known: " + BUILT_IN.keySet());
    return d;
  }
}
