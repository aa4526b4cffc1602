package io.llmrouter.bench.load;

import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.Json;
import io.llmrouter.api.Router;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.core.config.Env;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The load harness of issue 14: in one run, on 127.0.0.1 only, it starts a fast OpenAI-shaped
 * {@link MockUpstream} (in this JVM), the same-stack {@link ReferenceProxy} and {@code llm-router serve} on a
 * guide-shaped config pointing at the mock (each its own child process), and measures each against the mock
 * directly: added latency at concurrency 1, requests/s and p99 at 64 clients against a 20 ms and a 0 ms
 * upstream, added time to first streamed content, CPU time per request (from {@code /proc/<pid>/stat}),
 * start-up to ready (process start to {@code /health/readiness} 200) and resident memory after load
 * ({@code VmRSS}). It also measures the in-process path, {@code router.chat} over HTTP to the mock against a
 * bare OkHttp call of the same request. Rounds interleave the targets (direct, reference, serve, repeat) phase
 * by phase; the report gives each figure's median and spread over the rounds, and the targets.
 *
 * <p>Every loop is bounded by a request count, the run stops by itself, and nothing leaves loopback. Run
 * (after {@code mvn -q -B -pl router-benchmarks,router-cli -am package -DskipTests}):
 * <pre>{@code
 * java -cp router-benchmarks/target/benchmarks.jar io.llmrouter.bench.load.LoadHarness \
 *     --serve-jar router-cli/target/llm-router.jar --out target/load-report.md
 * }</pre>
 * {@code --quick} runs a few seconds' worth; {@code --help} lists the sizes.
 */
public final class LoadHarness {
  static final String MASTER_KEY = "sk-litellm-local";
  static final String GROUP = "local/qwen";
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String CHAT = "{\"model\":\"" + GROUP + "\",\"messages\":[{\"role\":\"user\","
      + "\"content\":\"Say hello in one short sentence.\"}],\"max_tokens\":32}";
  private static final String CHAT_STREAM = "{\"model\":\"" + GROUP + "\",\"messages\":[{\"role\":\"user\","
      + "\"content\":\"Say hello in one short sentence.\"}],\"max_tokens\":32,\"stream\":true}";
  /** Placeholder values for the keys the guide-shaped config names; only the mock ever sees them. */
  static final Map<String, String> DUMMY_KEYS = Map.of(
      "GROQ_API_KEY", "bench-placeholder-groq", "NVIDIA_NIM_API_KEY", "bench-placeholder-nim",
      "OPENROUTER_API_KEY", "bench-placeholder-openrouter");
  /** Every phase the harness knows, in the order a round runs them. */
  public static final List<String> PHASES = List.of("c1", "stream", "c64-20", "c64-0", "inprocess", "startup");

  private LoadHarness() {}

