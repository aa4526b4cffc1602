package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys the reader ignores are reported once each, with their path and the nearest known key, and never a value. */
class IgnoredKeysTest {
  static final String YAML = """
      model_list:
        - model_name: g
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
          model_info:
            mode: chat
          model_nmae: typo
      router_settings:
        num_retires: 3
        routing_strategy: simple-shuffle
        cache_responses: true
      litellm_settings:
        drop_params: true
        callbacks: ["langfuse"]
        success_callback: ["langfuse"]
        cache: true
        something_else: 1
      general_settings:
        master_key: sk-never-shown-1234
        masterkey: sk-never-shown-5678
        health_check_mode: chat
        database_url: postgres://user:pw@db/litellm
      guardrails: []
      """;

  @Test
  void ignoredKeysAreListedInFileOrderWithTheNearestKnownKey() {
    LoadedConfig c = LiteLlmConfigReader.parse(YAML, Env.of(Map.of("GROQ_API_KEY", "gsk-x")));

    assertThat(c.warnings()).containsExactly(
        "guardrails: LiteLLM setting not implemented by llm-router; ignored",
        "model_list[0].model_nmae: unknown key; did you mean model_name?",
        "router_settings.num_retires: unknown key; did you mean num_retries?",
        "router_settings.cache_responses: LiteLLM setting not implemented by llm-router; ignored",
        "general_settings.masterkey: unknown key; did you mean master_key?",
        "general_settings.database_url: LiteLLM setting not implemented by llm-router; ignored",
        "litellm_settings.callbacks: LiteLLM setting not implemented by llm-router; ignored",
        "litellm_settings.success_callback: LiteLLM setting not implemented by llm-router; ignored",
        "litellm_settings.cache: LiteLLM setting not implemented by llm-router; ignored",
        "litellm_settings.something_else: unknown key; ignored");
    // The known settings still apply.
    assertThat(c.config().litellm().dropParams()).isTrue();
  }

  @Test
  void warningsNeverHoldAValue() {
    LoadedConfig c = LiteLlmConfigReader.parse(YAML, Env.of(Map.of("GROQ_API_KEY", "gsk-x")));
    assertThat(String.join("\n", c.warnings())).doesNotContain("sk-never-shown", "postgres", "pw@", "langfuse", "typo");
  }

  @Test
  void healthCheckModeIsAKnownGeneralSetting() {
    LoadedConfig c = LiteLlmConfigReader.parse("""
        model_list:
          - model_name: g
            litellm_params: {model: groq/m, api_key: k}
        general_settings:
          health_check_mode: list
        """, Env.of(Map.of()));
    assertThat(c.warnings()).isEmpty();
  }

  @Test
  void loadingAFileKeepsItsWarnings(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, YAML);
    LoadedConfig c = LiteLlmConfigReader.load(f, null, Env.of(Map.of("GROQ_API_KEY", "gsk-x")));
    assertThat(c.warnings()).hasSize(10).first().asString().startsWith("guardrails:");
  }

  @Test
  void theGuideConfigWarnsOnlyAboutTheProxyDatabase() throws URISyntaxException {
    Path guide = Path.of(IgnoredKeysTest.class.getResource("/guide-config.yaml").toURI());
    assertThat(LiteLlmConfigReader.load(guide, null, Env.of(Map.of())).warnings())
        .containsExactly("general_settings.store_model_in_db: LiteLLM setting not implemented by llm-router; ignored");
  }

  @Test
  void nearestNeedsASmallDistance() {
    assertThat(IgnoredKeys.nearest("num_retires", java.util.List.of("num_retries", "timeout"))).isEqualTo("num_retries");
    assertThat(IgnoredKeys.nearest("Cooldown-Time", java.util.List.of("cooldown_time"))).isEqualTo("cooldown_time");
    assertThat(IgnoredKeys.nearest("zzz", java.util.List.of("timeout"))).isNull();
  }
}
