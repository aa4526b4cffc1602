package io.llmrouter.cli;

import io.llmrouter.core.Sleeper;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderClientFactory;
import io.llmrouter.catalog.CatalogPlan;
import io.llmrouter.catalog.ConfigDocument;
import io.llmrouter.catalog.ConfigTextValidator;
import io.llmrouter.catalog.FailureCache;
import io.llmrouter.catalog.ModelCatalog;
import io.llmrouter.catalog.ProbeListener;
import io.llmrouter.catalog.ProbeOutcome;
import io.llmrouter.catalog.ProviderProfile;
import io.llmrouter.catalog.ProviderScan;
import io.llmrouter.catalog.SafeConfigWriter;
import io.llmrouter.catalog.StructuralConfigValidator;
import io.llmrouter.catalog.UpdateLog;
import io.llmrouter.core.config.Env;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-router models}: the guide's {@code update_models.py}, inside llm-router. Lists every
 * configured provider's models, probes the configured and the new chat models, keeps a failure cache, prints a ready
 * {@code model_list} block, and updates the config in place without disturbing anything else.
 *
 * <p>Exit codes: 0 success (at least one working model, or a cache/fallback-only run); 1 no provider
 * yielded a working model (the config is not touched); 2 bad usage or an unreadable config; 3 the update
 * was refused by validation or the write failed (the config is unchanged).
 */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "Probe providers for working free models, keep a failure cache, and update config.yaml safely.")
public final class ModelsCommand implements Callable<Integer> {

  /** Exit code: no provider yielded a working model. */
  public static final int EXIT_NO_WORKING_MODEL = 1;
  /** Exit code: bad usage or config. */
  public static final int EXIT_USAGE = 2;
  /** Exit code: the new config was rejected or could not be written. */
  public static final int EXIT_WRITE_FAILED = 3;

  @Option(names = "--config", description = "LiteLLM config file (default: ${DEFAULT-VALUE})", defaultValue = "config.yaml")
  Path config;

  @Option(names = "--providers", arity = "1..*", description = "Providers to scan: vllm groq nvidia openrouter (default: those in the config)")
  List<String> providers;

  @Option(names = "--show", description = "Print a ready model_list block of every working model")
  boolean show;

  @Option(names = "--update", description = "Apply changes to the config (shows the diff and asks y/N)")
  boolean update;

  @Option(names = "--yes", description = "Do not ask (cron)")
  boolean yes;

  @Option(names = "--fallback", description = "Validate and prune fallback chains only, no probing")
  boolean fallbackOnly;

  @Option(names = "--show-cache", description = "Print the failure cache")
  boolean showCache;

  @Option(names = "--clear-cache", paramLabel = "<provider|all>", description = "Clear the failure cache of one provider, or all")
  String clearCache;

  @Option(names = "--retest-failed", description = "Probe cached failures again this run (the cache is updated with the results)")
  boolean retestFailed;

  @Option(names = "--vllm-base", paramLabel = "URL", description = "vLLM base URL, e.g. http://192.168.1.100:8000")
  String vllmBase;

  @Option(names = "--env-file", paramLabel = "PATH", description = "A .env file with the keys (default: .env beside the config, when present)")
  Path envFile;

  @Option(names = "--cache", paramLabel = "PATH", description = "Failure cache file (default: model_cache.json beside the config)")
  Path cachePath;

  @Option(names = "--concurrency", paramLabel = "PROVIDER=N", description = "Probes at once per provider (defaults: vllm 2, groq 4, nvidia 3, openrouter 4); when the provider's pace allows fewer, the output says so")
  Map<String, Integer> concurrency = new LinkedHashMap<>();

  @Option(names = "--probe-timeout", paramLabel = "SECONDS", description = "Timeout of each probe (default: ${DEFAULT-VALUE})", defaultValue = "30")
  int probeTimeoutSeconds;

  private final Supplier<ProviderClient> clients;
  private final Env baseEnv;
  private final Clock clock;
  private final Sleeper sleeper;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private final ConfigTextValidator validator;
  private final SafeConfigWriter.FileOps fileOps;
  private final boolean terminal;
  private Env runEnv;

  /** The production command: provider client from {@link ServiceLoader}, process environment, real time. */
  public ModelsCommand() {
    this(ModelsCommand::loadClient, Env.system(), Clock.systemUTC(), Sleeper.system(), System.in, System.out, System.err,
        text -> { }, SafeConfigWriter.FileOps.system(), System.console() != null);
  }

  /**
   * A command with every dependency given (tests, embedding).
   *
   * @param validator checks the new config text before it is written; the structural check always runs first
   */
  public ModelsCommand(Supplier<ProviderClient> clients, Env env, Clock clock, Sleeper sleeper, InputStream in,
      PrintStream out, PrintStream err, ConfigTextValidator validator, SafeConfigWriter.FileOps fileOps, boolean terminal) {
    this.clients = clients;
    this.baseEnv = env;
    this.clock = clock;
    this.sleeper = sleeper;
    this.in = in;
    this.out = out;
    this.err = err;
    this.validator = validator;
    this.fileOps = fileOps;
    this.terminal = terminal;
  }

