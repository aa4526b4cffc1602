package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateSignal;
import io.llmrouter.testkit.SimProvider;

/**
 * NVIDIA NIM: no rate headers at all, and its 429 is a bare problem-JSON without a hint, so the scope of a
 * minute exhaustion cannot be known from the wire (the router's own tracker knows NIM's 40 RPM instead).
 */
class NvidiaNimContractTest extends ProviderContractTest {
  @Override
  SimProvider provider() {
    return SimProvider.NVIDIA_NIM;
  }

  @Override
  String prefix() {
    return "nvidia_nim";
  }

  @Override
  void assertSuccessSignal(RateSignal s) {
    assertThat(s.isEmpty()).as("NIM sends no rate headers").isTrue();
  }

  @Override
  boolean minuteLimitHasRetryHint() {
    return false;
  }
}
