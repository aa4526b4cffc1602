package io.llmrouter.api.spi;

import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a dialect knows about its provider, for configuration checks, endpoint resolution, health checks
 * and catalog work. The router (not the provider client) reads the environment: it looks up every name in
 * {@link #apiKeyEnvs()} and {@link #apiBaseEnvs()} in order and passes what it found in the {@link Endpoint}.
 *
 * @param prefix the LiteLLM model prefix ({@code groq})
 * @param defaultApiBase the default base URL, or null when a deployment must give {@code api_base}; it may
 *     hold {@code ${NAME}} placeholders filled from the environment (Cloudflare's account id), see
 *     {@link #defaultApiBase(Function)}
 * @param apiKeyEnvs the environment variables holding the key, LiteLLM's name first, then aliases ({@code
 *     HUGGINGFACE_API_KEY}, {@code HF_TOKEN}); empty when the provider takes no key
 * @param apiBaseEnvs the environment variables overriding the base URL, primary ({@code GROQ_API_BASE}) first
 * @param keyRequired whether calls fail without a key
 * @param rejectedParams request parameters the provider rejects (removed when {@code drop_params} is on)
 * @param catalog what the model catalog needs to know to probe this provider politely; {@link
 *     CatalogHints#DEFAULT} when null
 * @param streamUsage whether the provider answers a stream's {@code stream_options.include_usage} with a final
 *     usage chunk: the router then asks for it (and hides the chunk from a caller that did not), so a streamed
 *     call's rate-window charge is what the provider counted, not an estimate from the text
 */
public record ProviderInfo(
    String prefix, String defaultApiBase, List<String> apiKeyEnvs, List<String> apiBaseEnvs, boolean keyRequired,
    Set<String> rejectedParams, CatalogHints catalog, boolean streamUsage) {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

  public ProviderInfo {
    apiKeyEnvs = apiKeyEnvs == null ? List.of() : List.copyOf(apiKeyEnvs);
    apiBaseEnvs = apiBaseEnvs == null ? List.of() : List.copyOf(apiBaseEnvs);
    rejectedParams = Set.copyOf(rejectedParams);
    catalog = catalog == null ? CatalogHints.DEFAULT : catalog;
  }

  /** Without stream usage ({@code streamUsage} false): the router never adds {@code stream_options}. */
  public ProviderInfo(String prefix, String defaultApiBase, List<String> apiKeyEnvs, List<String> apiBaseEnvs,
      boolean keyRequired, Set<String> rejectedParams, CatalogHints catalog) {
    this(prefix, defaultApiBase, apiKeyEnvs, apiBaseEnvs, keyRequired, rejectedParams, catalog, false);
  }

  /** Every key and base variable, with the default {@link CatalogHints}. */
  public ProviderInfo(String prefix, String defaultApiBase, List<String> apiKeyEnvs, List<String> apiBaseEnvs,
      boolean keyRequired, Set<String> rejectedParams) {
    this(prefix, defaultApiBase, apiKeyEnvs, apiBaseEnvs, keyRequired, rejectedParams, CatalogHints.DEFAULT);
  }

  /** One key variable (or none when null) and one base-URL variable, with the default {@link CatalogHints}. */
  public ProviderInfo(String prefix, String defaultApiBase, String apiKeyEnv, String apiBaseEnv, boolean keyRequired,
      Set<String> rejectedParams) {
    this(prefix, defaultApiBase, apiKeyEnv == null ? List.of() : List.of(apiKeyEnv),
        apiBaseEnv == null ? List.of() : List.of(apiBaseEnv), keyRequired, rejectedParams);
  }

  /** The primary key variable (LiteLLM's name), or null when the provider takes no key. */
  public String apiKeyEnv() {
    return apiKeyEnvs.isEmpty() ? null : apiKeyEnvs.get(0);
  }

  /** The primary base-URL variable, or null. */
  public String apiBaseEnv() {
    return apiBaseEnvs.isEmpty() ? null : apiBaseEnvs.get(0);
  }

  /**
   * The default base URL with its {@code ${NAME}} placeholders filled from {@code env}; null when there is
   * no default or a placeholder's variable is unset or blank.
   */
  public String defaultApiBase(Function<String, String> env) {
    if (defaultApiBase == null || defaultApiBase.indexOf('$') < 0) return defaultApiBase;
    Matcher m = PLACEHOLDER.matcher(defaultApiBase);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String v = env.apply(m.group(1));
      if (v == null || v.isBlank()) return null;
      m.appendReplacement(sb, Matcher.quoteReplacement(v.strip()));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /**
   * How the model catalog ({@code llm-router models}) treats one provider, declared by its dialect so each
   * provider quirk has one home. Immutable. The constructor throws {@link IllegalArgumentException} when
   * {@code probeConcurrency} is below 1 or {@code probeRpm} negative.
   *
   * @param probeConcurrency probes in flight at once, at least 1
   * @param probeRpm probe starts per minute at most, or 0 for no pacing (a local server)
   * @param entryRpm the {@code rpm} written into a new {@code model_list} entry (a buffer under the
   *     provider's own limit, such as 28 of Groq's 30), or null to write none
   * @param entryTpm the {@code tpm} written into a new entry, or null to write none
   * @param nonChatWords lower-case fragments of model ids never worth a chat probe, applied after the
   *     listing's own {@code chat} mark (a defence against a new kind of model the dialect does not know)
   * @param freeOnly whether only listings marked free count: others are not probed, and a configured model
   *     that stops being free counts as gone (OpenRouter)
   * @param keyCheckPath a {@code GET} path under the base URL that answers 2xx for a valid key and 401 for
   *     a bad one ({@link ProviderClient#checkKey}), asked when a probe gets a 401; null when the provider has
   *     none (a 401 then stays a key problem)
   * @param validKey401Hint what to tell the user when a probe got a 401 although the key check passed (the
   *     provider words a rate limit as a 401), or null
   */
  public record CatalogHints(
      int probeConcurrency, int probeRpm, Integer entryRpm, Integer entryTpm, List<String> nonChatWords, boolean freeOnly,
      String keyCheckPath, String validKey401Hint) {
    /** Cautious hints for a provider that declares none: two probes at once, unpaced, no id filter. */
    public static final CatalogHints DEFAULT = new CatalogHints(2, 0, null, null, List.of(), false);

    public CatalogHints {
      if (probeConcurrency < 1) throw new IllegalArgumentException("probeConcurrency must be >= 1, got " + probeConcurrency);
      if (probeRpm < 0) throw new IllegalArgumentException("probeRpm must be >= 0, got " + probeRpm);
      nonChatWords = nonChatWords == null ? List.of() : List.copyOf(nonChatWords);
    }

    /** Hints without a key-check endpoint. */
    public CatalogHints(int probeConcurrency, int probeRpm, Integer entryRpm, Integer entryTpm, List<String> nonChatWords,
        boolean freeOnly) {
      this(probeConcurrency, probeRpm, entryRpm, entryTpm, nonChatWords, freeOnly, null, null);
    }
  }
}
