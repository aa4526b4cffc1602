package io.llmrouter.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.RateSignal;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import java.util.Map;

/** OpenRouter: no rate headers on success; a free model's minute cap is {@code free-models-per-min}; listings carry pricing. */
class OpenRouterContractTest extends ProviderContractTest {
  @Override
  SimProvider provider() {
    return SimProvider.OPENROUTER;
  }

  @Override
  String prefix() {
    return "openrouter";
  }

  @Override
  String modelId() {
    return "contract/chat-model:free";
  }

  @Override
  void assertSuccessSignal(RateSignal s) {
    assertThat(s.isEmpty()).as("OpenRouter sends no rate headers on success").isTrue();
  }

  @Override
  void assertListing(Map<String, ModelListing> byId) {
    assertThat(byId.get(modelId()).free()).isTrue();
    assertThat(byId.get("openai/gpt-4o").free()).isFalse();
    assertThat(byId.get("meta-llama/llama-3.3-70b-instruct").free()).as("the paid twin of a :free model").isFalse();
    assertThat(byId.get("meta-llama/llama-3.3-70b-instruct:free").free()).isTrue();
    for (SimModel m : sim.models(provider())) {
      assertThat(byId.get(m.id()).free()).as("free flag of %s", m.id()).isEqualTo(m.free());
    }
  }
}
