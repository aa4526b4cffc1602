package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;

/** Cerebras: headers name their windows ({@code -requests-day}, {@code -tokens-minute}), float-second resets. */
class CerebrasContractTest extends ProviderContractTest {
  @Override
  SimProvider provider() {
    return SimProvider.CEREBRAS;
  }

  @Override
  String prefix() {
    return "cerebras";
  }

  @Override
  SimModel.Builder model() {
    return super.model().rpd(14_400).tpm(60_000);
  }

  @Override
  void assertSuccessSignal(RateSignal s) {
    assertThat(s.requests().scope()).isEqualTo(RateScope.DAY);
    assertThat(s.requests().limit()).isEqualTo(14_400L);
    assertThat(s.requests().remaining()).isEqualTo(14_399L);
    assertThat(s.requests().resetAt()).isAfter(START);
    assertThat(s.tokens().scope()).isEqualTo(RateScope.MINUTE);
    assertThat(s.tokens().limit()).isEqualTo(60_000L);
    assertThat(s.tokens().remaining()).isLessThan(60_000L);
  }
}
