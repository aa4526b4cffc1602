package io.llmrouter.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the catalog needs to know about one provider beyond its dialect: the short name users type
 * ({@code --providers nvidia}), the prefix of generated {@code model_name}s, how many probes may run at
 * once, the pace of probes, and the rpm/tpm written into new {@code model_list} entries.
 *
 * <p>The defaults reproduce the guide's Appendix A (vLLM 2, Groq 4, NIM 3, OpenRouter 4 concurrent probes)
 * and the rpm buffers its config uses (Groq 28 of 30, NIM 40, OpenRouter 18 of 20). Immutable.
 *
 * @param prefix the LiteLLM prefix ({@code nvidia_nim})
 * @param alias the short name for {@code --providers}/{@code --clear-cache} ({@code nvidia})
 * @param namePrefix the prefix of generated model names ({@code nvidia} gives {@code nvidia/<short>})
 * @param concurrency probes in flight at once, at least 1
 * @param probeRpm probes started per minute at most, or 0 for no pacing (local vLLM)
 * @param entryRpm the {@code rpm} written into a new entry, or null to write none
 * @param entryTpm the {@code tpm} written into a new entry, or null to write none
 */
public record ProviderProfile(
    String prefix, String alias, String namePrefix, int concurrency, int probeRpm, Integer entryRpm, Integer entryTpm) {

  private static final Map<String, ProviderProfile> KNOWN = Map.of(
      "hosted_vllm", new ProviderProfile("hosted_vllm", "vllm", "local", 2, 0, null, null),
      "groq", new ProviderProfile("groq", "groq", "groq", 4, 28, 28, 5500),
      "nvidia_nim", new ProviderProfile("nvidia_nim", "nvidia", "nvidia", 3, 40, 40, null),
      "openrouter", new ProviderProfile("openrouter", "openrouter", "openrouter", 4, 18, 18, null));

  /** Aliases accepted on the command line besides each profile's own alias and prefix. */
  private static final Map<String, String> EXTRA_ALIASES = Map.of("local", "hosted_vllm", "nim", "nvidia_nim");

  /** @throws IllegalArgumentException for a blank prefix or a concurrency below 1 or a negative rpm */
  public ProviderProfile {
    Objects.requireNonNull(prefix, "prefix");
    if (prefix.isBlank()) throw new IllegalArgumentException("prefix must not be blank");
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1 for " + prefix + ", got " + concurrency);
    if (probeRpm < 0) throw new IllegalArgumentException("probeRpm must be >= 0 for " + prefix + ", got " + probeRpm);
    alias = alias == null ? prefix : alias;
    namePrefix = namePrefix == null ? prefix : namePrefix;
  }

  /** The guide's profile for a known prefix, or a cautious one (2 probes, no pacing, no rpm) for any other. */
  public static ProviderProfile forPrefix(String prefix) {
    ProviderProfile p = KNOWN.get(prefix);
    return p != null ? p : new ProviderProfile(prefix, prefix, prefix, 2, 0, null, null);
  }

  /** The prefixes with a tuned profile, in the guide's order. */
  public static List<String> knownPrefixes() {
    return List.of("hosted_vllm", "groq", "nvidia_nim", "openrouter");
  }

  /**
   * Resolves a name typed by the user ({@code nvidia}, {@code nvidia_nim}, {@code vllm}, {@code local}) to a
   * prefix; names that match nothing known are returned lower-cased, to be checked against the client.
   */
  public static String resolveAlias(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    if (EXTRA_ALIASES.containsKey(n)) return EXTRA_ALIASES.get(n);
    for (ProviderProfile p : KNOWN.values()) {
      if (p.alias.equals(n) || p.prefix.equals(n)) return p.prefix;
    }
    return n;
  }

  /** A copy probing with {@code concurrency} at once. */
  public ProviderProfile withConcurrency(int concurrency) {
    return new ProviderProfile(prefix, alias, namePrefix, concurrency, probeRpm, entryRpm, entryTpm);
  }

  /** A copy pacing probes to {@code probeRpm} per minute (0: no pacing). */
  public ProviderProfile withProbeRpm(int probeRpm) {
    return new ProviderProfile(prefix, alias, namePrefix, concurrency, probeRpm, entryRpm, entryTpm);
  }
}
