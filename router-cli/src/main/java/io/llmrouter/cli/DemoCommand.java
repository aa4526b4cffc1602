package io.llmrouter.cli;

import io.llmrouter.testkit.scenario.DayReplay;
import io.llmrouter.testkit.scenario.DayResult;
import io.llmrouter.testkit.scenario.Oracle;
import io.llmrouter.testkit.scenario.VirtualTimeDriver;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-router demo}: replays a compressed day of agent load through the guide's config against the
 * built-in provider simulator (Groq, OpenRouter, NVIDIA NIM and a local vLLM on 127.0.0.1, with their real
 * limits, headers and errors), prints a per-model table, the oracle's avoidable failures by cause and a
 * one-line verdict, and compares with LiteLLM's documented routing policy on the same day. The replay is
 * deterministic: the same seed prints the same numbers every run. No network, no keys: it never reads the environment for keys,
 * so a demo never spends anyone's quota. Exit 0 when the replay ran, 1 if it could not.
 *
 * <p>Not thread-safe (one run per instance).
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = {"Replay a simulated day of agent traffic through the guide's config and show what the router did.",
        "Runs against a built-in provider simulator on 127.0.0.1 (Groq, OpenRouter, NVIDIA NIM, local vLLM): no network "
            + "and no API keys. Real keys in the environment are never read, so a demo never spends anyone's quota."})
public final class DemoCommand implements Callable<Integer> {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Option(names = "--requests", paramLabel = "N", defaultValue = "10000",
      description = "Requests in the day (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--speed", paramLabel = "X", defaultValue = "7200",
      description = "Virtual seconds per real second while replaying (default: ${DEFAULT-VALUE}, a day in about 12 s); "
          + "0 replays as fast as the simulator answers.")
  double speed;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "7", description = "Seed of the day's load (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--no-outage", description = "Keep the local vLLM up all day (by default it is down 13:00-15:00 UTC).")
  boolean noOutage;

  @Option(names = "--no-compare",
      description = "Skip the second replay of the same day with LiteLLM's documented policy (by default both run and are compared).")
  boolean noCompare;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean outage = !noOutage;
    boolean compare = !noCompare;
    if (requests < 1) throw new CommandLine.ParameterException(spec.commandLine(), "--requests must be at least 1");
    if (!(speed >= 0) || Double.isInfinite(speed)) throw new CommandLine.ParameterException(spec.commandLine(), "--speed must be >= 0");
    Progress progress = new Progress(err, System.console() != null);
    DayReplay.Builder b = DayReplay.builder().seed(seed).requests(requests).speed(speed).progress(progress::show);
    if (!outage) b.outage(null, null);
    DayReplay replay = b.build();
    out.println("llm-router demo: " + requests + " requests of simulated agent traffic, 06:00 to 06:00 UTC, through the guide's "
        + "config" + (outage ? "; the local vLLM is down 13:00-15:00" : "") + ". Simulated providers, no keys, no network.");
    out.flush();
    try {
      progress.label("llm-router");
      DayResult ours = replay.run(DayReplay.Policy.LLM_ROUTER);
      progress.done();
      DayResult baseline = null;
      if (compare) {
        progress.label("LiteLLM policy");
        baseline = DayReplay.builder().seed(seed).requests(requests).progress(progress::show)
            .outage(outage ? Duration.ofHours(7) : null, outage ? Duration.ofHours(9) : null).build()
            .run(DayReplay.Policy.LITELLM_BASELINE);
        progress.done();
      }
      out.println();
      out.println("Per model group (llm-router), groups with traffic:");
      out.print(withTraffic(ours.modelTable()));
      if (baseline != null) {
        out.println();
        out.println("Same day, LiteLLM's documented policy (reactive, 24 h blind cooldowns) as a baseline:");
        out.print(DayResult.comparisonTable(ours, baseline));
      }
      out.println();
      out.println(oracleLine(ours, baseline));
      out.println(verdict(ours, baseline));
      out.flush();
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      err.println("llm-router demo: interrupted");
      return 1;
    } catch (RuntimeException e) {
      err.println("llm-router demo: the replay failed: " + e);
      return 1;
    }
  }

  // Drops the rows of groups nothing was sent to, keeping the header.
  static String withTraffic(String table) {
    StringBuilder sb = new StringBuilder();
    String[] lines = table.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String[] cells = lines[i].split("\\|");
      boolean idle = i >= 2 && cells.length > 6 && cells[2].trim().equals("0") && cells[3].trim().equals("0")
          && cells[4].trim().equals("0") && cells[6].trim().equals("0");
      if (!idle) sb.append(lines[i]).append('\n');
    }
    return sb.toString();
  }

  // The oracle's residue by cause: what the free tiers could still have served.
  static String oracleLine(DayResult ours, DayResult baseline) {
    String s = "Oracle (could a model of the request's chain have served it before its deadline?): llm-router's avoidable failures by "
        + "cause: " + Oracle.causes(ours.oracle());
    return baseline == null ? s + "." : s + "; LiteLLM baseline's: " + Oracle.causes(baseline.oracle()) + ".";
  }

  static String verdict(DayResult ours, DayResult baseline) {
    long n = ours.outcomes().size();
    String s = String.format(Locale.ROOT, "Verdict: llm-router served %d of %d requests (%.1f%%), %d from their first choice, "
        + "with %d upstream 429s", ours.served(), n, 100.0 * ours.served() / n, ours.servedFirstChoice(), ours.upstream429s());
    s += String.format(Locale.ROOT, " (%.2f %% of %d upstream calls)", ours.upstream429Percent(), ours.upstreamCalls());
    if (baseline == null) return s + "; avoidable failures: " + ours.avoidableFailures() + ".";
    boolean better = ours.failed() <= baseline.failed() && ours.upstream429s() <= baseline.upstream429s();
    return s + String.format(Locale.ROOT, "; LiteLLM's policy on the same day failed %d callers and caused %d 429s (%s); "
        + "avoidable failures: %d (LiteLLM baseline: %d).", baseline.failed(), baseline.upstream429s(),
        better ? "llm-router is ahead on both" : "llm-router is NOT ahead on both", ours.avoidableFailures(), baseline.avoidableFailures());
  }

  /** The progress line on stderr: carriage-return updates on a terminal, a plain line per tenth otherwise. */
  static final class Progress {
    private final PrintWriter err;
    private final boolean terminal;
    private String label = "";
    private long lastPrint;
    private int lastTenth = -1;
    private VirtualTimeDriver.Progress last;

    Progress(PrintWriter err, boolean terminal) {
      this.err = err;
      this.terminal = terminal;
    }

    void label(String value) {
      label = value;
      lastTenth = -1;
      lastPrint = 0;
    }

    void show(VirtualTimeDriver.Progress p) {
      last = p;
      if (terminal) {
        long now = System.nanoTime();
        if (now - lastPrint < 100_000_000L) return;
        lastPrint = now;
        err.print("\r" + line(p) + "   ");
        err.flush();
      } else {
        int tenth = p.total() == 0 ? 10 : (int) (10L * p.done() / p.total());
        if (tenth == lastTenth) return;
        lastTenth = tenth;
        err.println(line(p));
        err.flush();
      }
    }

    void done() {
      if (terminal && last != null) {
        err.print("\r" + line(last) + "   \n");
        err.flush();
      }
    }

    private String line(VirtualTimeDriver.Progress p) {
      return String.format(Locale.ROOT, "%s: %s UTC, %d/%d requests", label, CLOCK.format(p.now()), p.done(), p.total());
    }
  }
}
