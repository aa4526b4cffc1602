package io.llmrouter.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateSignal;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.RouterSettings;
import io.llmrouter.testkit.Limit;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.scenario.DayReplay;
import io.llmrouter.testkit.scenario.DayResult;
import io.llmrouter.testkit.scenario.DayResult.RequestOutcome;
import io.llmrouter.testkit.scenario.RecordingProviderClient.Call;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A day of agent load through the guide's config against the simulator, for our router and for the
 * LiteLLM baseline, on the same seeded day: 20,000 requests (override with {@code -Dscenario.requests=N}),
 * 06:00 to 06:00 UTC, the local vLLM refusing connections from 13:00 to 15:00.
 *
 * <p>Run: {@code mvn -o -pl router-tests -am test -Dsurefire.failIfNoSpecifiedTests=false -Dtest=DayReplayScenarioTest}
 */
class DayReplayScenarioTest {
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private static DayResult ours;
  private static DayResult litellm;

  @BeforeAll
  static void replay() throws InterruptedException {
    DayReplay replay = DayReplay.builder().seed(7).requests(Integer.getInteger("scenario.requests", 20_000)).build();
    ours = replay.run(DayReplay.Policy.LLM_ROUTER);
    litellm = replay.run(DayReplay.Policy.LITELLM_BASELINE);
    System.out.println("llm-router: " + ours.wallTime().toMillis() + " ms wall; LiteLLM baseline: "
        + litellm.wallTime().toMillis() + " ms wall");
    System.out.println(ours.modelTable());
    System.out.println("llm-router, oracle: " + ours.oracle().describe(3));
    System.out.println("LiteLLM baseline, oracle: " + litellm.oracle().describe(2));
  }

  @Test
  void theSeededDayGivesExactlyTheExpectedCounts() {
    org.junit.jupiter.api.Assumptions.assumeTrue(ours.outcomes().size() == 20_000, "exact counts are for the 20,000-request day");
    System.out.println("llm-router: " + ExpectedDays.counts(ours));
    System.out.println("LiteLLM baseline: " + ExpectedDays.counts(litellm));
    assertThat(ExpectedDays.counts(ours)).as("llm-router (ExpectedDays.FULL_DAY_LLM_ROUTER)").isEqualTo(ExpectedDays.FULL_DAY_LLM_ROUTER);
    assertThat(ExpectedDays.counts(litellm)).as("LiteLLM baseline (ExpectedDays.FULL_DAY_LITELLM_BASELINE)")
        .isEqualTo(ExpectedDays.FULL_DAY_LITELLM_BASELINE);
  }

  /**
   * "A probe spent a daily slot" cannot hide in the oracle's residue: every request the simulator admitted
   * (and so charged to a window) is a caller's answered attempt. The guide's health checks list models
   * (no quota) and a half-open probe is a caller's own request.
   */
  @Test
  void everySlotTheProvidersChargedWasACallersAnsweredAttempt() {
    for (DayResult r : List.of(ours, litellm)) {
      long answered = r.traces().stream().flatMap(List::stream)
          .filter(e -> e.type() == io.llmrouter.testkit.scenario.TraceEvent.Type.ATTEMPT && e.detail().startsWith("200")).count();
      assertThat(r.events().stream().filter(SimEvent::admitted).count()).as(r.policy()).isEqualTo(answered).isEqualTo(r.served());
    }
  }

  @Test
  void everyRequestGotAnAnswerOrATypedFailure() {
    assertThat(ours.outcomes()).hasSize(ours.day().requests().size()).doesNotContainNull();
    // A failure is a typed router error, never a stray exception: demand exceeds the free tiers at peak.
    assertThat(ours.outcomes()).filteredOn(o -> !o.ok()).allSatisfy(o -> assertThat(o.error())
        .matches("(NoDeploymentAvailableException|ContextWindowExceededException|RequestTimeoutException): .*"));
    assertThat(ours.events().size()).as("the simulator saw the day").isGreaterThanOrEqualTo((int) ours.served());
  }

