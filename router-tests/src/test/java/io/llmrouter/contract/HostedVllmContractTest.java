package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateSignal;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;

/** A local vLLM: no limits, no rate headers; {@code max_model_len} context errors with integer codes. */
class HostedVllmContractTest extends ProviderContractTest {
  @Override
  SimProvider provider() {
    return SimProvider.HOSTED_VLLM;
  }

  @Override
  String prefix() {
    return "hosted_vllm";
  }

  @Override
  void assertSuccessSignal(RateSignal s) {
    assertThat(s.isEmpty()).isTrue();
  }

  @Override
  SimModel.Builder model() {
    return super.model().rpm(0); // a vLLM server has no quota of its own
  }

  @Override
  boolean enforcesLimits() {
    return false;
  }
}
