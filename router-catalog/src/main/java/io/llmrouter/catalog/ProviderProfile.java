package io.llmrouter.catalog;

import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;
import io.llmrouter.providers.OpenAiCompatibleClient;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the catalog uses for one provider: the short name users type ({@code --providers nvidia}) and the
 * prefix of generated {@code model_name}s (the command line's vocabulary, kept here), plus how many probes
 * may run at once, their pace and the rpm/tpm written into new {@code model_list} entries, which come from
 * the provider's dialect ({@link ProviderInfo#catalog()}). Immutable.
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

  /** Short names for the guide's providers: {@code prefix -> (alias, model-name prefix)}. */
  private static final Map<String, List<String>> NAMES = Map.of(
      "hosted_vllm", List.of("vllm", "local"),
      "groq", List.of("groq", "groq"),
      "nvidia_nim", List.of("nvidia", "nvidia"),
      "openrouter", List.of("openrouter", "openrouter"));

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

  /** The profile of a provider as its client describes it: names from this class, numbers from the dialect's hints. */
  public static ProviderProfile of(ProviderInfo info) {
    List<String> names = NAMES.getOrDefault(info.prefix(), List.of(info.prefix(), info.prefix()));
    CatalogHints h = hints(info);
    return new ProviderProfile(info.prefix(), names.get(0), names.get(1), h.probeConcurrency(), h.probeRpm(), h.entryRpm(),
        h.entryTpm());
  }

  /**
   * The catalog hints for {@code info}: its own, or, when it declares none ({@link CatalogHints#DEFAULT},
   * which the six-argument constructors fill in) for a prefix with a built-in dialect, that dialect's. So a
   * client wrapping or standing in for the built-in one (a test double, a decorator) keeps the provider's
   * pacing and filter without restating them.
   */
  public static CatalogHints hints(ProviderInfo info) {
    if (info.catalog() == CatalogHints.DEFAULT && OpenAiCompatibleClient.builtInPrefixes().contains(info.prefix())) {
      return OpenAiCompatibleClient.builtInInfo(info.prefix()).catalog();
    }
    return info.catalog();
  }

  /**
   * The profile from the built-in dialect of {@code prefix} (used when no client is at hand, such as a plan
   * made from saved scans), or a cautious one ({@link CatalogHints#DEFAULT}) for a prefix without one.
   */
  public static ProviderProfile forPrefix(String prefix) {
    if (OpenAiCompatibleClient.builtInPrefixes().contains(prefix)) return of(OpenAiCompatibleClient.builtInInfo(prefix));
    return of(new ProviderInfo(prefix, null, List.of(), List.of(), false, java.util.Set.of()));
  }

  /** The prefixes a run scans when the config names none: the guide's four, in its order. */
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
    for (Map.Entry<String, List<String>> e : NAMES.entrySet()) {
      if (e.getValue().get(0).equals(n) || e.getKey().equals(n)) return e.getKey();
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
