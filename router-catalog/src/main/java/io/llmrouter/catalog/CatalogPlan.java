package io.llmrouter.catalog;

import io.llmrouter.api.ConfigException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a run would change in the config, computed without touching the file: entries to add, items to
 * remove, the fallback report, and the edited text with its diff. Immutable.
 *
 * <p>Rules: a new working model is added (after the last entry of its provider); a configured model whose
 * provider was scanned successfully and no longer lists it is removed, and so is one still listed whose
 * probe failed permanently (decommissioned, not found; or held by the failure cache); a model group that
 * no longer has any deployment is stale, and so is every fallback reference to it; stale targets are
 * removed from their chain keeping the order of the rest, and a chain whose source is stale or whose targets are all stale is
 * dropped. Providers that were skipped or failed to list change nothing.
 */
public final class CatalogPlan {
  private final List<ModelEntryRenderer.Entry> added;
  private final List<ConfigDocument.Deployment> removed;
  private final FallbackReport report;
  private final ConfigEditor.Result edit;
  private final Set<String> finalNames;
  private final Set<String> listNames;

  private CatalogPlan(List<ModelEntryRenderer.Entry> added, List<ConfigDocument.Deployment> removed, FallbackReport report,
      ConfigEditor.Result edit, Set<String> finalNames, Set<String> listNames) {
    this.added = List.copyOf(added);
    this.removed = List.copyOf(removed);
    this.report = report;
    this.edit = edit;
    this.finalNames = Set.copyOf(finalNames);
    this.listNames = Set.copyOf(listNames);
  }

  /**
   * The {@code --update} plan: model_list changes from {@code scans} plus fallback pruning.
   *
   * @param descriptionSuffix appended to generated descriptions (for example the date), or null
   * @throws ConfigException when a chain that must change is not editable in place
   */
  public static CatalogPlan forUpdate(ConfigDocument doc, List<ProviderScan> scans, ModelCatalog catalogOrNull, String descriptionSuffix) {
    List<ConfigDocument.Deployment> removed = new ArrayList<>();
    for (ProviderScan s : scans) {
      if (s.status() != ProviderScan.Status.OK) continue;
      for (ConfigDocument.Deployment d : doc.deployments()) {
        if (d.provider().equals(s.provider()) && s.removable().contains(d.providerModel())) removed.add(d);
      }
    }
    List<ModelEntryRenderer.Entry> added = newEntries(doc, scans, catalogOrNull, descriptionSuffix);
    Set<String> names = survivingNames(doc, removed);
    added.forEach(e -> names.add(e.modelName()));

    ConfigEditor editor = new ConfigEditor(doc);
    removed.forEach(d -> editor.removeDeployment(d.index()));
    for (ModelEntryRenderer.Entry e : added) {
      String provider = e.litellmModel().substring(0, e.litellmModel().indexOf('/'));
      editor.addEntry(provider, ModelEntryRenderer.render(e, doc.itemIndent(), doc.newline()));
    }
    FallbackReport report = pruneChains(doc, names, editor);
    return new CatalogPlan(added, removed, report, editor.apply(), names, names);
  }

  /**
   * The {@code --fallback} plan: no model_list changes; a group is stale when no item defines it, or when
   * every deployment of it is in the failure cache ({@code model_info.mode: embedding} deployments never
   * count as cached: the cache holds chat verdicts).
   */
  public static CatalogPlan forFallbacks(ConfigDocument doc, FailureCache cache) {
    List<ConfigDocument.Deployment> dead = new ArrayList<>();
    for (ConfigDocument.Deployment d : doc.deployments()) {
      // The cache holds chat verdicts: an embedder's chat refusal says nothing about its embeddings.
      if (!d.embedding() && cache.contains(d.provider(), d.providerModel())) dead.add(d);
    }
    Set<String> names = survivingNames(doc, dead);
    ConfigEditor editor = new ConfigEditor(doc);
    FallbackReport report = pruneChains(doc, names, editor);
    // model_list is left alone in this mode: it still defines every group, only chains change.
    return new CatalogPlan(List.of(), List.of(), report, editor.apply(), names, survivingNames(doc, List.of()));
  }

  /**
   * The {@code --show} block: a complete {@code model_list:} document with every working model of the
   * scanned providers (configured ones under their existing name, new ones under a generated one).
   */
  public static String showBlock(ConfigDocument doc, List<ProviderScan> scans, ModelCatalog catalogOrNull, String descriptionSuffix) {
    StringBuilder sb = new StringBuilder("model_list:\n");
    Set<String> taken = new HashSet<>();
    doc.deployments().forEach(d -> taken.add(d.modelName()));
    boolean first = true;
    for (ProviderScan s : scans) {
      if (s.status() != ProviderScan.Status.OK) continue;
      ProviderProfile profile = catalogOrNull == null ? ProviderProfile.forPrefix(s.provider()) : catalogOrNull.profile(s.provider());
      for (ProviderScan.WorkingModel w : s.working()) {
        ConfigDocument.Deployment existing = null;
        if (w.configured()) {
          existing = doc.deployments().stream().filter(d -> d.provider().equals(s.provider()) && d.providerModel().equals(w.modelId()))
              .findFirst().orElse(null);
        }
        String name = existing != null ? existing.modelName() : uniqueName(profile, w.modelId(), taken);
        ModelEntryRenderer.Entry e = entry(s, profile, name, w, descriptionSuffix);
        if (existing != null && existing.embedding()) {
          // A configured embedder is shown as one: without its mode it would read as a chat deployment.
          e = new ModelEntryRenderer.Entry(e.modelName(), e.litellmModel(), e.apiBase(), e.apiKey(), e.rpm(), e.tpm(), e.description(),
              ConfigDocument.Deployment.MODE_EMBEDDING, existing.embeddingParams());
        }
        if (!first) sb.append('\n');
        first = false;
        sb.append(ModelEntryRenderer.render(e, 2, "\n"));
      }
    }
    if (first) return "model_list: []\n";
    return sb.toString();
  }

