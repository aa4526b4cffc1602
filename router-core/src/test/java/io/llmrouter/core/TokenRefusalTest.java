package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which 429s are a token window's refusal of a request larger than what was left (CooldownPolicy.TokenRefusal). */
class TokenRefusalTest {

  @Test
  void groqsDailyAndMinuteTokenRefusalsAreRead() {
    CooldownPolicy.TokenRefusal day = CooldownPolicy.TokenRefusal.of("groq HTTP 429: Rate limit reached for model `llama-3.1-8b-instant`"
        + " on tokens per day (TPD): Limit 500000, Used 499983, Requested 149. Please try again in 22.656s.");
    assertThat(day).isEqualTo(new CooldownPolicy.TokenRefusal(500_000, 17, 149, 86_400_000L));
    assertThat(day.scale(149)).isEqualTo(1.0);
    assertThat(day.scale(50)).isEqualTo(149 / 50.0);
    assertThat(day.scale(0)).as("unknown estimate").isEqualTo(1.0);
    assertThat(day.scale(1_000_000)).as("clamped").isEqualTo(0.5);
    assertThat(CooldownPolicy.TokenRefusal.of("(TPM): Limit 6000, Used 5000, Requested ~4251."))
        .isEqualTo(new CooldownPolicy.TokenRefusal(6_000, 1_000, 4_251, 60_000L));
  }

  @Test
  void requestWindowsAndNumbersThatDoNotExplainTheRefusalAreNotOne() {
    // the window that refused counts requests: its numbers are requests, not tokens
    assertThat(CooldownPolicy.TokenRefusal.of("on requests per minute (RPM): Limit 2, Used 2, Requested 1.")).isNull();
    assertThat(CooldownPolicy.TokenRefusal.of("(TPM): Limit 5000, Used 0, Requested ~4251.")).isNull();
    assertThat(CooldownPolicy.TokenRefusal.of("(TPD): Limit 99999999999999999999, Used 1, Requested 2.")).isNull();
    assertThat(CooldownPolicy.TokenRefusal.of("(TPD): Limit 1, Used 1. Please try again in 27m44s.")).isNull();
    assertThat(CooldownPolicy.TokenRefusal.of("x".repeat(5_000) + "(TPD): Limit 10, Used 9, Requested 5.")).isNull();
    assertThat(CooldownPolicy.TokenRefusal.of(null)).isNull();
  }
}
