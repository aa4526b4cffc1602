package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;

/** Groq: request headers count the day (RPD), token headers the minute (TPM); resets as Go durations. */
class GroqContractTest extends ProviderContractTest {
  @Override
  SimProvider provider() {
    return SimProvider.GROQ;
  }

  @Override
  String prefix() {
    return "groq";
  }

  @Override
  SimModel.Builder model() {
    return super.model().rpd(1_000).tpm(60_000);
  }

  @Override
  void assertSuccessSignal(RateSignal s) {
    assertThat(s.requests().scope()).isEqualTo(RateScope.DAY);
    assertThat(s.requests().limit()).isEqualTo(1_000L);
    assertThat(s.requests().remaining()).isEqualTo(999L);
    assertThat(s.requests().resetAt()).isAfter(START);
    assertThat(s.tokens().scope()).isEqualTo(RateScope.MINUTE);
    assertThat(s.tokens().limit()).isEqualTo(60_000L);
    assertThat(s.tokens().remaining()).isLessThan(60_000L);
    assertThat(s.retryAfter()).as("retry-after only on 429").isNull();
  }
}
