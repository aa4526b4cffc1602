package io.llmrouter.providers.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Groq's token refusals carry what was left in the window that refused; the router reads it as that window. */
class TokenRefusalTest {
  static final Instant AT = Instant.parse("2025-06-02T15:17:18Z");

  @Test
  void aDailyTokenRefusalGivesTheWindowWithWhatWasLeft() {
    RateSignal.Window w = Dialect.refusedTokenWindow("Rate limit reached for model `llama-3.1-8b-instant` in organization `org_1` service tier"
        + " `on_demand` on tokens per day (TPD): Limit 500000, Used 499983, Requested 149. Please try again in 22.656s.", AT);
    assertThat(w).isEqualTo(new RateSignal.Window(500_000L, 17L, AT, RateScope.DAY));
  }

  @Test
  void aMinuteRefusalWithATildeIsTheMinuteWindow() {
    RateSignal.Window w = Dialect.refusedTokenWindow("on tokens per minute (TPM): Limit 6000, Used 5000, Requested ~4251. Please try again in 1.9s.", null);
    assertThat(w).isEqualTo(new RateSignal.Window(6_000L, 1_000L, null, RateScope.MINUTE));
  }

  @Test
  void numbersThatDoNotExplainTheRefusalOrCannotBeReadAreAbsent() {
    // "Used 0, Requested ~4251" of 5000: the request fitted this window, something else refused it
    assertThat(Dialect.refusedTokenWindow("(TPM): Limit 5000, Used 0, Requested ~4251.", AT)).isNull();
    assertThat(Dialect.refusedTokenWindow("(TPD): Limit 1, Used 1. Please try again in 27m44s.", AT)).isNull();
    assertThat(Dialect.refusedTokenWindow("(TPD): Limit 99999999999999999999, Used 1, Requested 2.", AT)).isNull();
    assertThat(Dialect.refusedTokenWindow("(RPD): Limit 1000, Used 1000, Requested 1.", AT)).isNull();
    assertThat(Dialect.refusedTokenWindow(null, AT)).isNull();
    assertThat(Dialect.refusedTokenWindow("x".repeat(10_000) + "(TPD): Limit 10, Used 9, Requested 5.", AT)).isNull();
  }

  @Test
  void theGroqDialectPutsItOnTheRateLimitError() {
    io.llmrouter.api.RateLimitedException e = (io.llmrouter.api.RateLimitedException) new GroqDialect().classify(new ErrorInput("d", 429,
        java.util.Map.of(), "{\"error\":{\"message\":\"Rate limit reached on tokens per day (TPD): Limit 100000, Used 97050, Requested 3619."
            + " Please try again in 9m38.016s.\",\"type\":\"tokens\",\"code\":\"rate_limit_exceeded\"}}", RateSignal.none(AT), AT, false));
    assertThat(e.scope()).isEqualTo(RateScope.DAY);
    assertThat(e.rateSignal().tokens()).isEqualTo(new RateSignal.Window(100_000L, 2_950L, AT.plusMillis(578_016), RateScope.DAY));
  }
}
