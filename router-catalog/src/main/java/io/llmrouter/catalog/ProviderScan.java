package io.llmrouter.catalog;

import java.util.List;

/**
 * What a scan found for one provider. Immutable.
 *
 * @param provider the provider prefix
 * @param status whether the provider could be scanned
 * @param detail for a skipped provider, what to fix (a variable <em>name</em>, never its value) or the
 *     listing error; empty when {@link Status#OK}
 * @param listed how many models the provider listed
 * @param chatModels how many of them passed the chat filter
 * @param skippedCached how many models (new chat models and configured ones) were not probed because the
 *     failure cache holds them
 * @param working every working model: configured ones still listed whose probe did not fail permanently
 *     (a rate-limited or otherwise transient failure keeps them), plus new ones that answered a probe
 * @param probes the outcome of every probe made (configured and new models)
 * @param gone configured model ids (no prefix) the provider no longer lists (or no longer lists as free)
 * @param keyRef the {@code api_key} value to write into new entries ({@code os.environ/VAR} or {@code none})
 * @param apiBaseToWrite an {@code api_base} to write into new entries, or null
 * @param failed configured model ids (no prefix) still listed but failing permanently (decommissioned, not
 *     found for the account), by this run's probe or by the failure cache: removed like {@code gone}
 * @param notes lines for the user about how the provider was probed (a lowered concurrency, a key check)
 */
public record ProviderScan(String provider, Status status, String detail, int listed, int chatModels, int skippedCached,
    List<WorkingModel> working, List<ProbeOutcome> probes, List<String> gone, String keyRef, String apiBaseToWrite,
    List<String> failed, List<String> notes) {

  /** Whether a provider could be scanned. */
  public enum Status {
    /** Listed (and probed). */
    OK,
    /** Its key variable is not set; {@code detail} names the variable. */
    MISSING_KEY,
    /** No base URL from the config, the environment or the dialect; {@code detail} names the variable. */
    NO_BASE_URL,
    /** The provider client has no dialect for this prefix. */
    UNKNOWN_PROVIDER,
    /** Listing the models failed (network, auth, 5xx, empty list); {@code detail} says how. */
    LIST_FAILED
  }

  /**
   * A model known to work.
   *
   * @param modelId the provider's id (no prefix)
   * @param contextWindow the listing's context window, or null
   * @param configured whether the config already has it
   */
  public record WorkingModel(String modelId, Integer contextWindow, boolean configured) {}

  public ProviderScan {
    working = List.copyOf(working);
    probes = List.copyOf(probes);
    gone = List.copyOf(gone);
    failed = failed == null ? List.of() : List.copyOf(failed);
    notes = notes == null ? List.of() : List.copyOf(notes);
    detail = detail == null ? "" : detail;
  }

  /** A scan with no permanently failing configured model and no notes (plans made from saved scans, tests). */
  public ProviderScan(String provider, Status status, String detail, int listed, int chatModels, int skippedCached,
      List<WorkingModel> working, List<ProbeOutcome> probes, List<String> gone, String keyRef, String apiBaseToWrite) {
    this(provider, status, detail, listed, chatModels, skippedCached, working, probes, gone, keyRef, apiBaseToWrite, List.of(), List.of());
  }

  /** Configured model ids to take out of {@code model_list}: {@link #gone()} then {@link #failed()}. */
  public List<String> removable() {
    List<String> out = new java.util.ArrayList<>(gone);
    for (String f : failed) if (!out.contains(f)) out.add(f);
    return List.copyOf(out);
  }

  /** A provider that was not scanned. */
  static ProviderScan skipped(String provider, Status status, String detail) {
    return new ProviderScan(provider, status, detail, 0, 0, 0, List.of(), List.of(), List.of(), null, null);
  }

  /** Probes that ended in {@code kind}. */
  public long count(ProbeOutcome.Kind kind) {
    return probes.stream().filter(p -> p.kind() == kind).count();
  }
}