  private static List<ModelEntryRenderer.Entry> newEntries(ConfigDocument doc, List<ProviderScan> scans, ModelCatalog catalog, String suffix) {
    Set<String> taken = new HashSet<>();
    doc.deployments().forEach(d -> taken.add(d.modelName()));
    List<ModelEntryRenderer.Entry> out = new ArrayList<>();
    for (ProviderScan s : scans) {
      if (s.status() != ProviderScan.Status.OK) continue;
      ProviderProfile profile = catalog == null ? ProviderProfile.forPrefix(s.provider()) : catalog.profile(s.provider());
      for (ProviderScan.WorkingModel w : s.working()) {
        if (w.configured()) continue;
        out.add(entry(s, profile, uniqueName(profile, w.modelId(), taken), w, suffix));
      }
    }
    return out;
  }

  private static ModelEntryRenderer.Entry entry(ProviderScan s, ProviderProfile profile, String name, ProviderScan.WorkingModel w, String suffix) {
    String ctx = ModelEntryRenderer.contextLabel(w.contextWindow());
    String description = w.modelId() + (ctx == null ? "" : " — " + ctx + " ctx") + (suffix == null ? "" : " " + suffix);
    return new ModelEntryRenderer.Entry(name, s.provider() + "/" + w.modelId(), s.apiBaseToWrite(),
        s.keyRef() == null ? null : s.keyRef(), profile.entryRpm(), profile.entryTpm(), description);
  }

  /** {@code groq/<last segment without :free>}, else the whole id, else a numbered variant. */
  static String uniqueName(ProviderProfile profile, String modelId, Set<String> taken) {
    String id = modelId.endsWith(":free") ? modelId.substring(0, modelId.length() - 5) : modelId;
    String shortId = id.substring(id.lastIndexOf('/') + 1);
    String candidate = profile.namePrefix() + "/" + shortId;
    if (taken.contains(candidate)) candidate = profile.namePrefix() + "/" + id;
    String base = candidate;
    for (int n = 2; taken.contains(candidate); n++) candidate = base + "-" + n;
    taken.add(candidate);
    return candidate;
  }

  private static Set<String> survivingNames(ConfigDocument doc, List<ConfigDocument.Deployment> removed) {
    Set<Integer> gone = new HashSet<>();
    removed.forEach(d -> gone.add(d.index()));
    Set<String> names = new LinkedHashSet<>();
    for (ConfigDocument.Deployment d : doc.deployments()) if (!gone.contains(d.index())) names.add(d.modelName());
    return names;
  }

  private static FallbackReport pruneChains(ConfigDocument doc, Set<String> names, ConfigEditor editor) {
    List<FallbackReport.Entry> entries = new ArrayList<>();
    Set<String> stale = new LinkedHashSet<>();
    Set<String> mentioned = new HashSet<>();
    for (ConfigDocument.Chain c : doc.chains()) {
      // default_fallbacks has no source: only its targets can be stale.
      boolean sourceOk = !c.hasSource() || names.contains(c.source());
      if (c.hasSource()) {
        if (!sourceOk) stale.add(c.source());
        mentioned.add(c.source());
      }
      String label = c.hasSource() ? c.source() : c.section();
      List<String> kept = new ArrayList<>();
      for (String t : c.targets()) {
        boolean ok = names.contains(t);
        mentioned.add(t);
        entries.add(new FallbackReport.Entry(c.section(), label, t, sourceOk, ok));
        if (ok) kept.add(t);
        else stale.add(t);
      }
      if (!sourceOk || kept.isEmpty()) editor.dropChain(c);
      else if (kept.size() != c.targets().size()) editor.setChainTargets(c, kept);
    }
    List<String> suggestions = new ArrayList<>();
    for (String n : names) if (!mentioned.contains(n)) suggestions.add(n);
    return new FallbackReport(entries, List.copyOf(stale), suggestions);
  }

  /** Entries that will be added. */
  public List<ModelEntryRenderer.Entry> added() {
    return added;
  }

  /** Items that will be removed. */
  public List<ConfigDocument.Deployment> removed() {
    return removed;
  }

  /** The fallback report. */
  public FallbackReport report() {
    return report;
  }

  /** The edited text and its diff. */
  public ConfigEditor.Result edit() {
    return edit;
  }

  /** The model groups considered working after the plan (what chains may still name). */
  public Set<String> finalNames() {
    return finalNames;
  }

  /** True when applying the plan changes the file. */
  public boolean changed() {
    return edit.changed();
  }

  /**
   * Checks that the edited text means what the plan says: it parses with the same layout, its model_list
   * defines exactly the groups intended, and its chains name only {@link #finalNames()}. Guards the line editor itself.
   *
   * @throws ConfigException when it does not
   */
  public void verify() {
    ConfigDocument after = ConfigDocument.parse(edit.text());
    Set<String> names = new LinkedHashSet<>();
    after.deployments().forEach(d -> names.add(d.modelName()));
    if (!names.equals(listNames)) {
      throw new ConfigException("model_list", "internal edit check failed: expected groups " + listNames + " but the edited text has " + names);
    }
    for (ConfigDocument.Chain c : after.chains()) {
      if ((c.hasSource() && !finalNames.contains(c.source())) || !finalNames.containsAll(c.targets())) {
        throw new ConfigException("router_settings." + c.section(), "internal edit check failed at line " + (c.line() + 1));
      }
    }
  }
}
