package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The guide's step 3.5 config.yaml, copied byte for byte, must load unmodified. */
class GuideConfigTest {
  private static Path guide;
  private static RouterConfig config;

  @BeforeAll
  static void load() throws URISyntaxException {
    guide = Path.of(GuideConfigTest.class.getResource("/guide-config.yaml").toURI());
    // No key variables set: api keys resolve late, so the load must still succeed.
    config = LiteLlmConfigReader.load(guide, null, Env.of(Map.of())).config();
  }

  @Test
  void hasExactlyTheGuides27ModelNamesInFileOrder() {
    assertThat(config.modelNames()).containsExactly("local/qwen", "groq/llama-3.3-70b", "groq/llama-3.1-8b",
        "groq/llama-4-scout", "groq/qwen3-32b", "nvidia/llama-3.3-70b", "nvidia/llama-3.1-70b",
        "nvidia/mistral-nemo", "openrouter/hermes-3-405b", "openrouter/nemotron-super-120b",
        "openrouter/llama-3.3-70b", "openrouter/qwen3-next-80b", "openrouter/qwen3-coder",
        "openrouter/gpt-oss-120b", "openrouter/gpt-oss-20b", "openrouter/deepseek-r1", "openrouter/minimax-m2.5",
        "openrouter/nemotron-nano-30b", "openrouter/gemma-4-31b", "openrouter/gemma-4-26b",
        "openrouter/gemma-3-27b", "openrouter/glm-4.5-air", "openrouter/hy3-preview", "openrouter/ling-flash",
        "openrouter/dolphin-mistral-24b", "openrouter/nemotron-nano-9b", "openrouter/llama-3.2-3b");
    assertThat(config.deployments()).hasSize(27);
    assertThat(config.deployments()).extracting(DeploymentConfig::id).doesNotHaveDuplicates();
  }

  @Test
  void fallbacksKeepTheirOrder() {
    Map<String, List<String>> f = config.router().fallbacks();
    assertThat(f.keySet()).containsExactly("local/qwen", "groq/llama-3.3-70b", "groq/qwen3-32b",
        "nvidia/llama-3.3-70b", "openrouter/hermes-3-405b", "openrouter/llama-3.3-70b");
    assertThat(f.get("local/qwen"))
        .containsExactly("groq/llama-3.1-8b", "groq/llama-3.3-70b", "nvidia/llama-3.3-70b", "openrouter/hermes-3-405b");
    assertThat(f.get("groq/llama-3.3-70b"))
        .containsExactly("groq/llama-3.1-8b", "groq/llama-4-scout", "nvidia/llama-3.3-70b", "openrouter/hermes-3-405b");
    assertThat(f.get("openrouter/llama-3.3-70b"))
        .containsExactly("openrouter/qwen3-next-80b", "openrouter/gemma-4-31b", "openrouter/gpt-oss-120b");
    assertThat(config.router().defaultFallbacks()).isEmpty();
    assertThat(config.router().contextWindowFallbacks())
        .containsExactly(Map.entry("groq/llama-3.1-8b", List.of("groq/llama-3.3-70b", "nvidia/llama-3.3-70b")));
  }

  @Test
  void settingsHaveTheGuidesValues() {
    RouterSettings r = config.router();
    assertThat(r.routingStrategy()).isEqualTo("simple-shuffle");
    assertThat(r.numRetries()).isEqualTo(2);
    assertThat(r.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(r.allowedFails()).isEqualTo(3);
    assertThat(r.cooldownTime()).isEqualTo(Duration.ofHours(24));
    assertThat(r.maxFallbacks()).isEqualTo(5);

    GeneralSettings g = config.general();
    assertThat(g.masterKey()).isEqualTo(SecretRef.literal("sk-litellm-local"));
    assertThat(g.masterKey().toString()).doesNotContain("sk-litellm-local");
    assertThat(g.backgroundHealthChecks()).isTrue();
    assertThat(g.healthCheckInterval()).isEqualTo(Duration.ofSeconds(300));
    assertThat(g.enableHealthCheckRouting()).isTrue();

    LitellmSettings l = config.litellm();
    assertThat(l.dropParams()).isTrue();
    assertThat(l.setVerbose()).isFalse();
    assertThat(l.requestTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(l.numRetries()).isNull();
    assertThat(config.effectiveNumRetries()).isEqualTo(2);
  }

  @Test
  void deploymentsKeepProviderPrefixLimitsKeysAndPlaceholders() {
    DeploymentConfig local = config.deployments().get(0);
    assertThat(local.provider()).isEqualTo("hosted_vllm");
    assertThat(local.providerModel()).isEqualTo("YOUR_QWEN_MODEL_NAME");
    assertThat(local.apiBase()).isEqualTo("http://DGX_IP:8000/v1");
    assertThat(local.apiKey()).isEqualTo(SecretRef.literal("none"));
    assertThat(local.apiKey().literal().isPlaceholder()).isTrue();
    assertThat(local.description()).isEqualTo("Local Qwen on DGX Spark — primary, unlimited");
    assertThat(local.rpm()).isNull();

    DeploymentConfig groq = config.deployments().get(1);
    assertThat(groq.model()).isEqualTo("groq/llama-3.3-70b-versatile");
    assertThat(groq.provider()).isEqualTo("groq");
    assertThat(groq.apiKey()).isEqualTo(SecretRef.env("GROQ_API_KEY"));
    assertThat(groq.rpm()).isEqualTo(28);
    assertThat(groq.tpm()).isEqualTo(11_000L);

    DeploymentConfig scout = config.deployments().get(3);
    assertThat(scout.providerModel()).isEqualTo("meta-llama/llama-4-scout-17b-16e-instruct");

    DeploymentConfig nim = config.deployments().get(5);
    assertThat(nim.provider()).isEqualTo("nvidia_nim");
    assertThat(nim.apiKey().envVar()).isEqualTo("NVIDIA_NIM_API_KEY");
    assertThat(nim.rpm()).isEqualTo(40);
    assertThat(nim.tpm()).isNull();

    assertThat(config.deployments()).allSatisfy(d -> assertThat(d.extraParams()).isEmpty());
  }

  @Test
  void parseOfTheSameTextEqualsLoadOfTheFile() throws Exception {
    LoadedConfig parsed = LiteLlmConfigReader.parse(Files.readString(guide), Env.of(Map.of()));
    assertThat(parsed.config()).isEqualTo(config);
    assertThat(parsed.source()).isNull();
  }
}
