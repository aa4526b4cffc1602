package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ConfigException;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Every bad config fails at load with the key path and what was expected. */
class BadConfigTest {
  private static final String MODELS = """
      model_list:
        - model_name: a
          litellm_params: {model: groq/llama-3.3-70b-versatile, api_key: os.environ/GROQ_API_KEY}
        - model_name: b
          litellm_params: {model: groq/llama-3.1-8b-instant}
        - model_name: c
          litellm_params: {model: openrouter/x/y:free}
      """;

  private static AbstractThrowableAssert<?, ? extends Throwable> failsWith(String yaml, String path, String message) {
    return assertThatThrownBy(() -> LiteLlmConfigReader.parse(yaml, Env.of(Map.of("PRESENT", "x"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage(path.isEmpty() ? message : path + ": " + message)
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((ConfigException) e).path()).isEqualTo(path));
  }

  @Test
  void fallbackToUnknownModel() {
    failsWith(MODELS + """
        router_settings:
          fallbacks:
            - {"a": ["b"]}
            - {"b": ["c"]}
            - {"groq/llama-3.3-70b": ["a"]}
        """, "router_settings.fallbacks[2]", "\"groq/llama-3.3-70b\" is not a model_name in model_list");
  }

  @Test
  void fallbackTargetUnknown() {
    failsWith(MODELS + """
        router_settings:
          fallbacks: [{"a": ["b", "zz"]}]
        """, "router_settings.fallbacks[0].\"a\"[1]", "\"zz\" is not a model_name in model_list");
  }

  @Test
  void defaultAndContextFallbacksChecked() {
    failsWith(MODELS + "router_settings:\n  default_fallbacks: [b, nope]\n",
        "router_settings.default_fallbacks[1]", "\"nope\" is not a model_name in model_list");
    failsWith(MODELS + "router_settings:\n  context_window_fallbacks: [{\"x\": [a]}]\n",
        "router_settings.context_window_fallbacks[0]", "\"x\" is not a model_name in model_list");
  }

  @Test
  void fallbacksFromLitellmSettingsAreReportedThere() {
    failsWith(MODELS + "litellm_settings:\n  fallbacks: [{\"a\": [\"q\"]}]\n",
        "litellm_settings.fallbacks[0].\"a\"[0]", "\"q\" is not a model_name in model_list");
  }

  @Test
  void fallbackShapeErrors() {
    failsWith(MODELS + "router_settings:\n  fallbacks: {\"a\": [b]}\n",
        "router_settings.fallbacks", "expected a list of {\"group\": [\"fallback\", ...]} entries, got a mapping");
    failsWith(MODELS + "router_settings:\n  fallbacks: [{\"a\": b}]\n",
        "router_settings.fallbacks[0].\"a\"", "expected a list of model_names, got a string");
    failsWith(MODELS + "router_settings:\n  fallbacks: [{\"a\": [b], \"b\": [c]}]\n",
        "router_settings.fallbacks[0]", "expected a single-key mapping like {\"group\": [\"fallback\", ...]}, got a mapping with 2 keys");
    failsWith(MODELS + "router_settings:\n  fallbacks: [{\"a\": [b]}, {\"a\": [c]}]\n",
        "router_settings.fallbacks[1]", "\"a\" already has a fallback list at router_settings.fallbacks[0]; merge them into one");
  }

  @Test
  void fallbackCycle() {
    failsWith(MODELS + """
        router_settings:
          fallbacks:
            - {"a": ["b"]}
            - {"b": ["c"]}
            - {"c": ["a"]}
        """, "router_settings.fallbacks", "fallback cycle: a -> b -> c -> a");
  }

  @Test
  void wrongTypes() {
    failsWith("""
        model_list:
          - model_name: a
            litellm_params: {model: groq/x}
          - model_name: b
            litellm_params: {model: groq/y}
          - model_name: c
            litellm_params: {model: groq/z}
          - model_name: d
            litellm_params: {model: groq/w, rpm: "abc"}
        """, "model_list[3].litellm_params.rpm", "expected an integer, got \"abc\"");
    failsWith(MODELS + "router_settings:\n  num_retries: 1.5\n", "router_settings.num_retries", "expected an integer, got 1.5");
    failsWith(MODELS + "router_settings:\n  cooldown_time: soon\n", "router_settings.cooldown_time", "expected a number of seconds, got \"soon\"");
    failsWith(MODELS + "router_settings:\n  enable_pre_call_checks: maybe\n", "router_settings.enable_pre_call_checks", "expected true or false, got \"maybe\"");
    failsWith(MODELS + "general_settings:\n  health_check_interval: [1]\n", "general_settings.health_check_interval", "expected a number of seconds, got a list");
    failsWith(MODELS + "router_settings:\n  retry_after: -1\n", "router_settings.retry_after", "expected a non-negative number of seconds, got -1");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, tpm: 0}\n", "model_list[0].litellm_params.tpm", "expected a positive integer, got 0");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, weight: heavy}\n", "model_list[0].litellm_params.weight", "expected a number, got \"heavy\"");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x}\n    model_info: {max_input_tokens: big}\n", "model_list[0].model_info.max_input_tokens", "expected an integer, got \"big\"");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, api_key: [k]}\n", "model_list[0].litellm_params.api_key", "expected a string or os.environ/NAME, got a list");
  }

  @Test
  void missingPieces() {
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {api_base: http://h}\n",
        "model_list[0].litellm_params.model", "expected a model string such as \"groq/llama-3.3-70b-versatile\"");
    failsWith("model_list:\n  - model_name: a\n", "model_list[0].litellm_params", "missing; expected a mapping with at least \"model\"");
    failsWith("model_list:\n  - litellm_params: {model: groq/x}\n", "model_list[0].model_name", "expected a non-empty string");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: \"groq/\"}\n", "model_list[0].litellm_params.model", "expected a model id after the provider prefix \"groq/\"");
    failsWith("router_settings: {}\n", "model_list", "missing; expected a list of models");
    failsWith("model_list: []\n", "model_list", "expected at least one model");
    failsWith("", "", "the configuration is empty; expected a mapping with model_list");
    failsWith("- a\n- b\n", "", "expected a mapping at the top level (model_list, router_settings, ...), got a list");
  }

  @Test
  void malformedYamlGivesLineAndColumn() {
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x\n", "",
        "malformed YAML at line 4, column 1: while parsing a flow mapping: expected ',' or '}', but got <stream end>");
    failsWith("model_list:\n  - model_name: a\n  bad indent: [\n", "", "malformed YAML at line 3, column 3: "
        + "while parsing a block collection: expected <block end>, but found '?'");
  }

  @Test
  void duplicateKeyIsAnError() {
    failsWith(MODELS + "router_settings:\n  num_retries: 1\n  num_retries: 3\n", "",
        "malformed YAML at line 10, column 14: Duplicate field 'num_retries'");
  }

  @Test
  void unknownRoutingStrategy() {
    failsWith(MODELS + "router_settings:\n  routing_strategy: cheapest-first\n", "router_settings.routing_strategy",
        "expected one of simple-shuffle, least-busy, latency-based-routing, usage-based-routing; got \"cheapest-first\"");
  }

  @Test
  void keyInTheWrongSectionNamesItsSection() {
    failsWith(MODELS + "router_settings:\n  enable_health_check_routing: true\n",
        "router_settings.enable_health_check_routing", "belongs in general_settings");
    failsWith(MODELS + "general_settings:\n  routing_strategy: simple-shuffle\n",
        "general_settings.routing_strategy", "belongs in router_settings");
    failsWith(MODELS + "router_settings:\n  drop_params: true\n", "router_settings.drop_params", "belongs in litellm_settings");
    failsWith(MODELS + "litellm_settings:\n  master_key: os.environ/MK\n", "litellm_settings.master_key", "belongs in general_settings");
    failsWith(MODELS + "fallbacks: [{\"a\": [b]}]\n", "fallbacks", "belongs in router_settings");
  }

  @Test
  void policiesNameUnknownKinds() {
    failsWith(MODELS + "router_settings:\n  retry_policy: {RateLimitErrorRetry: 3}\n",
        "router_settings.retry_policy.RateLimitErrorRetry", "expected one of " + String.join(", ", ConfigValidator.RETRY_POLICY_KEYS));
    failsWith(MODELS + "router_settings:\n  allowed_fails_policy: {RateLimitErrorAllowedFails: x}\n",
        "router_settings.allowed_fails_policy.RateLimitErrorAllowedFails", "expected an integer, got \"x\"");
  }

  @Test
  void unsetNonSecretVariableNamesPathAndVariable() {
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, api_base: os.environ/MISSING_BASE}\n",
        "model_list[0].litellm_params.api_base", "environment variable MISSING_BASE is not set");
    failsWith(MODELS + "router_settings:\n  num_retries: os.environ/NOPE\n", "router_settings.num_retries", "environment variable NOPE is not set");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, rpm: os.environ/PRESENT}\n",
        "model_list[0].litellm_params.rpm", "expected an integer, got the value of os.environ/PRESENT");
    failsWith("model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, api_base: \"os.environ/\"}\n",
        "model_list[0].litellm_params.api_base", "expected os.environ/ followed by a variable name, got \"os.environ/\"");
  }

  @Test
  void includeIsRefusedClearly() {
    failsWith(MODELS + "include: [more.yaml]\n", "include",
        "not supported; copy the included files' model_list entries and settings into this file");
  }

  @Test
  void builderReportsTheSamePaths() {
    assertThatThrownBy(() -> RouterConfig.builder()
            .deployment(DeploymentBuilder.of("a", "groq/x"))
            .fallbacks("a", "missing")
            .build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("router_settings.fallbacks[0].\"a\"[0]: \"missing\" is not a model_name in model_list");
    assertThatThrownBy(() -> RouterConfig.builder().fallbacks("a", "b").fallbacks("a", "c"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("router_settings.fallbacks: \"a\" is given a fallback list twice; merge them into one");
  }

  // Issue 16: a giant exponent once made the seconds parser run for minutes (BigDecimal rescaling).
  @Test
  @org.junit.jupiter.api.Timeout(value = 20, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void absurdSecondsFailFastNamingTheKey() {
    assertThatThrownBy(() -> LiteLlmConfigReader.parse("""
        model_list:
          - model_name: a
            litellm_params: {model: groq/m, timeout: 1e99999999}
        """, Env.of(Map.of()))).isInstanceOf(ConfigException.class).hasMessageContaining("model_list[0].litellm_params.timeout")
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> LiteLlmConfigReader.parse("""
        model_list:
          - model_name: a
            litellm_params: {model: groq/m, stream_timeout: 1e-99999999}
        """, Env.of(Map.of()))).isInstanceOf(ConfigException.class).hasMessageContaining("model_list[0].litellm_params.stream_timeout")
        .hasMessageContaining("positive");
  }

  @Test
  void streamTimeoutIsReadAsSeconds() {
    var d = LiteLlmConfigReader.parse("""
        model_list:
          - model_name: a
            litellm_params: {model: groq/m, stream_timeout: 2.5}
        """, Env.of(Map.of())).config().deployments().get(0);
    org.assertj.core.api.Assertions.assertThat(d.extraParams()).containsEntry("stream_timeout", 2.5);
  }
}
