// snippet:assistant-test
package com.example.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatResponse;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import io.llmrouter.testkit.scenario.DayReplay;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class AssistantTest {

  @Test
  void answersFromTheFirstChoiceThenFallsBackWhenItsDailyQuotaIsSpent() {
    VirtualClock clock = VirtualClock.manual();                 // moves only when the test advances it
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(clock).seed(1)
        .model(SimModel.builder(SimProvider.GROQ, "llama-3.3-70b-versatile").rpm(30).rpd(3).build())
        .model(SimModel.builder(SimProvider.HOSTED_VLLM, "YOUR_QWEN_MODEL_NAME").build())
        .build().start()) {
      Env env = Env.of(sim.env());                              // simulator URLs and fake keys, never the real ones
      String yaml = DayReplay.guideConfigYaml()                 // the guide's config.yaml, as shipped in the testkit
          .replace("http://DGX_IP:8000/v1", sim.baseUrl(SimProvider.HOSTED_VLLM));
      LoadedConfig loaded = LiteLlmConfigReader.parse(yaml, env);

      try (Assistant assistant = new Assistant(LlmRouter.builder(loaded.config()).env(env).clock(clock).build())) {
        for (int i = 0; i < 3; i++) {
          ChatResponse r = assistant.ask("Summarise ticket " + i);
          assertThat(r.route().servedModelGroup()).isEqualTo("groq/llama-3.3-70b");
          clock.advance(Duration.ofSeconds(20));
        }
        ChatResponse fourth = assistant.ask("Summarise ticket 3");  // Groq's day is spent: a fallback answers
        assertThat(fourth.route().servedModelGroup()).isEqualTo("groq/llama-3.1-8b");
        assertThat(fourth.text()).isNotBlank();
      }
      assertThat(sim.stats(SimProvider.GROQ, "llama-3.3-70b-versatile").served()).isEqualTo(3);
    }
  }
}
// end:assistant-test
