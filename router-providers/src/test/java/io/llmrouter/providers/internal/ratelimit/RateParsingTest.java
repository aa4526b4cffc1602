package io.llmrouter.providers.internal.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RateParsingTest {
  private static final Instant NOW = Instant.parse("2026-09-08T12:00:00Z");

  @ParameterizedTest(name = "{0} = {1} ms")
  @CsvSource(delimiter = '|', value = {
      "2m59.56s|179560", "7.66s|7660", "6s|6000", "1.57s|1570", "1s|1000", "6m0s|360000", "12ms|12", "9ms|9",
      "4.77s|4770", "6.780999999s|6780", "50.597142857s|50597", "59.977s|59977", "1.984999999s|1984", "11.455s|11455",
      "9m38.016s|578016", "6m54.72s|414720", "11m0.528s|660528", "27m44s|1664000", "1m26.4s|86400", "7m12s|432000",
      "28m48s|1728000", "43.2s|43200", "20s|20000", "6m 11.52s|371520", "370ms|370", "2h3m|7380000", "1h0m0s|3600000",
      "0s|0", "~ 5s|5000", "1.5ms|1", "58s|58000", "45.837906927s|45837", "373.801628ms|373"})
  void goAndProtobufDurations(String text, long millis) {
    assertThat(Durations.parseGo(text)).hasValueSatisfying(d -> assertThat(d.toMillis()).isEqualTo(millis));
  }

  @Test
  void subMillisecondUnitsKeepNanos() {
    assertThat(Durations.parseGo("1.5ms")).contains(Duration.ofNanos(1_500_000));
    assertThat(Durations.parseGo("250us")).contains(Duration.ofNanos(250_000));
    assertThat(Durations.parseGo("250µs")).contains(Duration.ofNanos(250_000));
    assertThat(Durations.parseGo("10ns")).contains(Duration.ofNanos(10));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"''", "abc", "5", "5x", "-1s", "m5", "1.2.3s", "s"})
  void garbageIsEmptyNotAnException(String text) {
    assertThat(Durations.parseGo(text)).isEmpty();
  }

  @Test
  void secondsOrDuration() {
    assertThat(Durations.parseSecondsOrDuration("2")).contains(Duration.ofSeconds(2));
    assertThat(Durations.parseSecondsOrDuration("11.382867097854614").orElseThrow().toMillis()).isEqualTo(11382);
    assertThat(Durations.parseSecondsOrDuration("16.007")).contains(Duration.ofMillis(16007));
    assertThat(Durations.parseSecondsOrDuration("58s")).contains(Duration.ofSeconds(58));
    assertThat(Durations.parseSecondsOrDuration("soon")).isEmpty();
  }

  @Test
  void waitsInsideMessages() {
    assertThat(Durations.findInMessage("... Requested 9855. Please try again in 1.984999999s. Need more tokens?"))
        .contains(Duration.ofNanos(1_984_999_999));
    assertThat(Durations.findInMessage("on tokens per day (TPD): Limit 100000. Please try again in 9m38.016s. Visit"))
        .contains(Duration.ofMillis(578_016));
    assertThat(Durations.findInMessage("You exceeded your current quota. Please retry in 58.934310785s."))
        .contains(Duration.ofNanos(58_934_310_785L));
    assertThat(Durations.findInMessage("Please try again in 7m12s.")).contains(Duration.ofSeconds(432));
    assertThat(Durations.findInMessage("try again in 6m 11.52s")).contains(Duration.ofMillis(371_520));
    assertThat(Durations.findInMessage("please reduce your message size and try again.")).isEmpty();
    assertThat(Durations.findInMessage("try again in 5 hours")).isEmpty();
    assertThat(Durations.findInMessage(null)).isEmpty();
  }

  @Test
  void resetsByMagnitude() {
    // OpenRouter: epoch milliseconds, 13 digits.
    assertThat(RateValues.reset("1743638400000", NOW)).contains(Instant.parse("2025-04-03T00:00:00Z"));
    assertThat(RateValues.reset("1789138080000", NOW)).contains(Instant.parse("2026-09-11T14:48:00Z"));
    // Epoch seconds.
    assertThat(RateValues.reset("1788825600", NOW)).contains(Instant.ofEpochSecond(1788825600));
    // Relative float seconds (Cerebras).
    assertThat(RateValues.reset("33011.382867097855", NOW).orElseThrow())
        .isEqualTo(NOW.plusSeconds(33011).plusNanos(382_867_098));
    // Go durations (Groq, OpenAI).
    assertThat(RateValues.reset("2m59.56s", NOW)).contains(NOW.plusMillis(179_560));
    assertThat(RateValues.reset("6m0s", NOW)).contains(NOW.plusSeconds(360));
    assertThat(RateValues.reset("tomorrow", NOW)).isEmpty();
    assertThat(RateValues.reset(null, NOW)).isEmpty();
  }

  @Test
  void retryAfterSecondsDateAndMillis() {
    assertThat(RateValues.retryAfter("2", NOW)).contains(Duration.ofSeconds(2));
    assertThat(RateValues.retryAfter("86399", NOW)).contains(Duration.ofSeconds(86399));
    assertThat(RateValues.retryAfter("1.5", NOW)).contains(Duration.ofMillis(1500));
    assertThat(RateValues.retryAfter("Tue, 08 Sep 2026 12:01:30 GMT", NOW)).contains(Duration.ofSeconds(90));
    assertThat(RateValues.retryAfter("Tue, 08 Sep 2026 11:00:00 GMT", NOW)).contains(Duration.ZERO);
    assertThat(RateValues.retryAfter("whenever", NOW)).isEmpty();
    assertThat(RateValues.retryAfterMillis("1500")).contains(Duration.ofMillis(1500));
    assertThat(RateValues.retryAfterMillis("12.5")).contains(Duration.ofNanos(12_500_000));
    assertThat(RateValues.headerRetryHint(Map.of("retry-after-ms", "250", "retry-after", "1"), NOW)).contains(Duration.ofMillis(250));
    assertThat(RateValues.headerRetryHint(Map.of("retry-after", "17"), NOW)).contains(Duration.ofSeconds(17));
  }

  @Test
  void counts() {
    assertThat(RateValues.count("14400")).contains(14400L);
    assertThat(RateValues.count(" 50 ")).contains(50L);
    assertThat(RateValues.count("~4251")).contains(4251L);
    assertThat(RateValues.count("1.0E9")).contains(1_000_000_000L);
    assertThat(RateValues.count("n/a")).isEmpty();
  }

  @Test
  void namedWindowsAndTheMostConstrainingOne() {
    Map<String, String> h = Map.of(
        "x-ratelimit-limit-requests-day", "14400", "x-ratelimit-remaining-requests-day", "0",
        "x-ratelimit-reset-requests-day", "33011.5",
        "x-ratelimit-limit-requests-minute", "30", "x-ratelimit-remaining-requests-minute", "29",
        "x-ratelimit-limit-req-minute", "720",
        "x-ratelimit-limit-tokens-minute", "60000", "x-ratelimit-remaining-tokens-minute", "59000");
    Map<String, List<RateSignal.Window>> named = RateHeaders.namedWindows(h, NOW);
    assertThat(named.get("requests")).hasSize(2);
    RateSignal.Window pick = RateHeaders.mostConstraining(named.get("requests"));
    assertThat(pick.scope()).isEqualTo(RateScope.DAY);
    assertThat(pick.exhausted()).isTrue();
    assertThat(pick.resetAt()).isEqualTo(NOW.plusMillis(33_011_500));
    assertThat(RateHeaders.mostConstraining(named.get("tokens")).remaining()).isEqualTo(59000L);
  }

  @Test
  void rateRelatedHeadersAreLowerCasedAndFiltered() {
    assertThat(RateHeaders.rateRelated(Map.of("X-RateLimit-Limit", "50", "Retry-After", "3", "Content-Type", "json",
        "x-tokenlimit-remaining", "9", "Authorization", "Bearer k")))
        .containsOnlyKeys("x-ratelimit-limit", "retry-after", "x-tokenlimit-remaining");
  }

  // Issue 16: giant exponents once made a single parse run for minutes (BigDecimal rescaling 1e99999999).
  // The timeout is a hang guard for the regression, not a speed measurement: a bounded parse takes microseconds.
  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void giantAndTinyExponentsAreClampedInBoundedTime() {
    assertThat(RateValues.retryAfter("1e99999999", NOW)).contains(Durations.MAX_WAIT);
    assertThat(RateValues.retryAfterMillis("1e99999999")).contains(Durations.MAX_WAIT);
    assertThat(RateValues.retryAfter("1e-99999999", NOW)).contains(Duration.ZERO);
    assertThat(RateValues.reset("1e-99999999", NOW)).contains(NOW);
    assertThat(RateValues.reset("1e99999999", NOW)).contains(NOW.plus(Durations.MAX_WAIT));
    assertThat(RateValues.reset("9e18", NOW)).contains(NOW.plus(Durations.MAX_WAIT));
    assertThat(RateValues.count("1e99999999")).isEmpty();
    assertThat(RateValues.count("1e-99999999")).contains(0L);
    assertThat(RateValues.count("0e99999999")).contains(0L);
    assertThat(Durations.parseSecondsOrDuration("1e99999999")).contains(Durations.MAX_WAIT);
    assertThat(RateValues.headerRetryHint(Map.of("retry-after-ms", "1e99999999"), NOW)).contains(Durations.MAX_WAIT);
    RateSignal.Window w = RateHeaders.window(Map.of("x-ratelimit-limit-requests", "30", "x-ratelimit-remaining-requests", "1e99999999",
        "x-ratelimit-reset-requests", "1e-99999999"), "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests", RateScope.MINUTE, NOW);
    assertThat(w.limit()).isEqualTo(30L);
    assertThat(w.remaining()).isNull();
    assertThat(w.resetAt()).isEqualTo(NOW);
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void overlongNegativeAndMalformedValuesAreAbsent() {
    String digits = "9".repeat(200_000);
    assertThat(RateValues.retryAfter(digits, NOW)).isEmpty();
    assertThat(RateValues.count(digits)).isEmpty();
    assertThat(RateValues.reset(digits + "s", NOW)).isEmpty();
    assertThat(Durations.parseGo("1".repeat(100_000) + "h")).isEmpty();
    assertThat(Durations.findInMessage("try again in " + "1".repeat(100_000) + "s")).isEmpty();
    for (String neg : new String[] {"-1", "-5.5", "-1e9", "- 3", "-0.001"}) {
      assertThat(RateValues.retryAfter(neg, NOW)).as(neg).isEmpty();
      assertThat(RateValues.retryAfterMillis(neg)).as(neg).isEmpty();
      assertThat(RateValues.count(neg)).as(neg).isEmpty();
      assertThat(RateValues.reset(neg, NOW)).as(neg).isEmpty();
    }
    assertThat(RateValues.retryAfter("1e", NOW)).isEmpty();
    assertThat(RateValues.retryAfter("NaN", NOW)).isEmpty();
    assertThat(RateValues.retryAfter("Infinity", NOW)).isEmpty();
    // Still exact for ordinary values with an exponent.
    assertThat(RateValues.retryAfter("1.5e1", NOW)).contains(Duration.ofSeconds(15));
    assertThat(RateValues.count("1.0E9")).contains(1_000_000_000L);
  }
}
