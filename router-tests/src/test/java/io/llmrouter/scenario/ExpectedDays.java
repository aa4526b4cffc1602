package io.llmrouter.scenario;

import io.llmrouter.testkit.scenario.DayResult;
import io.llmrouter.testkit.scenario.Oracle;

/**
 * The exact counts of the fixed-seed days the scenario suite replays, in one place. The replay is
 * deterministic ({@link DeterministicDayTest}), so these change only when routing (or the simulator)
 * changes: then copy the "actual" line of the failing assertion here, and say in the commit why the
 * numbers moved.
 */
final class ExpectedDays {
  private ExpectedDays() {}

  /** {@link DayReplayScenarioTest}: seed 7, 20,000 requests over 24 h, the local vLLM down 13:00-15:00. */
  static final String FULL_DAY_LLM_ROUTER = "served 19180 (first choice 15229), failed 820, avoidable 3 (the first group could serve now: 3), "
      + "upstream calls 19286, 429s 23, callers waited 636, total wait 31390976 ms";
  static final String FULL_DAY_LITELLM_BASELINE = "served 15229 (first choice 12695), failed 4771, avoidable 4592 (cooldown "
      + "outlived the quota: 4441, a fallback could serve now: 29, the first group freed within the deadline: 122), upstream calls "
      + "19699, 429s 396, callers waited 1323, total wait 14369436 ms";

  /** {@link DeterministicDayTest}: seed 11, 3,000 requests over 6 h, the local vLLM down from 2 h to 3 h. */
  static final String SHORT_DAY_LLM_ROUTER = "served 3000 (first choice 2295), failed 0, avoidable 0 (none), upstream calls 3038, 429s 1, "
      + "callers waited 41, total wait 1202433 ms";
  static final String SHORT_DAY_LITELLM_BASELINE = "served 2978 (first choice 2218), failed 22, avoidable 15 (cooldown outlived "
      + "the quota: 7, the first group freed within the deadline: 8), upstream calls 4433, 429s 52, callers waited 455, total wait "
      + "4912083 ms";

  /** The counts compared: outcomes, oracle verdicts by cause, upstream traffic, waits. */
  static String counts(DayResult r) {
    return "served " + r.served() + " (first choice " + r.servedFirstChoice() + "), failed " + r.failed() + ", avoidable "
        + r.avoidableFailures() + " (" + Oracle.causes(r.oracle()) + "), upstream calls " + r.upstreamCalls() + ", 429s "
        + r.upstream429s() + ", callers waited " + r.callersWaited() + ", total wait " + r.totalWait().toMillis() + " ms";
  }
}
