package io.llmrouter.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The oracle on hand-built days whose answer is known: group {@code a} (one slot a minute, NIM's rolling
 * window) falls back to {@code b} (the same); requests have a 30 s deadline. For each cause, one avoidable
 * failure and one unavoidable one that differs from it only in what the ground truth allowed.
 */
class OracleTest {
  static final Instant START = Instant.parse("2025-06-02T06:00:00Z");
  static final Instant T0 = START.plus(Duration.ofHours(1));
  static final String YAML = """
      model_list:
        - model_name: a
          litellm_params: {model: nvidia_nim/m-a, api_key: os.environ/NVIDIA_NIM_API_KEY}
        - model_name: b
          litellm_params: {model: nvidia_nim/m-b, api_key: os.environ/NVIDIA_NIM_API_KEY}
      router_settings:
        fallbacks: [{"a": ["b"]}]
      litellm_settings:
        request_timeout: 30
      """;
  static final RouterConfig CONFIG = LiteLlmConfigReader.parse(YAML, Env.of(Map.of("NVIDIA_NIM_API_KEY", "nvapi-x"))).config();
  static final SimModel A = SimModel.builder(SimProvider.NVIDIA_NIM, "m-a").rpm(1).build();
  static final SimModel B = SimModel.builder(SimProvider.NVIDIA_NIM, "m-b").rpm(1).build();

  final List<SimEvent> events = new ArrayList<>();
  final List<TraceEvent> trace = new ArrayList<>();
  SimModel modelA = A;
  Instant outageFrom;
  Instant outageTo;
  int promptTokens = 20;

  static String id(String group) {
    return CONFIG.deployments().stream().filter(d -> d.modelName().equals(group)).map(DeploymentConfig::id).findFirst().orElseThrow();
  }

  /** Someone else was served by {@code m} at {@code at}: its slot is taken for the next minute. */
  void taken(SimModel m, Instant at) {
    events.add(new SimEvent(events.size() + 1, at, m.provider(), m.id(), Outcome.SERVED, 200, null, null, 10, 5, false, false, Duration.ZERO));
  }

  void did(Instant at, TraceEvent.Type type, String group, String detail) {
    trace.add(new TraceEvent(at, type, group, id(group), detail, null));
  }

  /** Judges one request for {@code a}, arrived at T0, failed at {@code failedAt}. */
  Oracle.Verdict judge(Instant failedAt) {
    AgentRequest r = new AgentRequest(0, Duration.between(START, T0), "a", promptTokens, 16, false, false);
    DayResult.RequestOutcome o = new DayResult.RequestOutcome(r, null, "NoDeploymentAvailableException: none", 0, failedAt, 0);
    DayResult day = new DayResult("test", new AgentDay(1, List.of(r), Duration.ofDays(1)), START, outageFrom, outageTo, CONFIG,
        Map.of(id("a"), modelA, id("b"), B), List.of(o), List.of(), events, List.of(), List.of(), List.of(List.copyOf(trace)), null,
        Duration.ZERO);
    Oracle.Report report = Oracle.judge(day);
    assertThat(report.verdicts()).hasSize(1);
    assertThat(report.avoidable()).isEqualTo(report.verdicts().get(0).avoidable() ? 1 : 0);
    return report.verdicts().get(0);
  }

  @Test
  void bothGroupsFullUntilAfterTheDeadlineIsUnavoidable() {
    taken(A, T0.minusSeconds(10)); // frees at T0 + 50 s, after the deadline T0 + 30 s
    taken(B, T0.minusSeconds(5));
    Oracle.Verdict v = judge(T0);
    assertThat(v.avoidable()).isFalse();
    assertThat(v.cause()).isNull();
    assertThat(v.chain()).containsExactly("a", "b");
    assertThat(v.explain()).contains("unavoidable", "[a, b]");
  }

  @Test
  void theFirstGroupFreedWithinTheDeadline() {
    taken(A, T0.minusSeconds(40)); // frees at T0 + 20 s
    taken(B, T0.minusSeconds(5));
    Oracle.Verdict v = judge(T0);
    assertThat(v.avoidable()).isTrue();
    assertThat(v.cause()).isEqualTo(Oracle.Cause.FIRST_GROUP_FREED_WITHIN_DEADLINE);
    assertThat(v.servableAt()).isEqualTo(T0.plusSeconds(20));
    assertThat(v.group()).isEqualTo("a");
    // Freed 20 s after the deadline instead: unavoidable.
    events.clear();
    taken(A, T0.minusSeconds(10));
    taken(B, T0.minusSeconds(5));
    assertThat(judge(T0).avoidable()).isFalse();
  }

