package io.llmrouter.testkit.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testkit.SimCatalog;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chain the oracle judges, on the guide's config: the router's fallback rules, context fallbacks included. */
class OracleChainTest {
  static final RouterConfig CONFIG = LiteLlmConfigReader.parse(DayReplay.guideConfigYaml(),
      Env.of(Map.of("GROQ_API_KEY", "gsk_x", "NVIDIA_NIM_API_KEY", "nvapi-x", "OPENROUTER_API_KEY", "sk-or-x"))).config();
  final Map<String, List<DeploymentConfig>> groups = new LinkedHashMap<>();
  final Map<String, SimModel> models = new HashMap<>();

  OracleChainTest() {
    List<SimModel> catalog = new ArrayList<>(SimCatalog.defaults());
    catalog.add(SimModel.builder(SimProvider.HOSTED_VLLM, DayReplay.LOCAL_MODEL).contextWindow(32_768).build());
    for (DeploymentConfig d : CONFIG.deployments()) {
      groups.computeIfAbsent(d.modelName(), k -> new ArrayList<>()).add(d);
      SimProvider p = SimProvider.valueOf(d.provider().toUpperCase(Locale.ROOT));
      for (SimModel m : catalog) if (m.provider() == p && m.id().equals(d.providerModel())) models.put(d.id(), m);
    }
  }

  List<String> chain(String group, int promptTokens, Map<String, Long> charge) {
    return Oracle.chain(CONFIG.router(), groups, models, new AgentRequest(0, Duration.ZERO, group, promptTokens, 256, false, false), charge);
  }

  @Test
  void fallbacksBreadthFirstUpToMaxFallbacks() {
    Map<String, Long> charge = new HashMap<>();
    assertThat(chain("local/qwen", 100, charge)).containsExactly("local/qwen", "groq/llama-3.1-8b", "groq/llama-3.3-70b",
        "nvidia/llama-3.3-70b", "openrouter/hermes-3-405b", "groq/llama-4-scout");
    assertThat(charge).hasSize(6);
    assertThat(chain("groq/llama-3.1-8b", 100, new HashMap<>())).as("the guide gives it no fallbacks").containsExactly("groq/llama-3.1-8b");
  }

  @Test
  void aRequestTooLargeForAGroupTakesItsContextWindowFallbacksOnly() {
    Map<String, Long> charge = new HashMap<>();
    // 7,000 prompt tokens: more than groq/llama-3.1-8b's whole 6,000 tpm, so Groq answers 413 there.
    // From those (which fit), their own fallbacks follow, as the router's would after a rate limit there.
    assertThat(chain("groq/llama-3.1-8b", 7_000, charge)).containsExactly("groq/llama-3.1-8b", "groq/llama-3.3-70b",
        "nvidia/llama-3.3-70b", "groq/llama-4-scout", "openrouter/hermes-3-405b", "openrouter/llama-3.3-70b");
    String small = groups.get("groq/llama-3.1-8b").get(0).id();
    assertThat(charge).doesNotContainKey(small).hasSize(5);
    // Too large for qwen3-32b's 6,000 tpm too, and the guide's context_window_fallbacks has no entry for it: no fallback.
    assertThat(chain("groq/qwen3-32b", 7_000, new HashMap<>())).containsExactly("groq/qwen3-32b");
  }
}