  /**
   * The sizes and switches of one run. Built by {@link #parse(String[])}; {@link #quick()} and
   * {@link #full()} are the two presets.
   *
   * @param rounds interleaved rounds
   * @param warmup requests each target gets before each measured phase (per client at 64 clients: a fifth of it)
   * @param c1Requests measured requests at concurrency 1, per target and round
   * @param clients concurrent clients in the capacity phases
   * @param perClient20 requests per client against the 20 ms upstream
   * @param perClient0 requests per client against the 0 ms upstream
   * @param streamRequests measured streamed requests per target and round
   * @param inprocessRequests measured requests per path (bare OkHttp, router.chat) and round
   * @param startups start-ups measured per process kind
   * @param serveJar the CLI jar to spawn for serve, or null to run {@code io.llmrouter.cli.Main} on this class path
   * @param launcher the launcher script that starts {@code serveJar} (the repository's {@code llm-router}: its
   *     JVM options file and class-data archive), or null to start it with a bare {@code java -jar}
   * @param jvmArgs JVM options for both child processes
   * @param serveJvmArgs extra JVM options for serve only (a JFR recording, say)
   * @param referenceJvmArgs extra JVM options for the reference only (its own JFR recording, say)
   * @param phases the phases to run, a subset of {@link #PHASES}
   * @param out where to write the Markdown report (temp file + atomic move), or null
   */
  public record Options(int rounds, int warmup, int c1Requests, int clients, int perClient20, int perClient0,
      int streamRequests, int inprocessRequests, int startups, Path serveJar, Path launcher, List<String> jvmArgs,
      List<String> serveJvmArgs, List<String> referenceJvmArgs, Set<String> phases, Path out) {
    /** Checks every size. */
    public Options {
      positive("--rounds", rounds);
      positive("--warmup", warmup);
      positive("--c1-requests", c1Requests);
      positive("--clients", clients);
      positive("--per-client-20ms", perClient20);
      positive("--per-client-0ms", perClient0);
      positive("--stream-requests", streamRequests);
      positive("--inprocess-requests", inprocessRequests);
      positive("--startups", startups);
      jvmArgs = List.copyOf(jvmArgs);
      serveJvmArgs = List.copyOf(serveJvmArgs);
      referenceJvmArgs = List.copyOf(referenceJvmArgs);
      phases = Set.copyOf(phases);
      for (String p : phases) {
        if (!PHASES.contains(p)) throw new IllegalArgumentException("--phases: unknown phase " + p + "; known: " + PHASES);
      }
      if (serveJar != null && !Files.isRegularFile(serveJar)) {
        throw new IllegalArgumentException("--serve-jar: no such file " + serveJar
            + " (build it with mvn -q -B -pl router-cli -am package -DskipTests)");
      }
      if (launcher != null) {
        if (serveJar == null) throw new IllegalArgumentException("--launcher needs --serve-jar (the jar it starts)");
        if (!Files.isRegularFile(launcher)) throw new IllegalArgumentException("--launcher: no such file " + launcher);
        for (String a : serveJvmArgsAndJvmArgs(jvmArgs, serveJvmArgs)) {
          if (a.isBlank() || a.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("--jvm-arg / --serve-jvm-arg: \"" + a + "\" holds a space; the launcher "
                + "takes extra options as one space-separated LLM_ROUTER_JAVA_OPTS");
          }
        }
      }
    }

    private static List<String> serveJvmArgsAndJvmArgs(List<String> jvmArgs, List<String> serveJvmArgs) {
      List<String> all = new ArrayList<>(jvmArgs);
      all.addAll(serveJvmArgs);
      return all;
    }

    /**
     * The launcher that belongs to {@code serveJar} when it sits where the build puts it
     * ({@code <root>/router-cli/target/llm-router.jar} next to {@code <root>/llm-router}), else null.
     */
    static Path launcherBeside(Path serveJar) {
      Path target = serveJar.toAbsolutePath().normalize().getParent();
      Path module = target == null ? null : target.getParent();
      Path root = module == null ? null : module.getParent();
      Path launcher = root == null ? null : root.resolve("llm-router");
      return launcher != null && Files.isRegularFile(launcher) ? launcher : null;
    }

    /** The full run: 5 rounds, 5,000 requests at concurrency 1 after 2,000 of warm-up, 64 clients. */
    public static Options full() {
      return new Options(5, 2000, 5000, 64, 150, 500, 2000, 5000, 3, null, null, List.of(), List.of(), List.of(),
          Set.copyOf(PHASES), null);
    }

    /** A few seconds' worth: every phase and figure, small sizes, 2 rounds. */
    public static Options quick() {
      return new Options(2, 100, 300, 16, 10, 20, 100, 300, 1, null, null, List.of(), List.of(), List.of(), Set.copyOf(PHASES),
          null);
    }

    private static void positive(String name, int v) {
      if (v <= 0) throw new IllegalArgumentException(name + " must be a positive number, got " + v);
    }
  }