  @Test
  void aFallbackFreedWithinTheDeadline() {
    taken(A, T0.minusSeconds(5));
    taken(B, T0.minusSeconds(45)); // frees at T0 + 15 s
    Oracle.Verdict v = judge(T0);
    assertThat(v.cause()).isEqualTo(Oracle.Cause.FALLBACK_FREED_WITHIN_DEADLINE);
    assertThat(v.deploymentId()).isEqualTo(id("b"));
    assertThat(v.servableAt()).isEqualTo(T0.plusSeconds(15));
  }

  @Test
  void aFallbackCouldServeNowAndTheFirstGroupCouldServeWhileRouting() {
    taken(A, T0.minusSeconds(5));
    Oracle.Verdict v = judge(T0); // b was never used and was free all along
    assertThat(v.cause()).isEqualTo(Oracle.Cause.FALLBACK_COULD_SERVE_NOW);
    assertThat(v.servableAt()).isEqualTo(T0);

    events.clear();
    taken(A, T0.minusSeconds(50)); // a frees at T0 + 10 s, while the router still routed (it gave up at T0 + 20 s)
    taken(B, T0.minusSeconds(5));
    did(T0, TraceEvent.Type.WAIT, "a", "20000");
    Oracle.Verdict w = judge(T0.plusSeconds(20));
    assertThat(w.cause()).isEqualTo(Oracle.Cause.FIRST_GROUP_COULD_SERVE_NOW);
    assertThat(w.servableAt()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  void aCooldownThatOutlivedTheQuota() {
    taken(B, T0.minusSeconds(5));
    did(T0, TraceEvent.Type.SKIP, "a", "COOLING"); // a was free at T0: the cooldown was longer than the quota's wait
    Oracle.Verdict v = judge(T0);
    assertThat(v.cause()).isEqualTo(Oracle.Cause.COOLDOWN_OUTLIVED_QUOTA);
    assertThat(v.deploymentId()).isEqualTo(id("a"));
    // The same skip while a really was full (and nothing freed in time): unavoidable, the cooldown was right.
    taken(A, T0.minusSeconds(1));
    assertThat(judge(T0).avoidable()).isFalse();
  }

  @Test
  void aTooCautiousAdmissionEstimate() {
    taken(B, T0.minusSeconds(5));
    did(T0, TraceEvent.Type.SKIP, "a", "OVER_RPM");
    assertThat(judge(T0).cause()).isEqualTo(Oracle.Cause.TOO_CAUTIOUS_ADMISSION);
    taken(A, T0.minusSeconds(1));
    assertThat(judge(T0).avoidable()).isFalse();
  }

  @Test
  void a429WhileTheGroundTruthHadRoomIsFlagged() {
    taken(B, T0.minusSeconds(5));
    did(T0, TraceEvent.Type.ATTEMPT, "a", "429 RateLimitedException");
    assertThat(judge(T0).cause()).isEqualTo(Oracle.Cause.REFUSED_WITH_ROOM);
    taken(A, T0.minusSeconds(1));
    assertThat(judge(T0).avoidable()).isFalse();
  }

  @Test
  void aPromptLargerThanTheContextWindowCannotBeServedThere() {
    modelA = SimModel.builder(SimProvider.NVIDIA_NIM, "m-a").rpm(1).contextWindow(100).build();
    taken(B, T0.minusSeconds(5));
    promptTokens = 90; // 90 + 16 max_tokens > 100: a has quota but not the room
    assertThat(judge(T0).avoidable()).isFalse();
    promptTokens = 60;
    assertThat(judge(T0).cause()).as("fits: a could serve at once").isEqualTo(Oracle.Cause.FIRST_GROUP_COULD_SERVE_NOW);
  }

  @Test
  void anOutageEndingWithinTheDeadlineIsAvoidableOneLastingPastItIsNot() {
    modelA = SimModel.builder(SimProvider.HOSTED_VLLM, "m-a").build();
    taken(B, T0.minusSeconds(5));
    outageFrom = T0.minusSeconds(600);
    outageTo = T0.plusSeconds(60);
    assertThat(judge(T0).avoidable()).isFalse();
    outageTo = T0.plusSeconds(25);
    Oracle.Verdict v = judge(T0);
    assertThat(v.cause()).isEqualTo(Oracle.Cause.FIRST_GROUP_FREED_WITHIN_DEADLINE);
    assertThat(v.servableAt()).isEqualTo(T0.plusSeconds(25));
  }
}
