package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateSignal;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;

/** Gemini's OpenAI-compatible endpoint: no rate headers; 429s carry {@code QuotaFailure} ids and {@code RetryInfo}. */
class GeminiContractTest extends ProviderContractTest {
  @Override
  SimProvider provider() {
    return SimProvider.GEMINI;
  }

  @Override
  String prefix() {
    return "gemini";
  }

  @Override
  String modelId() {
    return "gemini-contract-flash";
  }

  @Override
  SimModel.Builder model() {
    return super.model().rpd(1_500).tpm(1_000_000);
  }

  @Override
  void assertSuccessSignal(RateSignal s) {
    assertThat(s.isEmpty()).isTrue();
  }
}