  /**
   * Runs the harness and prints the report.
   *
   * @param args see {@code --help}
   * @throws Exception when a process cannot start or a phase fails
   */
  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LoadHarness: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (o == null) {
      System.out.println(usage());
      return;
    }
    LoadReport report = run(o);
    System.out.println(report.markdown());
    System.exit(0);
  }

  static String usage() {
    return String.join("\n",
        "Usage: LoadHarness [--quick] [--rounds N] [--warmup N] [--c1-requests N] [--clients N]",
        "         [--per-client-20ms N] [--per-client-0ms N] [--stream-requests N] [--inprocess-requests N]",
        "         [--startups N] [--serve-jar FILE [--launcher FILE|none]] [--jvm-arg ARG]... [--serve-jvm-arg ARG]...",
        "         [--reference-jvm-arg ARG]...",
        "         [--phases c1,stream,c64-20,c64-0,inprocess,startup] [--out FILE]",
        "Full defaults: 5 rounds, warm-up 2000, 5000 at c1, 64 clients x 150 (20 ms) / 500 (0 ms),",
        "2000 streams, 5000 in-process, 3 start-ups. --quick: a few seconds, every figure.");
  }

  /**
   * Reads the command line; null when {@code --help} was asked for.
   *
   * @param args the options
   * @return the options, or null for help
   * @throws IllegalArgumentException naming the option that is wrong
   */
  public static Options parse(String[] args) {
    Options base = Arrays.asList(args).contains("--quick") ? Options.quick() : Options.full();
    int rounds = base.rounds(), warmup = base.warmup(), c1 = base.c1Requests(), clients = base.clients();
    int pc20 = base.perClient20(), pc0 = base.perClient0(), streams = base.streamRequests();
    int inproc = base.inprocessRequests(), startups = base.startups();
    Path serveJar = null, out = null;
    String launcher = null;
    List<String> jvm = new ArrayList<>(), serveJvm = new ArrayList<>(), referenceJvm = new ArrayList<>();
    Set<String> phases = new LinkedHashSet<>(PHASES);
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> { }
        case "--help", "-h" -> { return null; }
        case "--rounds" -> rounds = intValue(args, ++i, a);
        case "--warmup" -> warmup = intValue(args, ++i, a);
        case "--c1-requests" -> c1 = intValue(args, ++i, a);
        case "--clients" -> clients = intValue(args, ++i, a);
        case "--per-client-20ms" -> pc20 = intValue(args, ++i, a);
        case "--per-client-0ms" -> pc0 = intValue(args, ++i, a);
        case "--stream-requests" -> streams = intValue(args, ++i, a);
        case "--inprocess-requests" -> inproc = intValue(args, ++i, a);
        case "--startups" -> startups = intValue(args, ++i, a);
        case "--serve-jar" -> serveJar = Path.of(value(args, ++i, a));
        case "--launcher" -> launcher = value(args, ++i, a);
        case "--jvm-arg" -> jvm.add(value(args, ++i, a));
        case "--serve-jvm-arg" -> serveJvm.add(value(args, ++i, a));
        case "--reference-jvm-arg" -> referenceJvm.add(value(args, ++i, a));
        case "--out" -> out = Path.of(value(args, ++i, a));
        case "--phases" -> {
          phases = new LinkedHashSet<>();
          for (String p : value(args, ++i, a).split(",")) if (!p.isBlank()) phases.add(p.trim());
        }
        default -> throw new IllegalArgumentException("unknown option " + a + " (see --help)");
      }
    }
    Path launcherPath = launcher == null ? (serveJar == null ? null : Options.launcherBeside(serveJar))
        : launcher.equals("none") ? null : Path.of(launcher);
    return new Options(rounds, warmup, c1, clients, pc20, pc0, streams, inproc, startups, serveJar, launcherPath, jvm,
        serveJvm, referenceJvm, phases, out);
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) throw new IllegalArgumentException(name + " needs a value");
    return args[i];
  }

  private static int intValue(String[] args, int i, String name) {
    String v = value(args, i, name);
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " expects a whole number, got \"" + v + "\"");
    }
  }

  /** A place the load goes to: the mock itself, or a child process in front of it. */
  private record Target(String name, String chatUrl, ChildProcess process) {}

  /**
   * Runs every selected phase and returns the figures.
   *
   * @param o the sizes
   * @return the report (also written to {@code o.out()} when set)
   * @throws Exception when a process cannot start or a phase fails outright
   */
  public static LoadReport run(Options o) throws Exception {
    LoadReport report = new LoadReport();
    Path work = Files.createTempDirectory("llm-router-load-");
    OkHttpClient client = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(o.clients() * 2, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(60))
        .retryOnConnectionFailure(false).build();
    List<ChildProcess> children = new ArrayList<>();
    try (MockUpstream mock = new MockUpstream()) {
      mock.start();
      Path config = work.resolve("config.yaml");
      Files.writeString(config, guideShapedConfig(mock.baseUrl()));
      ChildProcess reference = ChildProcess.start("reference", referenceCommand(o, mock.baseUrl()), work, Map.of());
      children.add(reference);
      if (o.launcher() != null) prepareLauncher(o, work);
      boolean launched = o.launcher() != null;
      ChildProcess serve = ChildProcess.start("serve", serveCommand(o, config), work, serveEnv(o, launched));
      children.add(serve);
      report.note("serve's command line: " + serve.commandLine());
      if (o.phases().contains("startup")) {
        report.add("startup.reference.ready_ms", "ms", "reference: process start to /health/readiness 200", reference.readyMillis());
        report.add("startup.serve.ready_ms", "ms", "serve: process start to /health/readiness 200", serve.readyMillis());
      }
      List<Target> targets = List.of(new Target("direct", mock.baseUrl() + "/chat/completions", null),
          new Target("reference", reference.baseUrl() + "/v1/chat/completions", reference),
          new Target("serve", serve.baseUrl() + "/v1/chat/completions", serve));
      Router router = o.phases().contains("inprocess")
          ? new ConfigRouterLoader(Env.of(DUMMY_KEYS), null).load(config, null).router() : null;
      try {
        for (int round = 1; round <= o.rounds(); round++) {
          mock.delayMillis(0);
          if (o.phases().contains("c1")) concurrencyOne(o, client, targets, report);
          if (o.phases().contains("stream")) streams(o, client, targets, report);
          if (o.phases().contains("c64-20")) {
            mock.delayMillis(20);
            capacity(o, client, targets, report, "c64_20ms", o.perClient20());
            mock.delayMillis(0);
          }
          if (o.phases().contains("c64-0")) capacity(o, client, targets, report, "c64_0ms", o.perClient0());
          if (router != null) inProcess(o, client, router, mock.baseUrl() + "/chat/completions", report);
          report.add("rss.reference.after_load_mib", "MiB", "reference: VmRSS after each round's load", reference.rssMib());
          report.add("rss.serve.after_load_mib", "MiB", "serve: VmRSS after each round's load", serve.rssMib());
        }
      } finally {
        if (router != null) router.close();
      }
      reference.stop();
      serve.stop();
      if (o.phases().contains("startup")) {
        // The first start of each was measured before the load; the baseline in the same run is the same jar
        // started bare (java -jar, none of the launcher's options, no archive), interleaved with the others.
        for (int i = 0; i < o.startups(); i++) {
          if (i > 0) {
            ChildProcess r = ChildProcess.start("reference", referenceCommand(o, mock.baseUrl()), work, Map.of());
            children.add(r);
            report.add("startup.reference.ready_ms", "ms", "", r.readyMillis());
            r.stop();
            ChildProcess s = ChildProcess.start("serve", serveCommand(o, config), work, serveEnv(o, launched));
            children.add(s);
            report.add("startup.serve.ready_ms", "ms", "", s.readyMillis());
            s.stop();
          }
          if (launched) {
            ChildProcess b = ChildProcess.start("serve-bare", serveCommand(o, config, false), work, DUMMY_KEYS);
            children.add(b);
            report.add("startup.serve_bare.ready_ms", "ms", "serve as bare java -jar (no launcher options, no archive)",
                b.readyMillis());
            b.stop();
          }
        }
        if (launched) {
          report.add("startup.serve.vs_bare", "x", "serve through the launcher / bare java -jar (medians)",
              report.row("startup.serve.ready_ms").median() / report.row("startup.serve_bare.ready_ms").median());
        }
      }
      report.note("mock upstream chat requests answered: " + mock.chatRequests());
    } finally {
      for (ChildProcess c : children) c.stop();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
    report.note(String.format("sizes: %d rounds; warm-up %d; c1 %d requests; %d clients x %d (20 ms) / %d (0 ms); "
            + "%d streams; %d in-process; %d start-ups; serve from %s", o.rounds(), o.warmup(), o.c1Requests(),
        o.clients(), o.perClient20(), o.perClient0(), o.streamRequests(), o.inprocessRequests(), o.startups(),
        o.serveJar() == null ? "this class path (io.llmrouter.cli.Main, slf4j-nop: no access log)"
            : o.serveJar() + (o.launcher() == null ? " as bare java -jar" : " through the launcher " + o.launcher())));
    report.note("machine: " + Runtime.getRuntime().availableProcessors() + " CPUs visible to the JVM, Java "
        + System.getProperty("java.version") + "; mock and load generator share this JVM");
    if (o.out() != null) writeAtomically(o.out(), report.markdown());
    deleteQuietly(work);
    return report;
  }

  // ---- phases ---------------------------------------------------------------------------------------

  private static void concurrencyOne(Options o, OkHttpClient client, List<Target> targets, LoadReport report)
      throws IOException {
    long[] direct = null;
    for (Target t : targets) {
      for (int i = 0; i < o.warmup(); i++) call(client, t.chatUrl(), CHAT);
      long cpu0 = cpuNanos(t.process());
      long[] lat = new long[o.c1Requests()];
      int errors = 0;
      for (int i = 0; i < lat.length; i++) {
        long d = call(client, t.chatUrl(), CHAT);
        if (d < 0) errors++;
        lat[i] = Math.abs(d);
      }
      long cpu = cpuNanos(t.process()) - cpu0;
      Arrays.sort(lat);
      report.add("c1." + t.name() + ".errors", "count", t.name() + ": failed requests at concurrency 1", errors);
      if (direct == null) {
        direct = lat;
        report.add("c1.direct.p50", "µs", "mock direct, concurrency 1: p50", us(pct(lat, 0.50)));
        report.add("c1.direct.p90", "µs", "mock direct: p90", us(pct(lat, 0.90)));
        report.add("c1.direct.p99", "µs", "mock direct: p99", us(pct(lat, 0.99)));
        report.add("c1.direct.p99.9", "µs", "mock direct: p99.9", us(pct(lat, 0.999)));
        continue;
      }
      for (double p : new double[] {0.50, 0.90, 0.99, 0.999}) {
        String label = p == 0.999 ? "p99.9" : "p" + Math.round(p * 100);
        report.add("c1." + t.name() + ".added_" + label, "µs", t.name() + ": " + label + " minus direct's " + label,
            us(pct(lat, p) - pct(direct, p)));
      }
      report.add("c1." + t.name() + ".cpu_per_request", "µs", t.name() + ": process CPU time / request at concurrency 1",
          cpu / 1000.0 / lat.length);
    }
    Row ratio = ratio(report, "c1.serve.cpu_per_request", "c1.reference.cpu_per_request");
    if (ratio != null) report.add("c1.serve.cpu_vs_reference", "x", "serve's CPU per request / reference's (c1)", ratio.value);
  }

  private static void streams(Options o, OkHttpClient client, List<Target> targets, LoadReport report)
      throws IOException {
    long[] direct = null;
    for (Target t : targets) {
      for (int i = 0; i < Math.max(1, o.warmup() / 5); i++) stream(client, t.chatUrl());
      long[] ttfc = new long[o.streamRequests()];
      int errors = 0;
      for (int i = 0; i < ttfc.length; i++) {
        long d = stream(client, t.chatUrl());
        if (d < 0) errors++;
        ttfc[i] = Math.abs(d);
      }
      Arrays.sort(ttfc);
      report.add("stream." + t.name() + ".errors", "count", t.name() + ": failed or contentless streams", errors);
      if (direct == null) {
        direct = ttfc;
        report.add("stream.direct.ttfc_p50", "µs", "mock direct: time to first content delta, p50", us(pct(ttfc, 0.5)));
        report.add("stream.direct.ttfc_p99", "µs", "mock direct: time to first content delta, p99", us(pct(ttfc, 0.99)));
        continue;
      }
      report.add("stream." + t.name() + ".added_ttfc_p50", "µs", t.name() + ": added time to first content, p50",
          us(pct(ttfc, 0.5) - pct(direct, 0.5)));
      report.add("stream." + t.name() + ".added_ttfc_p99", "µs", t.name() + ": added time to first content, p99",
          us(pct(ttfc, 0.99) - pct(direct, 0.99)));
    }
  }

  private static void capacity(Options o, OkHttpClient client, List<Target> targets, LoadReport report, String key,
      int perClient) throws InterruptedException {
    String upstream = key.equals("c64_20ms") ? "20 ms" : "0 ms";
    for (Target t : targets) {
      clients(o.clients(), Math.max(2, perClient / 5), client, t.chatUrl());
      long cpu0 = cpuNanos(t.process());
      Load load = clients(o.clients(), perClient, client, t.chatUrl());
      long cpu = cpuNanos(t.process()) - cpu0;
      report.add(key + "." + t.name() + ".rps", "req/s", t.name() + ": " + o.clients() + " clients, " + upstream
          + " upstream: requests/s", load.rps());
      report.add(key + "." + t.name() + ".p99", "ms", t.name() + ": p99 latency there", load.p99Nanos() / 1e6);
      report.add(key + "." + t.name() + ".errors", "count", t.name() + ": failed requests there", load.errors());
      if (t.process() != null) {
        report.add(key + "." + t.name() + ".cpu_per_request", "µs", t.name() + ": process CPU time / request there",
            cpu / 1000.0 / load.requests());
      }
    }
    for (String n : List.of("reference", "serve")) {
      Row d = ratio(report, key + "." + n + ".rps", key + ".direct.rps");
      if (d != null) report.add(key + "." + n + ".rps_vs_direct", "x", n + "'s req/s / direct's", d.value);
    }
    Row r = ratio(report, key + ".serve.rps", key + ".reference.rps");
    if (r != null) report.add(key + ".serve.rps_vs_reference", "x", "serve's req/s / reference's", r.value);
    Row c = ratio(report, key + ".serve.cpu_per_request", key + ".reference.cpu_per_request");
    if (c != null) report.add(key + ".serve.cpu_vs_reference", "x", "serve's CPU per request / reference's", c.value);
  }

  private static void inProcess(Options o, OkHttpClient client, Router router, String mockChatUrl, LoadReport report)
      throws IOException {
    // The request router.chat sends, sent by hand: the same JSON with the upstream model name.
    String bareBody = CHAT.replace("\"" + GROUP + "\"", "\"" + MockUpstream.MODEL + "\"");
    ChatRequest request = Json.mapper().readValue(CHAT, ChatRequest.class);
    for (int i = 0; i < o.warmup(); i++) {
      call(client, mockChatUrl, bareBody);
      router.chat(request);
    }
    // Alternate the two, request by request, so that drift on the shared machine hits both alike.
    long[] bare = new long[o.inprocessRequests()];
    long[] routed = new long[o.inprocessRequests()];
    int errors = 0;
    for (int i = 0; i < bare.length; i++) {
      long d = call(client, mockChatUrl, bareBody);
      if (d < 0) errors++;
      bare[i] = Math.abs(d);
      long t0 = System.nanoTime();
      router.chat(request);
      routed[i] = System.nanoTime() - t0;
    }
    Arrays.sort(bare);
    Arrays.sort(routed);
    report.add("inprocess.bare.errors", "count", "bare OkHttp call: failed requests", errors);
    report.add("inprocess.bare.p50", "µs", "bare OkHttp call to the mock (this JVM), p50", us(pct(bare, 0.5)));
    report.add("inprocess.bare.p99", "µs", "bare OkHttp call to the mock, p99", us(pct(bare, 0.99)));
    report.add("inprocess.router.added_p50", "µs", "router.chat over HTTP: p50 minus bare p50",
        us(pct(routed, 0.5) - pct(bare, 0.5)));
    report.add("inprocess.router.added_p99", "µs", "router.chat over HTTP: p99 minus bare p99",
        us(pct(routed, 0.99) - pct(bare, 0.99)));
  }

  // ---- requests -------------------------------------------------------------------------------------

  /** One chat request; its duration in ns, negated when it failed (non-200 or an I/O error). */
  static long call(OkHttpClient client, String url, String body) {
    Request req = new Request.Builder().url(url).header("Authorization", "Bearer " + MASTER_KEY)
        .post(RequestBody.create(body, JSON)).build();
    long t0 = System.nanoTime();
    try (Response r = client.newCall(req).execute()) {
      byte[] bytes = r.body() == null ? new byte[0] : r.body().bytes();
      long d = Math.max(1, System.nanoTime() - t0);
      return r.code() == 200 && bytes.length > 0 ? d : -d;
    } catch (IOException e) {
      return -Math.max(1, System.nanoTime() - t0);
    }
  }

  /** One streamed request; time to its first non-empty content delta in ns, negated when it failed. */
  static long stream(OkHttpClient client, String url) {
    Request req = new Request.Builder().url(url).header("Authorization", "Bearer " + MASTER_KEY)
        .header("Accept", "text/event-stream").post(RequestBody.create(CHAT_STREAM, JSON)).build();
    long t0 = System.nanoTime();
    long first = -1;
    boolean done = false;
    try (Response r = client.newCall(req).execute()) {
      if (r.code() != 200 || r.body() == null) return -Math.max(1, System.nanoTime() - t0);
      BufferedSource source = r.body().source();
      String line;
      while ((line = source.readUtf8Line()) != null) {
        if (first < 0 && line.startsWith("data:") && hasContent(line)) first = Math.max(1, System.nanoTime() - t0);
        if (line.startsWith("data:") && line.contains("[DONE]")) done = true;
      }
    } catch (IOException e) {
      return -Math.max(1, System.nanoTime() - t0);
    }
    return first > 0 && done ? first : -Math.max(1, System.nanoTime() - t0);
  }

  static boolean hasContent(String dataLine) {
    int i = dataLine.indexOf("\"content\":\"");
    return i >= 0 && i + 11 < dataLine.length() && dataLine.charAt(i + 11) != '"';
  }

  /** The outcome of one capacity phase. */
  private record Load(long requests, long errors, double rps, long p99Nanos) {}

  private static Load clients(int clients, int perClient, OkHttpClient client, String url) throws InterruptedException {
    long[][] lat = new long[clients][perClient];
    AtomicInteger errors = new AtomicInteger();
    CountDownLatch ready = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long[] mine = lat[c];
      Thread th = new Thread(() -> {
        ready.countDown();
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < mine.length; i++) {
          long d = call(client, url, CHAT);
          if (d < 0) errors.incrementAndGet();
          mine[i] = Math.abs(d);
        }
      }, "load-client-" + c);
      th.setDaemon(true);
      threads.add(th);
      th.start();
    }
    ready.await();
    long t0 = System.nanoTime();
    go.countDown();
    for (Thread th : threads) th.join();
    long elapsed = System.nanoTime() - t0;
    long[] all = new long[clients * perClient];
    for (int c = 0; c < clients; c++) System.arraycopy(lat[c], 0, all, c * perClient, perClient);
    Arrays.sort(all);
    return new Load(all.length, errors.get(), all.length / (elapsed / 1e9), pct(all, 0.99));
  }

  // ---- processes ------------------------------------------------------------------------------------

  private static List<String> referenceCommand(Options o, String upstream) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaBinary());
    cmd.addAll(o.jvmArgs());
    cmd.addAll(o.referenceJvmArgs());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ReferenceProxy.class.getName(),
        "--upstream", upstream, "--model", MockUpstream.MODEL, "--port"));
    return cmd;
  }

  private static List<String> serveCommand(Options o, Path config) {
    return serveCommand(o, config, o.launcher() != null);
  }

  /**
   * serve's command line: through the launcher (which adds its options file and the class-data archive and
   * gets this run's extra options from {@link #launcherEnv}), or a bare {@code java} with only this run's options.
   */
  private static List<String> serveCommand(Options o, Path config, boolean throughLauncher) {
    List<String> cmd = new ArrayList<>();
    if (throughLauncher) {
      cmd.addAll(List.of("bash", o.launcher().toString()));
      cmd.addAll(List.of("serve", "--config", config.toString(), "--no-state-file", "--shutdown-grace", "1", "--port"));
      return cmd;
    }
    cmd.add(javaBinary());
    cmd.addAll(o.jvmArgs());
    cmd.addAll(o.serveJvmArgs());
    if (o.serveJar() != null) {
      cmd.addAll(List.of("-jar", o.serveJar().toString()));
    } else {
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.llmrouter.cli.Main"));
    }
    cmd.addAll(List.of("serve", "--config", config.toString(), "--no-state-file", "--shutdown-grace", "1", "--port"));
    return cmd;
  }

  /** serve's environment: the placeholder keys, and for the launcher the jar to start and the extra options. */
  private static Map<String, String> serveEnv(Options o, boolean throughLauncher) {
    Map<String, String> env = new java.util.HashMap<>(DUMMY_KEYS);
    if (throughLauncher) {
      env.put("LLM_ROUTER_JAR", o.serveJar().toAbsolutePath().toString());
      env.put("LLM_ROUTER_JAVA_OPTS", String.join(" ", Options.serveJvmArgsAndJvmArgs(o.jvmArgs(), o.serveJvmArgs())));
      // The launcher finds java on the PATH: put this JVM's first, so both paths run the same JDK.
      env.put("PATH", Path.of(javaBinary()).getParent() + java.io.File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
    }
    return env;
  }

  /**
   * Runs the launcher once with {@code --version} before anything is measured: it writes the class-data
   * archive now if the jar has none or a stale one, so no measured start-up pays for writing it.
   */
  private static void prepareLauncher(Options o, Path work) throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "launcher-", ".log");
    ProcessBuilder pb = new ProcessBuilder("bash", o.launcher().toString(), "--version").redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(serveEnv(o, true));
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("the launcher " + o.launcher() + " --version failed: " + Files.readString(log));
    }
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A child JVM on a loopback port: its start-up to ready, CPU time and resident memory from /proc. */
  static final class ChildProcess {
    private static final long CLK_TCK = clockTicks();
    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final double readyMillis;

    private ChildProcess(String name, Process process, int port, Path log, double readyMillis) {
      this.name = name;
      this.process = process;
      this.port = port;
      this.log = log;
      this.readyMillis = readyMillis;
    }

    /** Starts {@code command} plus a free port as its last argument and waits (bounded) for its readiness. */
    static ChildProcess start(String name, List<String> command, Path work, Map<String, String> env)
        throws IOException, InterruptedException {
      int port = freePort();
      List<String> cmd = new ArrayList<>(command);
      cmd.add(Integer.toString(port));
      Path log = Files.createTempFile(work, name + "-", ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().putAll(env);
      OkHttpClient probe = new OkHttpClient.Builder().connectTimeout(Duration.ofMillis(200))
          .readTimeout(Duration.ofSeconds(5)).retryOnConnectionFailure(false).build();
      Request ready = new Request.Builder().url("http://127.0.0.1:" + port + "/health/readiness").build();
      long t0 = System.nanoTime();
      Process p = pb.start();
      long deadline = t0 + TimeUnit.SECONDS.toNanos(60);
      try {
        while (true) {
          try (Response r = probe.newCall(ready).execute()) {
            if (r.code() == 200) {
              double ms = (System.nanoTime() - t0) / 1e6;
              return new ChildProcess(name, p, port, log, ms);
            }
          } catch (IOException notYet) {
            // not listening yet
          }
          if (!p.isAlive()) throw new IOException(name + " exited with " + p.exitValue() + " before it was ready: " + tail(log));
          if (System.nanoTime() > deadline) {
            p.destroyForcibly();
            throw new IOException(name + " was not ready within 60 s: " + tail(log));
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
        }
      } finally {
        probe.dispatcher().executorService().shutdown();
        probe.connectionPool().evictAll();
      }
    }

    String baseUrl() {
      return "http://127.0.0.1:" + port;
    }

    double readyMillis() {
      return readyMillis;
    }

    /** The command line the process runs now (after the launcher's exec: the JVM's), from /proc. */
    String commandLine() {
      try {
        return new String(Files.readAllBytes(Path.of("/proc/" + process.pid() + "/cmdline")), StandardCharsets.UTF_8)
            .replace('\0', ' ').trim();
      } catch (IOException e) {
        return "(unreadable: " + e.getMessage() + ")";
      }
    }

    /** User + system CPU time so far, from /proc/<pid>/stat (clock-tick resolution). */
    long cpuNanos() throws IOException {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // After "pid (comm) ": field 3 (state) is f[0], so utime (14) is f[11] and stime (15) f[12].
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      return ticks * 1_000_000_000L / CLK_TCK;
    }

    /** VmRSS from /proc/<pid>/status, in MiB. */
    double rssMib() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      throw new IOException(name + ": no VmRSS in /proc/" + process.pid() + "/status");
    }

    void stop() throws InterruptedException {
      if (!process.isAlive()) return;
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }

    private static String tail(Path log) {
      try {
        String s = Files.readString(log);
        return s.length() > 2000 ? s.substring(s.length() - 2000) : s;
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }

    private static int freePort() throws IOException {
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }

    private static long clockTicks() {
      try {
        Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        p.waitFor(5, TimeUnit.SECONDS);
        return Long.parseLong(out);
      } catch (IOException | NumberFormatException e) {
        return 100;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 100;
      }
    }
  }

  private static long cpuNanos(ChildProcess p) {
    if (p == null) return 0;
    try {
      return p.cpuNanos();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read CPU time of the child process: " + e.getMessage(), e);
    }
  }

  // ---- figures --------------------------------------------------------------------------------------

  private record Row(double value) {}

  /** The latest value of {@code a} divided by the latest of {@code b}, or null when either is missing. */
  private static Row ratio(LoadReport report, String a, String b) {
    LoadReport.Row ra = report.row(a);
    LoadReport.Row rb = report.row(b);
    if (ra == null || rb == null || ra.values().isEmpty() || rb.values().isEmpty()) return null;
    double vb = rb.values().get(rb.values().size() - 1);
    return new Row(vb == 0 ? Double.NaN : ra.values().get(ra.values().size() - 1) / vb);
  }

  /** Nearest-rank percentile of a sorted array. */
  static long pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  private static double us(long nanos) {
    return nanos / 1000.0;
  }

  /**
   * The guide's shape (local vLLM first, Groq, NVIDIA NIM and OpenRouter fallbacks, declared rpm/tpm, the
   * guide's retry and cooldown settings and master key), every deployment pointing at the mock. Background
   * health checks are off so that only the measured requests reach the mock.
   */
  static String guideShapedConfig(String mockBase) {
    return String.join("\n",
        "model_list:",
        "  - model_name: \"" + GROUP + "\"",
        "    litellm_params:",
        "      model: \"hosted_vllm/" + MockUpstream.MODEL + "\"",
        "      api_base: \"" + mockBase + "\"",
        "      api_key: \"none\"",
        "  - model_name: \"groq/llama-3.1-8b\"",
        "    litellm_params:",
        "      model: \"groq/llama-3.1-8b-instant\"",
        "      api_base: \"" + mockBase + "\"",
        "      api_key: \"os.environ/GROQ_API_KEY\"",
        "      rpm: 28",
        "      tpm: 5500",
        "  - model_name: \"nvidia/llama-3.3-70b\"",
        "    litellm_params:",
        "      model: \"nvidia_nim/meta/llama-3.3-70b-instruct\"",
        "      api_base: \"" + mockBase + "\"",
        "      api_key: \"os.environ/NVIDIA_NIM_API_KEY\"",
        "      rpm: 40",
        "  - model_name: \"openrouter/hermes-3-405b\"",
        "    litellm_params:",
        "      model: \"openrouter/nousresearch/hermes-3-llama-3.1-405b:free\"",
        "      api_base: \"" + mockBase + "\"",
        "      api_key: \"os.environ/OPENROUTER_API_KEY\"",
        "      rpm: 18",
        "router_settings:",
        "  routing_strategy: \"simple-shuffle\"",
        "  num_retries: 2",
        "  retry_after: 5",
        "  allowed_fails: 3",
        "  cooldown_time: 86400",
        "  fallbacks:",
        "    - {\"" + GROUP + "\": [\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\", \"openrouter/hermes-3-405b\"]}",
        "general_settings:",
        "  master_key: \"" + MASTER_KEY + "\"",
        "  background_health_checks: false",
        "litellm_settings:",
        "  drop_params: true",
        "  request_timeout: 120",
        "");
  }

  static void writeAtomically(Path out, String text) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
    Files.writeString(tmp, text);
    Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }
}
