package io.llmrouter.testkit.scenario;

import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one replayed day produced for one policy: every caller's outcome, every upstream call, every
 * request the simulator saw, and the per-model report. Immutable.
 *
 * @param policy the policy's name
 * @param day the replayed load
 * @param start the virtual start of the day
 * @param outageFrom the start of the local vLLM outage, or null
 * @param outageTo its end, or null
 * @param config the router config the day ran with (the guide's, pointed at the simulator)
 * @param simModels the simulator model behind each deployment id
 * @param outcomes each request's outcome, by index
 * @param calls the upstream calls, as the policy's provider client made them
 * @param events the chat requests the simulator saw, in arrival order
 * @param fallbacks the fallbacks taken, in order
 * @param rows the per-model report, in config order
 * @param traces what the policy did for each request, by index ({@link TraceEvent}s; empty lists when not recorded)
 * @param oracle every failure judged against the simulator's ground truth ({@link Oracle}), or null when not judged
 * @param wallTime how long the replay took in real time
 */
public record DayResult(
    String policy,
    AgentDay day,
    Instant start,
    Instant outageFrom,
    Instant outageTo,
    RouterConfig config,
    Map<String, SimModel> simModels,
    List<RequestOutcome> outcomes,
    List<RecordingProviderClient.Call> calls,
    List<SimEvent> events,
    List<ReportListener.Fallback> fallbacks,
    List<ModelRow> rows,
    List<List<TraceEvent>> traces,
    Oracle.Report oracle,
    Duration wallTime) {

  /**
   * One caller's outcome.
   *
   * @param request the request
   * @param served what it got, or null when it failed
   * @param error the failure ({@code Type: first line}), or null when served
   * @param waitedMillis virtual time the policy made the caller wait (retry sleeps)
   * @param finishedAt the virtual time the caller got its answer or failure
   * @param simSeqAtEnd how many chat requests the simulator had seen then
   */
  public record RequestOutcome(AgentRequest request, ChatPolicy.Served served, String error, long waitedMillis,
      Instant finishedAt, long simSeqAtEnd) {
    /** True when the caller got an answer. */
    public boolean ok() {
      return served != null;
    }
  }

  /**
   * One model group's line of the report.
   *
   * @param group the model group
   * @param deployment the deployment's provider model ({@code groq/llama-3.3-70b-versatile})
   * @param served requests this group answered
   * @param limitSkips times the policy skipped it for a limit or a cooldown, without calling it
   * @param upstream429 429 answers it got from the provider
   * @param cooledUntil the latest cooldown deadline set, or null
   * @param fallbacksTaken fallbacks taken away from this group
   */
  public record ModelRow(String group, String deployment, long served, long limitSkips, long upstream429, Instant cooledUntil,
      long fallbacksTaken) {}

  public DayResult {
    simModels = Map.copyOf(simModels);
    outcomes = List.copyOf(outcomes);
    calls = List.copyOf(calls);
    events = List.copyOf(events);
    fallbacks = List.copyOf(fallbacks);
    rows = List.copyOf(rows);
    traces = List.copyOf(traces);
  }

  /** This result with {@code report} as its oracle. */
  public DayResult withOracle(Oracle.Report report) {
    return new DayResult(policy, day, start, outageFrom, outageTo, config, simModels, outcomes, calls, events, fallbacks, rows, traces,
        report, wallTime);
  }

  /** Failures the oracle says some deployment of the chain could have served. @throws IllegalStateException if not judged */
  public long avoidableFailures() {
    if (oracle == null) throw new IllegalStateException("this day was not judged by the oracle");
    return oracle.avoidable();
  }

  /** Upstream calls the policy made (every attempt that reached, or tried to reach, a provider). */
  public long upstreamCalls() {
    return calls.size();
  }

  /** Upstream 429s as a percentage of the upstream calls (0 when no call was made). */
  public double upstream429Percent() {
    return calls.isEmpty() ? 0 : 100.0 * upstream429s() / calls.size();
  }

  /** Upstream calls per served request (0 when none was served). */
  public double callsPerServed() {
    long served = served();
    return served == 0 ? 0 : calls.size() / (double) served;
  }

  /**
   * One line per request, by index: who served it (or the failure), the wait, when it ended and how many
   * requests the simulator had seen by then; two runs of a deterministic day give equal lists.
   */
  public List<String> outcomeLog() {
    List<String> out = new ArrayList<>(outcomes.size());
    for (RequestOutcome o : outcomes) {
      out.add(o.request().index() + " " + (o.ok() ? "served by " + o.served().servedGroup() + " via " + o.served().fallbacks()
          : "failed: " + o.error()) + " waited " + o.waitedMillis() + " ms, ended " + o.finishedAt() + ", sim seq " + o.simSeqAtEnd());
    }
    return out;
  }

  /** Requests that got an answer. */
  public long served() {
    return outcomes.stream().filter(RequestOutcome::ok).count();
  }

  /** Requests that got a failure. */
  public long failed() {
    return outcomes.size() - served();
  }

  /** Requests answered by the group they asked for. */
  public long servedFirstChoice() {
    return outcomes.stream().filter(o -> o.ok() && o.served().servedGroup().equals(o.request().model())).count();
  }

  /** 429 answers the providers sent. */
  public long upstream429s() {
    return events.stream().filter(e -> e.outcome() == Outcome.RATE_LIMITED).count();
  }

  /** Callers the policy made wait at least once. */
  public long callersWaited() {
    return outcomes.stream().filter(o -> o.waitedMillis() > 0).count();
  }

  /** Total virtual time callers waited. */
  public Duration totalWait() {
    return Duration.ofMillis(outcomes.stream().mapToLong(RequestOutcome::waitedMillis).sum());
  }

  /** The deployment config of {@code id}. @throws IllegalArgumentException for an unknown id */
  public DeploymentConfig deployment(String id) {
    for (DeploymentConfig d : config.deployments()) if (d.id().equals(id)) return d;
    throw new IllegalArgumentException("no deployment " + id);
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** The per-model report as a markdown table. */
  public String modelTable() {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"model group", "served", "skipped for limits", "429s seen", "cooled until (UTC)", "fallbacks taken"});
    for (ModelRow r : rows) {
      lines.add(new String[] {r.group(), Long.toString(r.served()), Long.toString(r.limitSkips()), Long.toString(r.upstream429()),
          r.cooledUntil() == null ? "-" : TIME.format(r.cooledUntil()), Long.toString(r.fallbacksTaken())});
    }
    return Tables.markdown(lines, 1);
  }

  /**
   * The comparison of two policies on the same day as a markdown table.
   *
   * @param ours our router's result
   * @param baseline the baseline's result
   */
  public static String comparisonTable(DayResult ours, DayResult baseline) {
    List<String[]> lines = new ArrayList<>();
    lines.add(new String[] {"same day, " + ours.outcomes.size() + " requests", ours.policy, baseline.policy});
    lines.add(row("served from the first choice of their chain", ours.servedFirstChoice(), baseline.servedFirstChoice()));
    lines.add(row("served after a fallback", ours.served() - ours.servedFirstChoice(), baseline.served() - baseline.servedFirstChoice()));
    lines.add(row("callers that got a failure", ours.failed(), baseline.failed()));
    lines.add(row("upstream 429s caused", ours.upstream429s(), baseline.upstream429s()));
    lines.add(row("upstream calls made", ours.calls.size(), baseline.calls.size()));
    lines.add(new String[] {"upstream 429s, % of upstream calls", percent(ours.upstream429Percent()), percent(baseline.upstream429Percent())});
    lines.add(new String[] {"upstream calls per served request", String.format(Locale.ROOT, "%.3f", ours.callsPerServed()),
        String.format(Locale.ROOT, "%.3f", baseline.callsPerServed())});
    if (ours.oracle != null && baseline.oracle != null) {
      lines.add(row("avoidable failures (oracle)", ours.avoidableFailures(), baseline.avoidableFailures()));
      Map<Oracle.Cause, Long> a = ours.oracle.byCause();
      Map<Oracle.Cause, Long> b = baseline.oracle.byCause();
      for (Oracle.Cause c : Oracle.Cause.values()) {
        if (a.get(c) == 0 && b.get(c) == 0) continue;
        lines.add(row("- avoidable: " + c.text(), a.get(c), b.get(c)));
      }
    }
    lines.add(row("callers that waited (retry sleeps)", ours.callersWaited(), baseline.callersWaited()));
    lines.add(new String[] {"total virtual wait", human(ours.totalWait()), human(baseline.totalWait())});
    return Tables.markdown(lines, 1);
  }

  private static String percent(double p) {
    return String.format(Locale.ROOT, "%.2f %%", p);
  }

  private static String[] row(String what, long a, long b) {
    return new String[] {what, Long.toString(a), Long.toString(b)};
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 120) return s + " s";
    if (s < 7_200) return (s / 60) + " min";
    return String.format(Locale.ROOT, "%.1f h", s / 3600.0);
  }
}
