package io.llmrouter.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.testkit.scenario.DayReplay;
import io.llmrouter.testkit.scenario.DayResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The same seed replays the same day: every count, every request's outcome (who served it, its wait, when
 * it ended, how many requests the simulator had seen then), every upstream call and every oracle verdict
 * are equal between two runs, for our router and for the LiteLLM baseline. A shorter day (3,000 requests
 * over 6 hours, so the windows are as busy as in the full day) keeps the suite quick.
 */
class DeterministicDayTest {

  @Test
  void twoRunsOfTheSameSeedGiveTheSameDay() throws InterruptedException {
    DayReplay replay = DayReplay.builder().seed(11).requests(3_000).length(Duration.ofHours(6))
        .outage(Duration.ofHours(2), Duration.ofHours(3)).build();
    for (DayReplay.Policy policy : DayReplay.Policy.values()) {
      DayResult a = replay.run(policy);
      DayResult b = replay.run(policy);
      assertThat(b.outcomeLog()).as(policy + ": per-request outcomes").isEqualTo(a.outcomeLog());
      assertThat(calls(b)).as(policy + ": upstream calls").isEqualTo(calls(a));
      assertThat(b.events().stream().map(e -> e.seq() + " " + e.time() + " " + e.model() + " " + e.outcome()).toList())
          .as(policy + ": what the simulator saw").isEqualTo(a.events().stream()
              .map(e -> e.seq() + " " + e.time() + " " + e.model() + " " + e.outcome()).toList());
      assertThat(b.rows()).as(policy + ": per-model rows").isEqualTo(a.rows());
      assertThat(firstDifference(traces(a), traces(b))).as(policy + ": traces").isEmpty();
      assertThat(ExpectedDays.counts(b)).as(policy.name()).isEqualTo(ExpectedDays.counts(a));
      assertThat(b.oracle().byCause()).isEqualTo(a.oracle().byCause());
      // Not vacuous: the day is busy enough to make callers wait for capacity and the providers answer 429, and
      // to fail some of the baseline's callers (ours may serve them all).
      assertThat(a.callersWaited()).as(policy + " callers that waited").isPositive();
      assertThat(a.upstream429s()).as(policy + " 429s").isPositive();
      if (policy == DayReplay.Policy.LITELLM_BASELINE) assertThat(a.failed()).as(policy + " failures").isPositive();
      System.out.println(policy + ": " + ExpectedDays.counts(a) + "; " + a.wallTime().toMillis() + " ms wall");
      assertThat(ExpectedDays.counts(a)).as(policy + ": the seeded day's counts (ExpectedDays)")
          .isEqualTo(policy == DayReplay.Policy.LLM_ROUTER ? ExpectedDays.SHORT_DAY_LLM_ROUTER : ExpectedDays.SHORT_DAY_LITELLM_BASELINE);
    }
  }

  // Deployment ids hash the simulator's port, which differs between runs: compare by model group.
  static List<String> calls(DayResult r) {
    return r.calls().stream().map(c -> c.at() + " " + r.deployment(c.deploymentId()).modelName() + " " + c.stream() + " " + c.status()
        + " " + c.error() + " " + (c.signal() == null ? "-" : c.signal().toString().replace(c.deploymentId(), "d"))).toList();
  }

  static String firstDifference(List<String> a, List<String> b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      if (!a.get(i).equals(b.get(i))) return "at " + i + ":\n" + a.get(i) + "\n" + b.get(i);
    }
    return a.size() == b.size() ? "" : "sizes " + a.size() + " and " + b.size();
  }

  static List<String> traces(DayResult r) {
    return r.traces().stream().map(t -> t.stream().map(e -> e.at() + " " + e.type() + " " + e.group() + " "
        + (e.deploymentId() == null ? "-" : r.config().deployments().stream().filter(d -> d.id().equals(e.deploymentId()))
            .map(d -> d.modelName()).findFirst().orElse(e.deploymentId())) + " "
        + (e.detail() == null ? null : e.detail().replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:port")) + " " + e.until()).toList().toString())
        .toList();
  }

}
