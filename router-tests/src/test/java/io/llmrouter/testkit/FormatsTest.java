package io.llmrouter.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FormatsTest {

  @Test
  void goDurationsMatchTheShapesSeenOnTheWire() {
    assertThat(Formats.goDuration(Duration.ofMillis(86_400))).isEqualTo("1m26.4s");
    assertThat(Formats.goDuration(Duration.ofMillis(179_560))).isEqualTo("2m59.56s");
    assertThat(Formats.goDuration(Duration.ofMillis(7_660))).isEqualTo("7.66s");
    assertThat(Formats.goDuration(Duration.ofSeconds(6))).isEqualTo("6s");
    assertThat(Formats.goDuration(Duration.ofMillis(185))).isEqualTo("185ms");
    assertThat(Formats.goDuration(Duration.ofMinutes(6))).isEqualTo("6m0s");
    assertThat(Formats.goDuration(Duration.ofHours(1))).isEqualTo("1h0m0s");
    assertThat(Formats.goDuration(Duration.ofSeconds(17_280))).isEqualTo("4h48m0s");
    assertThat(Formats.goDuration(Duration.ZERO)).isEqualTo("0s");
  }

  @Test
  void otherFormats() {
    assertThat(Formats.floatSeconds(Duration.ofMillis(33_011_382))).isEqualTo("33011.382");
    assertThat(Formats.floatSeconds(Duration.ofSeconds(6))).isEqualTo("6.0");
    assertThat(Formats.protobufDuration(Duration.ofMillis(58_500))).isEqualTo("58.5s");
    assertThat(Formats.retryAfterSeconds(Duration.ofMillis(1_001))).isEqualTo(2);
    assertThat(Formats.retryAfterSeconds(Duration.ofMillis(10))).isEqualTo(1);
    assertThat(SimTokens.count("abcde")).isEqualTo(2);
    assertThat(SimTokens.count("")).isZero();
  }
}
