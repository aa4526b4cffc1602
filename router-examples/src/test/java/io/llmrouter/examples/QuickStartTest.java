package io.llmrouter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatResponse;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import org.junit.jupiter.api.Test;

class QuickStartTest {

  @Test
  void theExampleRunsAgainstTheSimulator() {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.manual()).seed(7).build().start()) {
      StringBuilder out = new StringBuilder();
      ChatResponse r = QuickStart.run(sim.env(), out);
      assertThat(r.route().servedModelGroup()).isEqualTo("smart");
      assertThat(r.model()).isEqualTo("llama-3.3-70b-versatile");
      assertThat(r.text()).isNotBlank();
      assertThat(out.toString()).contains("served by smart / llama-3.3-70b-versatile after 1 call(s)");
      assertThat(out.toString().lines().count()).isEqualTo(3);
      assertThat(sim.stats(SimProvider.GROQ, "llama-3.1-8b-instant").served()).isEqualTo(1);
    }
  }
}
