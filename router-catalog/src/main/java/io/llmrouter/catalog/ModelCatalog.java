package io.llmrouter.catalog;

import io.llmrouter.core.Sleeper;
import io.llmrouter.core.config.EndpointResolver;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.SecretRef;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;
import io.llmrouter.api.spi.Secret;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Scans providers for working chat models: lists each provider's models, keeps chat models (the dialect's
 * filter, then {@link ChatModelFilter}), probes every configured model the provider still lists and every
 * new chat model, skipping those in the failure cache, and records permanent failures in the cache.
 * A configured deployment declaring {@code model_info.mode: embedding} is probed with one embedding
 * ({@link ModelProber.Target#embedding}) instead of a chat, and that probe neither consults nor updates the
 * failure cache (whose entries are chat verdicts); one declaring another non-chat mode ({@code rerank},
 * {@code audio_transcription}, ...) is not probed and is kept while listed (a scan note says so). Only new
 * chat models are ever offered for adding.
 *
 * <p>Per provider, resolved by the router's one rule ({@link EndpointResolver}, so the catalog and the
 * engine agree): the key comes from the variable the config's deployments name ({@code os.environ/VAR}),
 * else the first set of the dialect's key variables (aliases included); a required key that is unset skips
 * the provider and names the variables. The base URL is {@code --vllm-base} (vLLM only), else the config's
 * {@code api_base}, else the first set of the dialect's base variables, else the dialect default (its
 * placeholders filled). How many probes run at once, their pace, the rpm written and the id filter come
 * from the dialect's {@link ProviderInfo#catalog()} hints, with this catalog's overrides. A configured model
 * the provider no longer lists (OpenRouter: no longer lists as free) is "gone"; one still listed is probed
 * and counts as working unless the probe fails permanently (or the failure cache holds it), which makes it
 * "failed"; a rate-limited or transient failure keeps it. An empty or failed listing never marks anything
 * gone (a provider glitch must not empty the config).
 *
 * <p>Built with {@link #builder(ProviderClient)}; the built catalog is thread-safe for one scan at a time.
 */
public final class ModelCatalog {
  private final ProviderClient client;
  private final EndpointResolver resolver;
  private final FailureCache cache;
  private final ProbeListener listener;
  private final ModelProber prober;
  private final Clock clock;
  private final Duration listTimeout;
  private final Map<String, Integer> concurrency;
  private final Map<String, Integer> probeRpm;
  private final boolean retestFailed;
  private final String vllmBase;

  private ModelCatalog(Builder b) {
    this.client = b.client;
    this.resolver = new EndpointResolver(b.env);
    this.cache = b.cache;
    this.listener = b.listener;
    this.clock = b.clock;
    this.prober = new ModelProber(b.client, b.clock, b.sleeper, b.probeTimeout, b.maxRateLimitRetries, b.maxRetryWait);
    this.listTimeout = b.listTimeout;
    this.concurrency = Map.copyOf(b.concurrency);
    this.probeRpm = Map.copyOf(b.probeRpm);
    this.retestFailed = b.retestFailed;
    this.vllmBase = b.vllmBase;
  }

  /** A builder probing through {@code client}. */
  public static Builder builder(ProviderClient client) {
    return new Builder(client);
  }

  /**
   * The providers a plain run scans: every prefix used by the config's deployments that the client knows,
   * in file order; when the config has none, the guide's four.
   */
  public static List<String> defaultProviders(ConfigDocument doc, Set<String> clientPrefixes) {
    Set<String> out = new LinkedHashSet<>();
    for (ConfigDocument.Deployment d : doc.deployments()) if (clientPrefixes.contains(d.provider())) out.add(d.provider());
    if (out.isEmpty()) out.addAll(ProviderProfile.knownPrefixes());
    return List.copyOf(out);
  }

  /** The profile used for {@code prefix} (its client's hints), with this catalog's overrides applied. */
  public ProviderProfile profile(String prefix) {
    ProviderProfile p = client.prefixes().contains(prefix) ? ProviderProfile.of(client.info(prefix)) : ProviderProfile.forPrefix(prefix);
    if (concurrency.containsKey(prefix)) p = p.withConcurrency(concurrency.get(prefix));
    if (probeRpm.containsKey(prefix)) p = p.withProbeRpm(probeRpm.get(prefix));
    return p;
  }

  /**
   * Scans {@code providers} (prefixes) one after the other.
   *
   * @throws InterruptedException when interrupted while probing
   */
  public List<ProviderScan> scan(ConfigDocument doc, List<String> providers) throws InterruptedException {
    List<ProviderScan> out = new ArrayList<>();
    for (String p : providers) out.add(scanOne(doc, p));
    return out;
  }

  private ProviderScan scanOne(ConfigDocument doc, String prefix) throws InterruptedException {
    if (!client.prefixes().contains(prefix)) {
      return ProviderScan.skipped(prefix, ProviderScan.Status.UNKNOWN_PROVIDER, "no dialect for '" + prefix + "'; known: " + new java.util.TreeSet<>(client.prefixes()));
    }
    ProviderInfo info = client.info(prefix);
    CatalogHints hints = ProviderProfile.hints(info);
    List<ConfigDocument.Deployment> configured = doc.deployments().stream().filter(d -> d.provider().equals(prefix)).toList();

    String configuredVar = configured.stream().map(ConfigDocument.Deployment::apiKeyEnv).filter(Objects::nonNull).findFirst().orElse(null);
    SecretRef configuredKey = configuredVar == null ? null : SecretRef.env(configuredVar);
    String missing = resolver.missingKey(info, configuredKey);
    if (missing != null) return ProviderScan.skipped(prefix, ProviderScan.Status.MISSING_KEY, missing);
    if (configuredKey == null && info.keyRequired() && info.apiKeyEnvs().isEmpty()) {
      return ProviderScan.skipped(prefix, ProviderScan.Status.MISSING_KEY, "no key variable known");
    }
    Secret key = resolver.apiKey(info, configuredKey).orElse(null);
    String keyVar = configuredVar != null ? configuredVar : resolver.apiKeyEnv(info);
    // Keyless local servers get LiteLLM's "none"; everything else a reference, never a value.
    String keyRef = key == null || keyVar == null ? "none" : "os.environ/" + keyVar;

    String configBase = configured.stream().map(ConfigDocument.Deployment::apiBase).filter(Objects::nonNull).findFirst().orElse(null);
    String base;
    String baseToWrite = null;
    if ("hosted_vllm".equals(prefix) && vllmBase != null) {
      base = normaliseVllmBase(vllmBase);
      baseToWrite = base;
    } else {
      base = resolver.apiBase(info, configBase);
      baseToWrite = configBase;
    }
    if (base == null) {
      return ProviderScan.skipped(prefix, ProviderScan.Status.NO_BASE_URL,
          (info.apiBaseEnvs().isEmpty() ? "api_base" : String.join(" or ", info.apiBaseEnvs()))
              + ("hosted_vllm".equals(prefix) ? " or --vllm-base" : ""));
    }
    Endpoint endpoint = Endpoint.of("catalog:" + prefix, prefix, "", base, key);

    List<ModelListing> listing;
    try {
      listing = client.listModels(endpoint, listTimeout).value();
    } catch (RuntimeException e) {
      ProbeOutcome why = FailureClassifier.classify(prefix, "(model list)", null, e);
      return ProviderScan.skipped(prefix, ProviderScan.Status.LIST_FAILED, why.reason());
    }
    if (listing == null || listing.isEmpty()) {
      return ProviderScan.skipped(prefix, ProviderScan.Status.LIST_FAILED, "the provider listed no models");
    }

    Map<String, ModelListing> byId = new HashMap<>();
    for (ModelListing m : listing) byId.putIfAbsent(m.id(), m);
    Set<String> configuredIds = new HashSet<>();
    configured.forEach(d -> configuredIds.add(d.providerModel()));

    // Configured models the provider still offers are probed like new ones (the guide's "probes every
    // configured model"): one that now fails permanently is removed from model_list and from every chain.
    // A model_info.mode: embedding deployment answers no chat: it is probed with one embedding, as the
    // router's health checks do. Ids are probed once; an id any deployment declares an embedder is one.
    Map<String, ConfigDocument.Deployment> embeddingById = new HashMap<>();
    for (ConfigDocument.Deployment d : configured) if (d.embedding()) embeddingById.putIfAbsent(d.providerModel(), d);
    // A mode with no probe here (rerank, audio_transcription, image_generation...) is neither probed nor removed
    // for failing one; only a listing that no longer has it (gone) takes it out.
    Set<String> chatById = new HashSet<>();
    for (ConfigDocument.Deployment d : configured) if (d.servesChat()) chatById.add(d.providerModel());
    List<String> unprobed = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    List<ModelProber.Target> toProbe = new ArrayList<>();
    Set<String> queued = new HashSet<>();
    int skippedCached = 0;
    for (String id : new LinkedHashSet<>(configured.stream().map(ConfigDocument.Deployment::providerModel).toList())) {
      ModelListing m = byId.get(id);
      // A configured OpenRouter model that stopped being free would start costing money: treat it as gone.
      boolean stillOffered = m != null && !(hints.freeOnly() && Boolean.FALSE.equals(m.free()));
      ConfigDocument.Deployment embedding = embeddingById.get(id);
      if (!stillOffered) {
        gone.add(id);
      } else if (embedding != null) {
        // Never skipped by (nor recorded in) the failure cache: its entries are chat verdicts, and a chat
        // probe of this id, from before it was configured as an embedder, says nothing of its embeddings.
        if (queued.add(id)) toProbe.add(ModelProber.Target.embedding(m, embedding.embeddingParams()));
      } else if (!chatById.contains(id)) {
        if (queued.add(id)) unprobed.add(id);
      } else if (!retestFailed && cache.contains(prefix, id)) {
        // It failed permanently on an earlier run: no probe (weekly runs stay fast), and it goes.
        skippedCached++;
        failed.add(id);
      } else if (queued.add(id)) {
        toProbe.add(ModelProber.Target.chat(m));
      }
    }
    int configuredToProbe = toProbe.size();

    // New models are offered to chat groups only: a listed embedder (the dialect's flag, the hints' words)
    // is never probed as a chat model, nor is an id the config already has, as an embedder or otherwise.
    List<ModelListing> chat = new ArrayList<>();
    for (ModelListing m : listing) if (ChatModelFilter.accept(hints, m)) chat.add(m);
    for (ModelListing m : chat) {
      if (configuredIds.contains(m.id()) || !queued.add(m.id())) continue;
      if (!retestFailed && cache.contains(prefix, m.id())) {
        skippedCached++;
        continue;
      }
      toProbe.add(ModelProber.Target.chat(m));
    }

    List<String> notes = new ArrayList<>();
    if (!unprobed.isEmpty()) {
      notes.add(prefix + ": not probed, kept: " + String.join(", ", unprobed)
          + " (their model_info.mode is neither chat nor embedding, and the catalog probes only those)");
    }
    ProviderProfile profile = profile(prefix);
    int effective = prober.effectiveConcurrency(profile);
    if (effective < profile.concurrency() && toProbe.size() > effective) {
      notes.add(String.format(java.util.Locale.ROOT,
          "%s: probe concurrency %d instead of %d: paced to %d probes/min (one start every %.1f s) and a probe ends within %d s,"
              + " so no more than %d overlap", prefix, effective, profile.concurrency(), profile.probeRpm(),
          60.0 / profile.probeRpm(), prober.timeout().toSeconds(), effective));
    }
    listener.providerStarted(prefix, toProbe.size());
    List<ProbeOutcome> outcomes;
    try {
      outcomes = prober.probeTargets(profile, endpoint, toProbe, listener);
    } finally {
      listener.providerFinished(prefix);
    }
    outcomes = checkKeyOn401(prefix, hints, endpoint, keyVar, outcomes, notes);
    List<ProviderScan.WorkingModel> working = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      ProbeOutcome o = outcomes.get(i);
      boolean isConfigured = i < configuredToProbe;
      boolean chatVerdict = !toProbe.get(i).isEmbedding();
      if (o.kind() == ProbeOutcome.Kind.WORKING) {
        if (chatVerdict) cache.remove(prefix, o.modelId());
        working.add(new ProviderScan.WorkingModel(o.modelId(), o.contextWindow(), isConfigured));
      } else {
        if (chatVerdict) cache.record(o, clock.instant());
        // A configured model that is only rate limited or failing transiently stays: it is not dead.
        if (isConfigured && o.kind() == ProbeOutcome.Kind.TRANSIENT) {
          working.add(new ProviderScan.WorkingModel(o.modelId(), o.contextWindow(), true));
        } else if (isConfigured) {
          failed.add(o.modelId());
        }
      }
    }
    return new ProviderScan(prefix, ProviderScan.Status.OK, "", listing.size(), chat.size(), skippedCached, working, outcomes, gone,
        keyRef, baseToWrite, failed, notes);
  }

  /**
   * When probes got a 401 and the dialect names a key-check endpoint, asks it once: a valid key makes each
   * such 401 a rate limit with the dialect's hint (OpenRouter's $0-credit "User not found."), a rejected key
   * says so; either way the outcome stays transient, so the model is neither removed nor cached.
   */
  private List<ProbeOutcome> checkKeyOn401(String prefix, CatalogHints hints, Endpoint endpoint, String keyVar,
      List<ProbeOutcome> outcomes, List<String> notes) {
    if (hints.keyCheckPath() == null || outcomes.stream().noneMatch(o -> o.kind() != ProbeOutcome.Kind.WORKING && o.status() == 401)) {
      return outcomes;
    }
    Boolean valid;
    try {
      valid = client.checkKey(endpoint, listTimeout).value();
    } catch (RuntimeException e) {
      notes.add(prefix + ": probes got 401 and the key check (GET " + hints.keyCheckPath() + ") failed ("
          + e.getClass().getSimpleName() + "); the models are kept and not cached");
      return outcomes;
    }
    List<String> ids = outcomes.stream().filter(o -> o.kind() != ProbeOutcome.Kind.WORKING && o.status() == 401)
        .map(ProbeOutcome::modelId).toList();
    String n = ids.size() + " (" + String.join(", ", ids) + ")";
    String reason = Boolean.TRUE.equals(valid)
        ? "rate limited: 401 on a valid key (GET " + hints.keyCheckPath() + ": ok)" + (hints.validKey401Hint() == null ? "" : "; " + hints.validKey401Hint())
        : "401: the provider rejected the key (GET " + hints.keyCheckPath() + ": 401); check " + (keyVar == null ? "the key" : keyVar);
    notes.add(prefix + ": " + n + " model(s) " + (Boolean.TRUE.equals(valid)
        ? "rate limited behind a 401 although the key is valid (checked with GET " + hints.keyCheckPath() + "); kept, not cached"
            + (hints.validKey401Hint() == null ? "" : ". " + hints.validKey401Hint())
        : "got 401 and the key check says the key is rejected; check " + (keyVar == null ? "the key" : keyVar) + " (kept, not cached)"));
    List<ProbeOutcome> out = new ArrayList<>(outcomes.size());
    for (ProbeOutcome o : outcomes) {
      out.add(o.kind() != ProbeOutcome.Kind.WORKING && o.status() == 401
          ? new ProbeOutcome(o.provider(), o.modelId(), ProbeOutcome.Kind.TRANSIENT, 401, reason, o.contextWindow())
          : o);
    }
    return out;
  }

  /** {@code http://host:8000} becomes {@code http://host:8000/v1}, as LiteLLM's hosted_vllm api_base expects. */
  static String normaliseVllmBase(String url) {
    String u = url.strip();
    while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
    String path = URI.create(u).getPath();
    return path == null || path.isEmpty() ? u + "/v1" : u;
  }

  /** Configures a {@link ModelCatalog}. Not thread-safe. */
  public static final class Builder {
    private final ProviderClient client;
    private Env env = Env.system();
    private FailureCache cache = FailureCache.inMemory();
    private ProbeListener listener = ProbeListener.none();
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private Duration probeTimeout = Duration.ofSeconds(30);
    private Duration listTimeout = Duration.ofSeconds(30);
    private int maxRateLimitRetries = 2;
    private Duration maxRetryWait = Duration.ofSeconds(65);
    private final Map<String, Integer> concurrency = new HashMap<>();
    private final Map<String, Integer> probeRpm = new HashMap<>();
    private boolean retestFailed;
    private String vllmBase;

    private Builder(ProviderClient client) {
      this.client = Objects.requireNonNull(client, "client");
    }

    /** Where key and base-URL variables are read (process environment overlaid by a .env file). */
    public Builder env(Env env) {
      this.env = Objects.requireNonNull(env, "env");
      return this;
    }

    /** The failure cache to consult and update. */
    public Builder cache(FailureCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** Progress callbacks. */
    public Builder listener(ProbeListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock for pacing and cache timestamps. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How waits happen (tests advance a virtual clock instead). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Each probe's timeout (default 30 s). */
    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** The model-list call's timeout (default 30 s). */
    public Builder listTimeout(Duration timeout) {
      this.listTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** How often a per-minute 429 is retried after its hint (default 2), and the longest hint worth waiting (65 s). */
    public Builder rateLimitRetries(int retries, Duration maxWait) {
      if (retries < 0) throw new IllegalArgumentException("retries must be >= 0, got " + retries);
      this.maxRateLimitRetries = retries;
      this.maxRetryWait = Objects.requireNonNull(maxWait, "maxWait");
      return this;
    }

    /** Overrides how many probes run at once for {@code prefix}. @throws IllegalArgumentException below 1 */
    public Builder concurrency(String prefix, int n) {
      if (n < 1) throw new IllegalArgumentException("concurrency for " + prefix + " must be >= 1, got " + n);
      concurrency.put(prefix, n);
      return this;
    }

    /** Overrides the probe pace for {@code prefix} (0: unpaced). @throws IllegalArgumentException when negative */
    public Builder probeRpm(String prefix, int rpm) {
      if (rpm < 0) throw new IllegalArgumentException("probe rpm for " + prefix + " must be >= 0, got " + rpm);
      probeRpm.put(prefix, rpm);
      return this;
    }

    /** When true, models in the failure cache are probed again (and the cache updated with the result). */
    public Builder retestFailed(boolean retest) {
      this.retestFailed = retest;
      return this;
    }

    /** The vLLM base URL ({@code http://host:8000}; {@code /v1} is added when no path is given), or null. */
    public Builder vllmBase(String url) {
      this.vllmBase = url;
      return this;
    }

    /** Builds the catalog. */
    public ModelCatalog build() {
      return new ModelCatalog(this);
    }
  }
}
