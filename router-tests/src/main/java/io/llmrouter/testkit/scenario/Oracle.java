package io.llmrouter.testkit.scenario;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.Tool;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.RouterSettings;
import io.llmrouter.testkit.QuotaReplay;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Judges every failure of a replayed day against the simulator's ground truth: could any deployment of the
 * request's chain (its group and the fallbacks the config lets it reach, in any order) have served it at
 * some instant between its arrival and its deadline (arrival plus the config's {@code request_timeout})
 * without exceeding a limit? A failure it could have is <em>avoidable</em>; each avoidable one gets a
 * {@link Cause} derived from what the policy did ({@link TraceEvent}s).
 *
 * <p>Ground truth, exactly as the simulator counts: every rpm/rpd/tpm/tpd window of the deployment's
 * simulated model replayed with the provider's algorithm over what the simulator really admitted
 * ({@link QuotaReplay}), the local outage, the model's context window against the request's prompt plus
 * {@code max_tokens}, and the request's own charge (prompt plus the completion the simulator would answer).
 * Each failure is judged alone: serving it is checked against what others really used, not against what
 * it would have taken from later requests.
 *
 * <p>The chain follows the router's rules: the requested group, then {@code fallbacks} (or
 * {@code default_fallbacks}) breadth first, at most {@code max_fallbacks} groups entered; where the request
 * is too large for every deployment of a group, that group's {@code context_window_fallbacks} instead
 * (none when the map is configured without an entry for it, LiteLLM's rule).
 *
 * <p>Thread-safety: stateless.
 */
public final class Oracle {

  /** Why an avoidable failure happened, from what the policy did. */
  public enum Cause {
    /** The policy skipped a deployment for its cooldown at an instant the provider would have served it. */
    COOLDOWN_OUTLIVED_QUOTA("cooldown outlived the quota"),
    /** The policy skipped a deployment for its own limit estimate (rpm, tpm, header quota) when the provider had room. */
    TOO_CAUTIOUS_ADMISSION("too-cautious admission estimate"),
    /** A deployment answered 429 at an instant the ground truth says it had room (the oracle and provider disagree). */
    REFUSED_WITH_ROOM("refused by the provider with room left"),
    /** A fallback group could serve while the policy was still routing the request, and it was not used then. */
    FALLBACK_COULD_SERVE_NOW("a fallback could serve now"),
    /** The requested group could serve while the policy was still routing the request (elsewhere or waiting wrongly). */
    FIRST_GROUP_COULD_SERVE_NOW("the first group could serve now"),
    /** The requested group freed after the policy gave up, within the deadline. */
    FIRST_GROUP_FREED_WITHIN_DEADLINE("the first group freed within the deadline"),
    /** Only a fallback freed, after the policy gave up, within the deadline. */
    FALLBACK_FREED_WITHIN_DEADLINE("a fallback freed within the deadline");

    private final String text;

    Cause(String text) {
      this.text = text;
    }

    /** The cause in words, for reports. */
    public String text() {
      return text;
    }
  }

  /**
   * The judgement of one failed request.
   *
   * @param outcome the failure
   * @param avoidable whether some deployment of its chain could have served it within its deadline
   * @param cause why, for an avoidable failure; null otherwise
   * @param group the group of the deployment that could serve (the earliest), or null
   * @param deploymentId that deployment, or null
   * @param servableAt the earliest instant it could serve, or null
   * @param chain the groups of the request's chain, in the order judged
   * @param trace what the policy did for the request
   */
  public record Verdict(DayResult.RequestOutcome outcome, boolean avoidable, Cause cause, String group, String deploymentId,
      Instant servableAt, List<String> chain, List<TraceEvent> trace) {
    public Verdict {
      chain = List.copyOf(chain);
      trace = List.copyOf(trace);
    }

    /** A few lines for a report: the request, the verdict and what the policy did. */
    public String explain() {
      AgentRequest r = outcome.request();
      StringBuilder sb = new StringBuilder();
      sb.append("request ").append(r.index()).append(" (").append(r.model()).append(", prompt ").append(r.promptTokens())
          .append(" tokens") .append(r.stream() ? ", stream" : "").append(r.tools() ? ", tools" : "").append(") failed at ")
          .append(outcome.finishedAt()).append(": ").append(outcome.error()).append('\n');
      if (avoidable) {
        sb.append("  avoidable (").append(cause.text()).append("): ").append(deploymentId).append(" (").append(group)
            .append(") could serve at ").append(servableAt).append('\n');
      } else {
        sb.append("  unavoidable: nothing in ").append(chain).append(" could serve it before its deadline\n");
      }
      for (TraceEvent e : trace) sb.append("    ").append(e).append('\n');
      return sb.toString();
    }
  }

  /**
   * Every failure of one day, judged.
   *
   * @param verdicts one per failed request, in request order
   */
  public record Report(List<Verdict> verdicts) {
    public Report {
      verdicts = List.copyOf(verdicts);
    }

    /** Failures some deployment of the chain could have served. */
    public long avoidable() {
      return verdicts.stream().filter(Verdict::avoidable).count();
    }

    /** Avoidable failures by cause, every cause present (0 when none), in the enum's order. */
    public Map<Cause, Long> byCause() {
      Map<Cause, Long> m = new EnumMap<>(Cause.class);
      for (Cause c : Cause.values()) m.put(c, 0L);
      for (Verdict v : verdicts) if (v.avoidable()) m.merge(v.cause(), 1L, Long::sum);
      return m;
    }

    /**
     * The avoidable failures by cause, largest first, with the groups that could have served them and up to
     * {@code examples} example traces per cause (one per group first).
     */
    public String describe(int examples) {
      StringBuilder sb = new StringBuilder();
      sb.append(avoidable()).append(" of ").append(verdicts.size()).append(" failures avoidable\n");
      byCause().entrySet().stream().filter(e -> e.getValue() > 0).sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .forEach(e -> {
            Map<String, Long> byGroup = new java.util.TreeMap<>();
            for (Verdict v : verdicts) if (v.avoidable() && v.cause() == e.getKey()) byGroup.merge(v.group(), 1L, Long::sum);
            sb.append("- ").append(e.getKey().text()).append(": ").append(e.getValue()).append(" (by the group that could serve: ")
                .append(byGroup).append(")\n");
            // One example per group that could serve first, then more of the first groups.
            List<Verdict> of = verdicts.stream().filter(v -> v.avoidable() && v.cause() == e.getKey()).toList();
            List<Verdict> picked = new ArrayList<>();
            Set<String> seen = new java.util.HashSet<>();
            for (Verdict v : of) if (picked.size() < examples && seen.add(v.group())) picked.add(v);
            for (Verdict v : of) if (picked.size() < examples && !picked.contains(v)) picked.add(v);
            for (Verdict v : picked) sb.append(v.explain().indent(4));
          });
      return sb.toString();
    }

    /** The first {@code n} avoidable verdicts of {@code cause}. */
    public List<Verdict> examples(Cause cause, int n) {
      return verdicts.stream().filter(v -> v.avoidable() && v.cause() == cause).limit(n).toList();
    }
  }

  private Oracle() {}

  /** The per-model free daily cap the day replay's simulator runs with (its default). */
  static final int OPENROUTER_FREE_DAILY_CAP = 200;

  /** Judges every failure of {@code day}. */
  public static Report judge(DayResult day) {
    return judge(day, OPENROUTER_FREE_DAILY_CAP);
  }

  /**
   * Judges every failure of {@code day} for a simulator run with {@code openRouterFreeDailyCap} per model.
   *
   * @throws IllegalArgumentException if a deployment of a chain has no simulated model
   */
  public static Report judge(DayResult day, int openRouterFreeDailyCap) {
    RouterConfig config = day.config();
    Duration timeout = config.litellm().requestTimeout() == null ? Duration.ofSeconds(6000) : config.litellm().requestTimeout();
    Map<String, List<DeploymentConfig>> groups = new LinkedHashMap<>();
    for (DeploymentConfig d : config.deployments()) groups.computeIfAbsent(d.modelName(), k -> new ArrayList<>()).add(d);

    List<DayResult.RequestOutcome> failed = day.outcomes().stream().filter(o -> !o.ok()).toList();
    // Per failure: its chain, and per deployment of the chain the query; queries are answered per model in one pass.
    Map<String, List<Integer>> owners = new HashMap<>(); // deployment id -> failure index per query
    Map<String, List<QuotaReplay.Query>> queries = new HashMap<>();
    List<List<String>> chains = new ArrayList<>();
    List<Map<String, Long>> charges = new ArrayList<>();
    for (int i = 0; i < failed.size(); i++) {
      DayResult.RequestOutcome o = failed.get(i);
      Instant arrival = day.start().plus(o.request().at());
      Map<String, Long> charge = new HashMap<>();
      List<String> chain = chain(config.router(), groups, day.simModels(), o.request(), charge);
      chains.add(chain);
      charges.add(charge);
      for (String g : chain) {
        for (DeploymentConfig d : groups.get(g)) {
          if (!charge.containsKey(d.id())) continue; // never fits this deployment
          owners.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(i);
          queries.computeIfAbsent(d.id(), k -> new ArrayList<>()).add(new QuotaReplay.Query(arrival, arrival.plus(timeout), charge.get(d.id())));
        }
      }
    }
    List<Map<String, Instant>> servable = new ArrayList<>();
    for (int i = 0; i < failed.size(); i++) servable.add(new HashMap<>());
    Map<String, QuotaReplay> replays = new HashMap<>();
    for (Map.Entry<String, List<QuotaReplay.Query>> e : queries.entrySet()) {
      QuotaReplay replay = replay(day, e.getKey(), openRouterFreeDailyCap, replays);
      List<Instant> at = replay.earliest(e.getValue(), down(day, replay.model()));
      List<Integer> own = owners.get(e.getKey());
      for (int q = 0; q < at.size(); q++) if (at.get(q) != null) servable.get(own.get(q)).put(e.getKey(), at.get(q));
    }

    List<Verdict> verdicts = new ArrayList<>(failed.size());
    for (int i = 0; i < failed.size(); i++) {
      DayResult.RequestOutcome o = failed.get(i);
      List<TraceEvent> trace = day.traces().isEmpty() ? List.of() : day.traces().get(o.request().index());
      String bestDep = null;
      String bestGroup = null;
      Instant best = null;
      for (String g : chains.get(i)) {
        for (DeploymentConfig d : groups.get(g)) {
          Instant s = servable.get(i).get(d.id());
          if (s != null && (best == null || s.isBefore(best))) {
            best = s;
            bestDep = d.id();
            bestGroup = g;
          }
        }
      }
      if (best == null) {
        verdicts.add(new Verdict(o, false, null, null, null, null, chains.get(i), trace));
        continue;
      }
      Cause cause = null;
      String causeDep = bestDep;
      String causeGroup = bestGroup;
      Instant causeAt = best;
      // What the policy did against the ground truth, in the order it did it.
      for (TraceEvent e : trace) {
        if (e.deploymentId() == null || !charges.get(i).containsKey(e.deploymentId())) continue;
        boolean skip = e.type() == TraceEvent.Type.SKIP;
        boolean refused = e.type() == TraceEvent.Type.ATTEMPT && e.detail().startsWith("429");
        if (!skip && !refused) continue;
        if (!couldServeAt(day, e.deploymentId(), e.at(), charges.get(i).get(e.deploymentId()), openRouterFreeDailyCap, replays)) continue;
        cause = refused ? Cause.REFUSED_WITH_ROOM : "COOLING".equals(e.detail()) ? Cause.COOLDOWN_OUTLIVED_QUOTA : Cause.TOO_CAUTIOUS_ADMISSION;
        causeDep = e.deploymentId();
        causeGroup = e.group();
        causeAt = e.at();
        break;
      }
      if (cause == null) {
        boolean first = bestGroup.equals(o.request().model());
        boolean whileRouting = !best.isAfter(o.finishedAt());
        cause = whileRouting ? (first ? Cause.FIRST_GROUP_COULD_SERVE_NOW : Cause.FALLBACK_COULD_SERVE_NOW)
            : (first ? Cause.FIRST_GROUP_FREED_WITHIN_DEADLINE : Cause.FALLBACK_FREED_WITHIN_DEADLINE);
      }
      verdicts.add(new Verdict(o, true, cause, causeGroup, causeDep, causeAt, chains.get(i), trace));
    }
    return new Report(verdicts);
  }

  private static boolean couldServeAt(DayResult day, String deploymentId, Instant t, long charge, int cap, Map<String, QuotaReplay> replays) {
    QuotaReplay r = replay(day, deploymentId, cap, replays);
    return r.earliest(List.of(new QuotaReplay.Query(t, t, charge)), down(day, r.model())).get(0) != null;
  }

  private static QuotaReplay replay(DayResult day, String deploymentId, int cap, Map<String, QuotaReplay> replays) {
    return replays.computeIfAbsent(deploymentId, id -> {
      SimModel m = day.simModels().get(id);
      if (m == null) throw new IllegalArgumentException("deployment " + id + " has no simulated model");
      return QuotaReplay.of(m, day.start(), cap, day.events());
    });
  }

  private static List<QuotaReplay.Down> down(DayResult day, SimModel m) {
    if (m.provider() == SimProvider.HOSTED_VLLM && day.outageFrom() != null) {
      return List.of(new QuotaReplay.Down(day.outageFrom(), day.outageTo()));
    }
    return List.of();
  }

  /**
   * The groups {@code r} may reach, in breadth-first order, filling {@code charge} with what it would charge
   * each deployment that can ever take it (context window and token windows).
   */
  static List<String> chain(RouterSettings s, Map<String, List<DeploymentConfig>> groups, Map<String, SimModel> models,
      AgentRequest r, Map<String, Long> charge) {
    Set<String> out = new LinkedHashSet<>();
    ArrayDeque<String> queue = new ArrayDeque<>();
    String requested = r.model();
    if (!groups.containsKey(requested)) return List.of();
    out.add(requested);
    queue.add(requested);
    int entered = 0;
    while (!queue.isEmpty()) {
      String g = queue.poll();
      boolean fits = false;
      for (DeploymentConfig d : groups.get(g)) {
        SimModel m = models.get(d.id());
        if (m == null || !m.chatCallable()) continue;
        long prompt = QuotaReplay.promptTokens(body(r, m));
        if (prompt + r.maxTokens() > m.contextWindow()) continue;
        long c = QuotaReplay.tokensCharged(m, body(r, m));
        if (c > QuotaReplay.of(m, Instant.EPOCH, 1, List.of()).largestCharge()) continue;
        charge.put(d.id(), c);
        fits = true;
      }
      List<String> next;
      if (!fits && !s.contextWindowFallbacks().isEmpty()) next = s.contextWindowFallbacks().getOrDefault(g, List.of());
      else next = s.fallbacks().getOrDefault(g, s.defaultFallbacks());
      for (String n : next) {
        if (entered >= s.maxFallbacks()) break;
        if (!groups.containsKey(n) || !out.add(n)) continue;
        entered++;
        queue.add(n);
      }
    }
    return List.copyOf(out);
  }

  /** The body a provider receives for {@code r} (what the simulator counts): messages, max_tokens, tools. */
  static ObjectNode body(AgentRequest r, SimModel m) {
    ChatRequest req = r.toChatRequest();
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode body = f.objectNode().put("model", m.id()).put("max_tokens", r.maxTokens());
    ArrayNode msgs = body.putArray("messages");
    for (ChatMessage cm : req.messages()) msgs.addObject().put("role", cm.role()).put("content", Objects.toString(cm.text(), ""));
    if (req.tools() != null && !req.tools().isEmpty()) {
      ArrayNode tools = body.putArray("tools");
      for (Tool t : req.tools()) {
        ObjectNode fn = tools.addObject().put("type", "function").putObject("function").put("name", t.function().name());
        if (t.function().parameters() != null) fn.set("parameters", t.function().parameters());
      }
    }
    return body;
  }

  /** The avoidable failures by cause as {@code cause: n} pairs, the causes with none left out; "none" when there are none. */
  public static String causes(Report report) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<Cause, Long> e : report.byCause().entrySet()) {
      if (e.getValue() == 0) continue;
      if (sb.length() > 0) sb.append(", ");
      sb.append(e.getKey().text()).append(": ").append(e.getValue());
    }
    return sb.length() == 0 ? "none" : sb.toString().toLowerCase(Locale.ROOT);
  }

}