  private static ProviderClient loadClient() {
    ProviderClientFactory f = ServiceLoader.load(ProviderClientFactory.class).findFirst()
        .orElseThrow(() -> new IllegalStateException("no ProviderClientFactory on the classpath (router-providers missing)"));
    return f.create(Clock.systemUTC());
  }

  @Override
  public Integer call() {
    try {
      return run();
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return EXIT_USAGE;
    } catch (UncheckedIOException e) {
      err.println("error: " + e.getMessage());
      return EXIT_WRITE_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("interrupted; config not touched");
      return EXIT_WRITE_FAILED;
    }
  }

  private int run() throws InterruptedException {
    Path dir = config.toAbsolutePath().getParent();
    Path cacheFile = cachePath != null ? cachePath : dir.resolve("model_cache.json");
    FailureCache cache = FailureCache.load(cacheFile);
    UpdateLog log = new UpdateLog(dir.resolve("update_models.log"));

    if (showCache) return showCache(cache);
    if (clearCache != null) {
      String target = clearCache.equalsIgnoreCase("all") ? null : ProviderProfile.resolveAlias(clearCache);
      int n = cache.clear(target);
      cache.save();
      out.println("cleared " + n + " cached failure(s)" + (target == null ? "" : " for " + target));
      log.append(clock.instant(), "clear-cache", "provider=" + (target == null ? "all" : target) + " removed=" + n);
      return 0;
    }
    if (!Files.isRegularFile(config)) {
      err.println("error: config file not found: " + config);
      return EXIT_USAGE;
    }
    String text = read(config);
    ConfigDocument doc = ConfigDocument.parse(text);

    Env env = baseEnv;
    Path dotEnv = envFile != null ? envFile : dir.resolve(".env");
    if (envFile != null || Files.isRegularFile(dotEnv)) env = env.withDotEnv(dotEnv);
    this.runEnv = env;

    if (fallbackOnly) {
      CatalogPlan plan = CatalogPlan.forFallbacks(doc, cache);
      out.print(plan.report().render());
      return applyIfAsked(plan, text, log, "fallback", "stale=" + plan.report().stale().size());
    }

    try (ProviderClient client = clients.get()) {
      ModelCatalog.Builder b = ModelCatalog.builder(client).env(env).clock(clock).sleeper(sleeper).cache(cache)
          .retestFailed(retestFailed).vllmBase(vllmBase).probeTimeout(Duration.ofSeconds(probeTimeoutSeconds))
          .listener(terminal ? new ProgressBar(err) : new PlainLines(err));
      concurrency.forEach((p, n) -> b.concurrency(ProviderProfile.resolveAlias(p), n));
      ModelCatalog catalog = b.build();
      List<String> targets = providers == null || providers.isEmpty()
          ? ModelCatalog.defaultProviders(doc, client.prefixes())
          : providers.stream().map(ProviderProfile::resolveAlias).distinct().toList();

      List<ProviderScan> scans = catalog.scan(doc, targets);
      cache.save();
      printSummary(scans);
      int working = scans.stream().mapToInt(s -> s.working().size()).sum();
      if (show) out.print(CatalogPlan.showBlock(doc, scans, catalog, null));

      CatalogPlan plan = CatalogPlan.forUpdate(doc, scans, catalog, null);
      out.print(plan.report().render());
      String details = "providers=" + String.join(",", targets) + " working=" + working + " added=" + plan.added().size()
          + " removed=" + plan.removed().size() + " stale=" + plan.report().stale().size();
      if (working == 0) {
        err.println("no provider yielded a working model; config not touched");
        if (update) log.append(clock.instant(), "update", details + " result=no-working-model");
        return EXIT_NO_WORKING_MODEL;
      }
      if (!update) {
        out.println("dry run: would add " + plan.added().size() + ", remove " + plan.removed().size()
            + " model(s) and prune " + plan.report().stale().size() + " stale reference(s); use --update to apply");
        return 0;
      }
      return applyIfAsked(plan, text, log, "update", details);
    }
  }

  private int applyIfAsked(CatalogPlan plan, String oldText, UpdateLog log, String mode, String details) {
    if (!plan.changed()) {
      out.println("config is up to date; nothing to write");
      log.append(clock.instant(), mode, details + " result=unchanged");
      return 0;
    }
    out.println("── Changes to " + config + " ──");
    plan.edit().diff().forEach(out::println);
    if (!yes && !confirm()) {
      out.println("not applied");
      log.append(clock.instant(), mode, details + " result=declined");
      return 0;
    }
    try {
      plan.verify();
      Path backup = new SafeConfigWriter(clock, fileOps).replace(config, oldText, plan.edit().text(),
          new StructuralConfigValidator(runEnv).andThen(validator));
      out.println("config updated; backup: " + backup);
      log.append(clock.instant(), mode, details + " result=applied backup=" + backup.getFileName());
      return 0;
    } catch (ConfigException e) {
      err.println("new config rejected, nothing written: " + e.getMessage());
      log.append(clock.instant(), mode, details + " result=rejected");
      return EXIT_WRITE_FAILED;
    } catch (IOException e) {
      err.println("write failed, config unchanged: " + e.getMessage());
      log.append(clock.instant(), mode, details + " result=write-failed");
      return EXIT_WRITE_FAILED;
    }
  }

