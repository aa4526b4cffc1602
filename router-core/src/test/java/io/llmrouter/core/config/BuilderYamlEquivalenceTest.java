package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fluent builder and the YAML reader produce the same RouterConfig, value for value. */
class BuilderYamlEquivalenceTest {
  private static final String YAML = """
      model_list:
        - model_name: fast
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
            rpm: 28
            tpm: 5500
            weight: 2
            order: 1
            timeout: 12.5
            max_parallel_requests: 4
            extra_headers: {X-Team: core}
            temperature: 0.3
          model_info:
            id: fast-groq
            description: "Groq 8B"
            max_input_tokens: 131072
            mode: chat
        - model_name: fast
          litellm_params:
            model: cerebras/llama3.1-8b
            api_key: os.environ/CEREBRAS_API_KEY
            rpm: 30
            order: 2
        - model_name: big
          litellm_params:
            model: nvidia_nim/meta/llama-3.3-70b-instruct
            api_key: os.environ/NVIDIA_NIM_API_KEY
            rpm: 40
          model_info: {max_input_tokens: 128000}
        - model_name: local
          litellm_params:
            model: hosted_vllm/qwen
            api_base: os.environ/VLLM_BASE
            api_key: none
      router_settings:
        routing_strategy: usage-based-routing
        num_retries: 3
        retry_after: 0.25
        allowed_fails: 2
        cooldown_time: 3600
        fallbacks:
          - {"local": ["fast", "big"]}
          - {"fast": ["big"]}
        default_fallbacks: ["big"]
        context_window_fallbacks:
          - {"fast": ["big"]}
        content_policy_fallbacks:
          - {"big": ["local"]}
        retry_policy: {RateLimitErrorRetries: 5, AuthenticationErrorRetries: 0}
        allowed_fails_policy: {RateLimitErrorAllowedFails: 10}
        enable_pre_call_checks: true
        max_fallbacks: 3
        redis_host: localhost
      general_settings:
        master_key: os.environ/LITELLM_MASTER_KEY
        background_health_checks: true
        health_check_interval: 60
        enable_health_check_routing: true
        store_model_in_db: false
      litellm_settings:
        drop_params: true
        request_timeout: 90
        num_retries: 1
        set_verbose: true
        callbacks: ["prometheus"]
      """;

  @Test
  void builderAndYamlAreEqual() {
    RouterConfig fromYaml = LiteLlmConfigReader.parse(YAML, Env.of(Map.of("VLLM_BASE", "http://10.0.0.5:8000/v1"))).config();

    RouterConfig fromBuilder = RouterConfig.builder()
        .deployment(DeploymentBuilder.of("fast", "groq/llama-3.1-8b-instant").apiKeyEnv("GROQ_API_KEY")
            .rpm(28).tpm(5500).weight(2).order(1).timeout(Duration.ofMillis(12_500)).maxParallelRequests(4)
            .extraParam("extra_headers", Map.of("X-Team", "core")).extraParam("temperature", 0.3)
            .id("fast-groq").description("Groq 8B").maxInputTokens(131_072).mode("chat"))
        .deployment(DeploymentBuilder.of("fast", "cerebras/llama3.1-8b").apiKeyEnv("CEREBRAS_API_KEY").rpm(30).order(2))
        .deployment(DeploymentBuilder.of("big", "nvidia_nim/meta/llama-3.3-70b-instruct").apiKeyEnv("NVIDIA_NIM_API_KEY")
            .rpm(40).maxInputTokens(128_000))
        .deployment(DeploymentBuilder.of("local", "hosted_vllm/qwen").apiBase("http://10.0.0.5:8000/v1")
            .apiKey(SecretRef.literal("none")))
        .routingStrategy("usage-based-routing")
        .numRetries(3)
        .retryAfter(Duration.ofMillis(250))
        .allowedFails(2)
        .cooldownTime(Duration.ofHours(1))
        .fallbacks("local", "fast", "big")
        .fallbacks("fast", "big")
        .defaultFallbacks("big")
        .contextWindowFallbacks("fast", "big")
        .contentPolicyFallbacks("big", "local")
        .retryPolicy("RateLimitErrorRetries", 5)
        .retryPolicy("AuthenticationErrorRetries", 0)
        .allowedFailsPolicy("RateLimitErrorAllowedFails", 10)
        .enablePreCallChecks(true)
        .maxFallbacks(3)
        .sharedState(new SharedStateSettings(null, "localhost", null, null, 1, null, null, "router_settings.redis_host"))
        .general(new GeneralSettings(SecretRef.env("LITELLM_MASTER_KEY"), true, Duration.ofSeconds(60), true))
        .litellm(new LitellmSettings(true, Duration.ofSeconds(90), 1, true))
        .build();

    assertThat(fromYaml).isEqualTo(fromBuilder);
    // Equality must not be vacuous: order of fallbacks is part of the value that matters.
    assertThat(fromYaml.router().fallbacks().keySet()).containsExactly("local", "fast");
    assertThat(fromYaml.deployments()).extracting(DeploymentConfig::id)
        .first().isEqualTo("fast-groq");
    assertThat(fromYaml.deployments().get(1).id()).isNotBlank().isNotEqualTo(fromYaml.deployments().get(2).id());
  }

  @Test
  void aDifferenceIsSeen() {
    RouterConfig a = LiteLlmConfigReader.parse(YAML, Env.of(Map.of("VLLM_BASE", "http://a/v1"))).config();
    RouterConfig b = LiteLlmConfigReader.parse(YAML, Env.of(Map.of("VLLM_BASE", "http://b/v1"))).config();
    assertThat(a).isNotEqualTo(b);
    assertThat(a.deployments().get(3).id()).isNotEqualTo(b.deployments().get(3).id());
    assertThat(a.router().contentPolicyFallbacks()).isEqualTo(Map.of("big", List.of("local")));
  }
}