  /**
   * Capacity, precisely: deployment d can take request r at instant T when its provider is up, the prompt
   * plus max_tokens fit the simulated model's context window and every token limit, the policy's own calls
   * to d in (T-60 s, T] are fewer than d's declared rpm, the tokens served in that minute leave room under
   * d's declared tpm, the simulator's admitted requests and tokens in the
   * trailing minute and day leave room under each of the model's limits (a trailing window bounds every
   * algorithm the simulator uses: buckets, rolling and calendar windows), and no response has said
   * "remaining 0" with a reset after T, nor answered 429 with a retry time after T. Requests of the failure's own instant count
   * (the router does not queue callers: simultaneous callers may take the last slot of a window).
   */
  @Test
  void noCallerFailsWhileADeploymentOfItsChainHasCapacity() {
    List<String> offenders = new ArrayList<>();
    for (RequestOutcome o : ours.outcomes()) {
      if (o.ok()) continue;
      for (String group : chain(o.request().model(), o.error().startsWith("ContextWindowExceededException"))) {
        for (DeploymentConfig d : ours.config().deployments()) {
          if (d.modelName().equals(group) && hasCapacity(ours, d, o)) {
            Instant t = o.finishedAt();
            long calls = ours.calls().stream().filter(c -> c.deploymentId().equals(d.id()) && within(c.at(), t, MINUTE)).count();
            long tok = events(ours, d).stream().filter(e -> e.admitted() && within(e.time(), t, MINUTE)).mapToLong(SimEvent::totalTokens).sum();
            offenders.add(o.request() + " failed at " + t + " waited " + o.waitedMillis() + " (" + o.error() + ") while " + d.id() + " had capacity: calls/min " + calls + " tokens/min " + tok);
          }
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void noDeploymentReceivesMoreThanItsDeclaredRpmOrTpm() {
    for (DeploymentConfig d : ours.config().deployments()) {
      List<Instant> times = ours.calls().stream().filter(c -> c.deploymentId().equals(d.id())).map(Call::at).sorted().toList();
      if (d.rpm() != null) {
        assertThat(maxIn(times, MINUTE)).as("calls to %s in any 60 s", d.modelName()).isLessThanOrEqualTo(d.rpm());
      }
      if (d.tpm() != null) {
        List<SimEvent> admitted = events(ours, d).stream().filter(SimEvent::admitted).toList();
        assertThat(maxTokensIn(admitted, MINUTE)).as("tokens to %s in any 60 s", d.modelName()).isLessThanOrEqualTo(d.tpm());
      }
    }
  }

  @Test
  void noCallReachesADeploymentAfterItsHeadersSaidRemainingZeroUntilTheReset() {
    List<String> offenders = new ArrayList<>();
    long exhaustedSignals = 0;
    for (DeploymentConfig d : ours.config().deployments()) {
      List<Call> calls = ours.calls().stream().filter(c -> c.deploymentId().equals(d.id())).toList();
      for (Call c : calls) {
        Instant reset = exhaustedUntil(c.signal());
        if (reset == null) continue;
        exhaustedSignals++;
        for (Call later : calls) {
          if (later.at().isAfter(c.at()) && later.at().isBefore(reset)) {
            offenders.add(d.modelName() + " called at " + later.at() + " after remaining 0 at " + c.at() + " until " + reset);
          }
        }
      }
    }
    assertThat(exhaustedSignals).as("the day exhausts some provider windows").isPositive();
    assertThat(offenders).isEmpty();
  }

  @Test
  void dayCappedModelsAreSkippedUntilTheirQuotaReturnsAndUsedAgainAfterwards() {
    // OpenRouter's free cap: 200 a day per model, back at 00:00 UTC, said only by the 429 itself.
    DeploymentConfig hermes = dep("openrouter/hermes-3-405b");
    List<SimEvent> ev = events(ours, hermes);
    Instant midnight = LocalDate.ofInstant(ours.start(), ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    List<SimEvent> capHits = ev.stream().filter(e -> e.limit() == Limit.RPD).toList();
    assertThat(capHits).as("the cap is reached once on the first UTC day").hasSize(1);
    Instant hit = capHits.get(0).time();
    assertThat(hit).isBefore(midnight);
    assertThat(ev).filteredOn(e -> e.time().isAfter(hit) && e.time().isBefore(midnight)).as("skipped until midnight").isEmpty();
    assertThat(ev).filteredOn(e -> !e.time().isBefore(midnight) && e.outcome() == Outcome.SERVED).as("used again after").isNotEmpty();
    assertThat(ev).filteredOn(e -> e.outcome() == Outcome.SERVED && e.time().isBefore(midnight)).hasSize(200);

    // Groq's tokens per day (100K for the 70B) appear in no header: only the 429 says it, with what was left
    // ("Used 99850, Requested 400, try again in 12m"). Before its retry-after only requests that fit what was
    // left (refilled since) are sent: none of them is refused.
    DeploymentConfig groq70 = dep("groq/llama-3.3-70b");
    List<Call> groqCalls = ours.calls().stream().filter(c -> c.deploymentId().equals(groq70.id())).toList();
    List<SimEvent> groqEv = events(ours, groq70);
    Instant firstTpd = groqEv.stream().filter(e -> e.limit() == Limit.TPD).map(SimEvent::time).findFirst()
        .orElseThrow(() -> new AssertionError("groq/llama-3.3-70b never reached its daily token cap"));
    for (Call c : groqCalls) {
      Instant back = c.status() == 429 && c.signal() != null ? c.signal().retryAt() : null;
      if (back == null) continue;
      assertThat(groqCalls).filteredOn(l -> l.at().isAfter(c.at()) && l.at().isBefore(back) && l.status() == 429)
          .as("refused again before its retry-after").isEmpty();
    }
    assertThat(groqEv).filteredOn(e -> e.time().isAfter(firstTpd) && e.outcome() == Outcome.SERVED).as("used again").isNotEmpty();
  }

  @Test
  void aLocalOutageMovesTrafficToTheCloudChainAndBackWhenItRecovers() {
    Instant from = ours.outageFrom();
    Instant to = ours.outageTo();
    List<RequestOutcome> local = ours.outcomes().stream().filter(o -> o.request().model().equals("local/qwen")).toList();
    List<RequestOutcome> during = local.stream().filter(o -> at(o).compareTo(from) >= 0 && at(o).isBefore(to)).toList();
    assertThat(during).hasSizeGreaterThan(100);
    assertThat(during).filteredOn(RequestOutcome::ok).as("served by the cloud chain").hasSize(during.size());
    assertThat(during).filteredOn(o -> o.served().servedGroup().equals("local/qwen")).isEmpty();
    Set<String> cloud = during.stream().map(o -> o.served().servedGroup()).collect(Collectors.toSet());
    assertThat(cloud).contains("groq/llama-3.1-8b").hasSizeGreaterThan(1);
    List<RequestOutcome> after = local.stream().filter(o -> at(o).isAfter(to.plus(Duration.ofMinutes(2)))
        && at(o).isBefore(to.plus(Duration.ofHours(2)))).toList();
    assertThat(after).isNotEmpty();
    assertThat(after).filteredOn(o -> o.ok() && o.served().servedGroup().equals("local/qwen")).as("back on the local model")
        .hasSize(after.size());
    // While down, the dead server is probed (about once a minute), not hammered by every request.
    long refused = ours.calls().stream().filter(c -> c.deploymentId().equals(dep("local/qwen").id()) && c.status() == 0).count();
    assertThat(refused).isLessThan(Duration.between(from, to).toMinutes() * 2).isLessThan(during.size() / 2);
  }

  @Test
  void contextWindowFallbacksStreamingAndToolCallsWorkAcrossTheChain() {
    Set<Integer> contextFallbacks = new LinkedHashSet<>();
    assertThat(ours.fallbacks()).anySatisfy(f -> {
      assertThat(f.kind()).isEqualTo("context_window_fallbacks");
      assertThat(f.from()).isEqualTo("groq/llama-3.1-8b");
    });
    List<RequestOutcome> bigToGroq8b = ours.outcomes().stream().filter(o -> o.request().model().equals("groq/llama-3.1-8b")
        && o.request().promptTokens() + o.request().maxTokens() > dep("groq/llama-3.1-8b").tpm()).toList();
    // Larger than groq/llama-3.1-8b's whole tpm: served by its context_window_fallbacks (the failures among
    // them are covered by the capacity test above).
    assertThat(bigToGroq8b).filteredOn(RequestOutcome::ok).hasSizeGreaterThan(bigToGroq8b.size() / 2).allSatisfy(o -> {
      assertThat(o.served().servedGroup()).isIn("groq/llama-3.3-70b", "nvidia/llama-3.3-70b");
      contextFallbacks.add(o.request().index());
    });
    List<RequestOutcome> fellBack = ours.outcomes().stream().filter(o -> o.ok() && !o.served().fallbacks().isEmpty()).toList();
    assertThat(fellBack).filteredOn(o -> o.request().stream())
        .as("streams served after a fallback").isNotEmpty()
        .allSatisfy(o -> assertThat(o.served().chunks()).isGreaterThan(1));
    assertThat(fellBack).filteredOn(o -> o.request().tools())
        .as("tool calls served after a fallback").isNotEmpty()
        .allSatisfy(o -> assertThat(o.served().toolCall()).isTrue());
    assertThat(fellBack).filteredOn(o -> o.request().tools() && o.request().stream()).isNotEmpty();
    assertThat(ours.outcomes()).filteredOn(o -> o.ok() && o.request().tools()).allSatisfy(o -> assertThat(o.served().toolCall()).isTrue());
    assertThat(ours.outcomes()).filteredOn(o -> o.ok() && !o.request().tools())
        .allSatisfy(o -> assertThat(o.served().text()).contains("task " + o.request().index()));
    assertThat(contextFallbacks).isNotEmpty();
  }

  @Test
  void comparedWithTheLiteLlmBaselineOnTheSameDayOursIsNotWorseOn429sOrFailures() {
    String table = DayResult.comparisonTable(ours, litellm);
    System.out.println(table);
    System.out.println(litellm.modelTable());
    assertThat(litellm.day()).isEqualTo(ours.day());
    assertThat(litellm.outcomes()).hasSameSizeAs(ours.outcomes()).doesNotContainNull();
    assertThat(ours.upstream429s()).isLessThanOrEqualTo(litellm.upstream429s());
    assertThat(ours.failed()).isLessThanOrEqualTo(litellm.failed());
    assertThat(litellm.upstream429s()).as("the baseline is really reactive").isGreaterThan(ours.upstream429s());
  }

  // ---------------------------------------------------------------------------------------------

  private static Instant at(RequestOutcome o) {
    return ours.start().plus(o.request().at());
  }

  private static DeploymentConfig dep(String group) {
    return ours.config().deployments().stream().filter(d -> d.modelName().equals(group)).findFirst().orElseThrow();
  }

  private static List<SimEvent> events(DayResult r, DeploymentConfig d) {
    SimModel m = r.simModels().get(d.id());
    return r.events().stream().filter(e -> e.provider() == m.provider() && e.model().equals(m.id())).toList();
  }

  /**
   * The requested group, then its fallbacks breadth-first up to max_fallbacks; for a context-window error
   * its context_window_fallbacks instead (LiteLLM's rule, which the guide relies on: a configured map
   * without an entry for the group means no fallback for that error).
   */
  private static Set<String> chain(String requested, boolean contextError) {
    RouterSettings s = ours.config().router();
    Set<String> out = new LinkedHashSet<>();
    out.add(requested);
    if (contextError) {
      out.addAll(s.contextWindowFallbacks().getOrDefault(requested, List.of()));
      return out;
    }
    ArrayDeque<String> queue = new ArrayDeque<>(s.fallbacks().getOrDefault(requested, s.defaultFallbacks()));
    int entered = 0;
    while (!queue.isEmpty() && entered < s.maxFallbacks()) {
      String g = queue.poll();
      if (!out.add(g)) continue;
      entered++;
      queue.addAll(s.fallbacks().getOrDefault(g, List.of()));
    }
    return out;
  }

  private static boolean hasCapacity(DayResult r, DeploymentConfig d, RequestOutcome o) {
    Instant t = o.finishedAt();
    SimModel m = r.simModels().get(d.id());
    if (m.provider() == SimProvider.HOSTED_VLLM && r.outageFrom() != null && !t.isBefore(r.outageFrom()) && t.isBefore(r.outageTo())) {
      return false;
    }
    long need = o.request().promptTokens() + 16L + o.request().maxTokens();
    if (need > m.contextWindow()) return false;
    if (d.tpm() != null && need > d.tpm()) return false;
    if (m.tpm() > 0 && need > m.tpm()) return false;
    long calls = r.calls().stream().filter(c -> c.deploymentId().equals(d.id()) && within(c.at(), t, MINUTE)).count();
    if (d.rpm() != null && calls + 1 > d.rpm()) return false;
    List<SimEvent> admitted = events(r, d).stream().filter(SimEvent::admitted).toList();
    if (d.tpm() != null) {
      // The router estimates a prompt as characters / 4 plus 4 tokens of framing per message, so it counts a
      // few tokens more per request than the simulator: 16 per request in the window covers that.
      List<SimEvent> lastMinute = admitted.stream().filter(e -> within(e.time(), t, MINUTE)).toList();
      long used = lastMinute.stream().mapToLong(SimEvent::totalTokens).sum() + 16L * lastMinute.size();
      // Hard admission reserves prompt + max_tokens and corrects to the real usage when the answer arrives.
      // Callers served at the failure's own instant may still have held their whole reservation when it was
      // refused (virtual time stands still while they run, in thread order): count their max_tokens too,
      // not only the completion the simulator logged.
      used += servedAt(r, t).stream()
          .filter(x -> x != o && x.served().servedGroup().equals(d.modelName()))
          .mapToLong(x -> x.request().maxTokens()).sum();
      if (used + need > d.tpm()) return false;
    }
    for (Limit l : Limit.values()) {
      int limit = switch (l) {
        case RPM -> m.rpm();
        case RPD -> m.provider() == SimProvider.OPENROUTER ? 200 : m.rpd();
        case TPM -> m.tpm();
        case TPD -> m.tpd();
      };
      if (limit <= 0) continue;
      List<SimEvent> in = admitted.stream().filter(e -> within(e.time(), t, l.window())).toList();
      long used = l.countsTokens() ? in.stream().mapToLong(SimEvent::totalTokens).sum() : in.size();
      if (used + (l.countsTokens() ? need : 1) > limit) return false;
    }
    for (Call c : r.calls()) {
      if (!c.deploymentId().equals(d.id()) || c.at().isAfter(t)) continue;
      Instant reset = exhaustedUntil(c.signal());
      if (reset != null && reset.isAfter(t)) return false;
      Instant retryAt = c.status() == 429 && c.signal() != null ? c.signal().retryAt() : null;
      if (retryAt != null && retryAt.isAfter(t)) return false;
    }
    return true;
  }

  private static final Map<DayResult, Map<Instant, List<RequestOutcome>>> SERVED_AT = new java.util.IdentityHashMap<>();

  /** The requests of {@code r} that were served at exactly {@code t}. */
  private static synchronized List<RequestOutcome> servedAt(DayResult r, Instant t) {
    return SERVED_AT.computeIfAbsent(r, k -> k.outcomes().stream().filter(RequestOutcome::ok)
        .collect(java.util.stream.Collectors.groupingBy(RequestOutcome::finishedAt))).getOrDefault(t, List.of());
  }

  private static boolean within(Instant x, Instant t, Duration window) {
    return !x.isAfter(t) && x.isAfter(t.minus(window));
  }

  private static Instant exhaustedUntil(RateSignal s) {
    if (s == null) return null;
    Instant out = null;
    for (RateSignal.Window w : new RateSignal.Window[] {s.requests(), s.tokens()}) {
      if (w != null && w.exhausted() && w.resetAt() != null && (out == null || w.resetAt().isAfter(out))) out = w.resetAt();
    }
    return out;
  }

  private static int maxIn(List<Instant> sorted, Duration window) {
    int best = 0;
    int lo = 0;
    for (int hi = 0; hi < sorted.size(); hi++) {
      while (!sorted.get(lo).isAfter(sorted.get(hi).minus(window))) lo++;
      best = Math.max(best, hi - lo + 1);
    }
    return best;
  }

  private static long maxTokensIn(List<SimEvent> events, Duration window) {
    long best = 0;
    long sum = 0;
    int lo = 0;
    for (int hi = 0; hi < events.size(); hi++) {
      sum += events.get(hi).totalTokens();
      while (!events.get(lo).time().isAfter(events.get(hi).time().minus(window))) sum -= events.get(lo++).totalTokens();
      best = Math.max(best, sum);
    }
    return best;
  }

}
