package io.llmrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ground-truth replay against answers worked out by hand, one per provider algorithm. */
class QuotaReplayTest {
  static final Instant T0 = Instant.parse("2025-06-02T12:00:30Z");

  static SimEvent served(long seq, Instant at, SimModel m, int tokens) {
    return new SimEvent(seq, at, m.provider(), m.id(), Outcome.SERVED, 200, null, null, tokens, 0, false, false, Duration.ZERO);
  }

  static SimEvent limited(long seq, Instant at, SimModel m) {
    return new SimEvent(seq, at, m.provider(), m.id(), Outcome.RATE_LIMITED, 429, Limit.RPM, null, 10, 0, false, false, Duration.ZERO);
  }

  static Instant earliest(QuotaReplay r, Instant from, Duration span, long tokens, QuotaReplay.Down... down) {
    return r.earliest(List.of(new QuotaReplay.Query(from, from.plus(span), tokens)), List.of(down)).get(0);
  }

  @Test
  void nimRollingMinuteFreesASlotOneMinuteAfterItWasTaken() {
    SimModel m = SimModel.builder(SimProvider.NVIDIA_NIM, "m").rpm(2).build();
    List<SimEvent> ev = List.of(served(1, T0, m, 10), limited(2, T0.plusSeconds(5), m), served(3, T0.plusSeconds(10), m, 10));
    QuotaReplay r = QuotaReplay.of(m, T0.minusSeconds(60), 200, ev);
    // Two admitted in the minute (the 429 took nothing): the first frees at T0 + 60 s.
    assertThat(earliest(r, T0.plusSeconds(20), Duration.ofMinutes(2), 10)).isEqualTo(T0.plusSeconds(60));
    assertThat(earliest(r, T0.plusSeconds(20), Duration.ofSeconds(39), 10)).as("not within a 39 s deadline").isNull();
    assertThat(earliest(r, T0.minusSeconds(1), Duration.ofSeconds(1), 10)).as("before anything was taken").isEqualTo(T0.minusSeconds(1));
    // An event at the query's own instant counts (another caller took the slot at that instant).
    assertThat(earliest(r, T0.plusSeconds(10), Duration.ofSeconds(5), 10)).isNull();
  }

  @Test
  void groqBucketsRefillContinuouslyAndATooLargeChargeNeverFits() {
    SimModel m = SimModel.builder(SimProvider.GROQ, "g").rpm(30).tpm(6_000).build();
    List<SimEvent> ev = new ArrayList<>();
    for (int i = 0; i < 30; i++) ev.add(served(i + 1, T0, m, 100));
    QuotaReplay r = QuotaReplay.of(m, T0.minusSeconds(3600), 200, ev);
    // 30 rpm refills one request every 2 s.
    assertThat(earliest(r, T0, Duration.ofMinutes(1), 100)).isEqualTo(T0.plusSeconds(2));
    // 3,000 tokens used of 6,000: 5,000 more need 2,000 refilled at 100 a second.
    assertThat(earliest(r, T0, Duration.ofMinutes(1), 5_000)).isEqualTo(T0.plusSeconds(20));
    assertThat(earliest(r, T0, Duration.ofDays(1), 6_001)).as("larger than the whole tpm").isNull();
    assertThat(r.largestCharge()).isEqualTo(6_000);
  }

  @Test
  void openRouterCountsCalendarMinutesAndTheFreeDailyCapAtUtcMidnight() {
    SimModel m = SimModel.builder(SimProvider.OPENROUTER, "o:free").rpm(20).build();
    List<SimEvent> ev = new ArrayList<>();
    for (int i = 0; i < 20; i++) ev.add(served(i + 1, T0, m, 10));
    QuotaReplay r = QuotaReplay.of(m, T0.minusSeconds(30), 200, ev);
    assertThat(earliest(r, T0.plusSeconds(10), Duration.ofMinutes(1), 10)).as("the next minute boundary")
        .isEqualTo(Instant.parse("2025-06-02T12:01:00Z"));
    // The same 20 against a free cap of 20 a day: back at 00:00 UTC only.
    QuotaReplay capped = QuotaReplay.of(m, T0.minusSeconds(30), 20, ev);
    assertThat(earliest(capped, T0.plusSeconds(10), Duration.ofHours(13), 10)).isEqualTo(Instant.parse("2025-06-03T00:00:00Z"));
    assertThat(earliest(capped, T0.plusSeconds(10), Duration.ofHours(11), 10)).isNull();
  }

  @Test
  void aDownSpanIsSkippedAndOtherModelsEventsDoNotCount() {
    SimModel m = SimModel.builder(SimProvider.HOSTED_VLLM, "local").build();
    SimModel other = SimModel.builder(SimProvider.HOSTED_VLLM, "other").rpm(1).build();
    QuotaReplay r = QuotaReplay.of(m, T0, 200, List.of(served(1, T0, other, 10)));
    QuotaReplay.Down down = new QuotaReplay.Down(T0, T0.plusSeconds(90));
    assertThat(earliest(r, T0, Duration.ofMinutes(2), 10, down)).isEqualTo(T0.plusSeconds(90));
    assertThat(earliest(r, T0, Duration.ofMinutes(1), 10, down)).isNull();
    assertThat(earliest(r, T0, Duration.ofMinutes(1), 10)).isEqualTo(T0);
  }

  @Test
  void theChargeIsThePromptPlusTheCompletionTheSimulatorWouldAnswer() {
    SimModel m = SimModel.builder(SimProvider.GROQ, "g").build();
    ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", "g").put("max_tokens", 256);
    body.putArray("messages").addObject().put("role", "user").put("content", "x".repeat(400));
    // 400 characters: 100 prompt tokens; the echo "Simulated g reply: " + the first 160 characters: 180 characters, 45 tokens.
    assertThat(QuotaReplay.promptTokens(body)).isEqualTo(100);
    assertThat(QuotaReplay.tokensCharged(m, body)).isEqualTo(145);
  }
}