  private boolean confirm() {
    out.print("Apply these changes? [y/N] ");
    out.flush();
    try {
      String line = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      return line != null && (line.strip().equalsIgnoreCase("y") || line.strip().equalsIgnoreCase("yes"));
    } catch (IOException e) {
      return false;
    }
  }

  private int showCache(FailureCache cache) {
    Map<String, Map<String, FailureCache.Entry>> entries = cache.entries();
    if (entries.isEmpty()) {
      out.println("failure cache is empty (" + cache.file() + ")");
      return 0;
    }
    entries.forEach((p, models) -> {
      out.println(p + " (" + models.size() + ")");
      new java.util.TreeMap<>(models).forEach((id, e) -> out.println("  " + id + "  " + e.failedAt() + "  " + e.reason()));
    });
    return 0;
  }

  private void printSummary(List<ProviderScan> scans) {
    out.println();
    out.println(String.format(Locale.ROOT, "%-12s %-16s %6s %5s %6s %7s %7s %9s %7s %5s",
        "provider", "status", "listed", "chat", "probed", "working", "cached", "transient", "skipped", "gone"));
    for (ProviderScan s : scans) {
      out.println(String.format(Locale.ROOT, "%-12s %-16s %6d %5d %6d %7d %7d %9d %7d %5d", s.provider(), s.status(), s.listed(),
          s.chatModels(), s.probes().size(), s.working().size(), s.count(ProbeOutcome.Kind.PERMANENT),
          s.count(ProbeOutcome.Kind.TRANSIENT), s.skippedCached(), s.gone().size()));
    }
    for (ProviderScan s : scans) s.notes().forEach(out::println);
    for (ProviderScan s : scans) {
      switch (s.status()) {
        case MISSING_KEY -> err.println(s.provider() + ": " + s.detail() + " is not set; skipped (set it in the environment or the .env file)");
        case NO_BASE_URL -> err.println(s.provider() + ": no base URL; set " + s.detail());
        case UNKNOWN_PROVIDER, LIST_FAILED -> err.println(s.provider() + ": " + s.detail());
        default -> { }
      }
    }
    out.println();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(p.toString(), "cannot read: " + e.getClass().getSimpleName());
    }
  }

  /** One line per probe, for logs and pipes. */
  static final class PlainLines implements ProbeListener {
    private final PrintStream err;

    PlainLines(PrintStream err) {
      this.err = err;
    }

    @Override
    public void providerStarted(String provider, int toProbe) {
      err.println(provider + ": probing " + toProbe + " model(s)");
    }

    @Override
    public void probed(ProbeOutcome o) {
      String mark = switch (o.kind()) {
        case WORKING -> "✓";
        case PERMANENT -> "✗";
        case TRANSIENT -> "~";
      };
      err.println("  " + mark + " " + o.provider() + "/" + o.modelId()
          + (o.kind() == ProbeOutcome.Kind.WORKING ? "" : "  " + o.reason() + (o.kind() == ProbeOutcome.Kind.PERMANENT ? " [cached]" : " [transient]")));
    }
  }

  /** A one-line progress bar redrawn in place, for terminals. */
  static final class ProgressBar implements ProbeListener {
    private static final int WIDTH = 30;
    private final PrintStream err;
    private final AtomicInteger done = new AtomicInteger();
    private final List<String> failures = new ArrayList<>();
    private volatile int total;
    private volatile String provider = "";

    ProgressBar(PrintStream err) {
      this.err = err;
    }

    @Override
    public void providerStarted(String provider, int toProbe) {
      this.provider = provider;
      this.total = toProbe;
      done.set(0);
      draw(0);
    }

    @Override
    public synchronized void probed(ProbeOutcome o) {
      if (o.kind() != ProbeOutcome.Kind.WORKING) failures.add(o.provider() + "/" + o.modelId() + "  " + o.reason());
      draw(done.incrementAndGet());
    }

    @Override
    public synchronized void providerFinished(String provider) {
      err.println();
      failures.forEach(f -> err.println("  ✗ " + f));
      failures.clear();
    }

    private synchronized void draw(int n) {
      int filled = total == 0 ? WIDTH : n * WIDTH / total;
      err.print("\r" + String.format(Locale.ROOT, "%-12s [%s%s] %d/%d", provider, "#".repeat(filled), ".".repeat(WIDTH - filled), n, total));
      err.flush();
    }
  }
}
