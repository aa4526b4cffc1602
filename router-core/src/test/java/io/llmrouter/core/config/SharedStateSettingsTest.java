package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ConfigException;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.testing.ScriptedProvider;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The router_settings.redis_* keys: parsed, typed, checked with their key path, and never echoing a secret. */
class SharedStateSettingsTest {
  static final String MODELS = """
      model_list:
        - model_name: g
          litellm_params: {model: groq/llama-3.1-8b-instant, api_key: os.environ/GROQ_API_KEY, rpm: 30}
      """;

  static SharedStateSettings parse(String router) {
    return LiteLlmConfigReader.parse(MODELS + "router_settings:\n" + router, Env.of(Map.of("REDIS_PORT", "6380"))).config()
        .router().sharedState();
  }

  @Test
  void withoutRedisKeysStateStaysInTheProcess() {
    SharedStateSettings s = LiteLlmConfigReader.parse(MODELS, Env.of(Map.of())).config().router().sharedState();
    assertThat(s.enabled()).isFalse();
    assertThat(s).isEqualTo(SharedStateSettings.none());
  }

  @Test
  void liteLlmsHostPortPasswordKeysAndOurOwnThree() {
    SharedStateSettings s = parse("""
          redis_host: redis.internal
          redis_port: os.environ/REDIS_PORT
          redis_password: os.environ/REDIS_PASSWORD
          redis_expected_instances: 3
          redis_key_prefix: team-a
          redis_timeout: 0.02
        """);
    assertThat(s.enabled()).isTrue();
    assertThat(s.host()).isEqualTo("redis.internal");
    assertThat(s.port()).isEqualTo(6380);
    assertThat(s.password()).isEqualTo(SecretRef.env("REDIS_PASSWORD"));
    assertThat(s.expectedInstances()).isEqualTo(3);
    assertThat(s.keyPrefix()).isEqualTo("team-a");
    assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(20));
    assertThat(s.sourceKey()).isEqualTo("router_settings.redis_host");
  }

  @Test
  void redisUrlIsASecretAndWins() {
    SharedStateSettings s = parse("""
          redis_url: redis://:hunter2@10.0.0.9:6379/0
          redis_host: ignored-because-url-wins
        """);
    assertThat(s.url().resolve(k -> null).orElseThrow().reveal()).isEqualTo("redis://:hunter2@10.0.0.9:6379/0");
    assertThat(s.host()).isNull();
    assertThat(s.sourceKey()).isEqualTo("router_settings.redis_url");
    assertThat(s.toString()).doesNotContain("hunter2");
    assertThat(s.expectedInstances()).isEqualTo(1); // default: the full local limit
    assertThat(s.commandTimeout()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void badValuesNameTheirKey() {
    assertThatThrownBy(() -> parse("  redis_host: h\n  redis_port: 70000\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("router_settings.redis_port");
    assertThatThrownBy(() -> parse("  redis_host: h\n  redis_expected_instances: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("router_settings.redis_expected_instances");
    assertThatThrownBy(() -> parse("  redis_host: h\n  redis_timeout: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("router_settings.redis_timeout");
    assertThatThrownBy(() -> parse("  redis_host: h\n  redis_key_prefix: \"a{b}\"\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("router_settings.redis_key_prefix");
    assertThatThrownBy(() -> parse("  redis_password: pw-never-shown\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("router_settings.redis_password")
        .hasMessageContaining("needs router_settings.redis_host or redis_url").hasMessageNotContaining("pw-never-shown");
  }

  @Test
  void aConfigNamingRedisWithoutRouterRedisOnTheClassPathFailsNamingTheKey() {
    RouterConfig c = LiteLlmConfigReader.parse(MODELS + "router_settings:\n  redis_url: redis://:pw-never-shown@127.0.0.1:1\n",
        Env.of(Map.of())).config();
    assertThatThrownBy(() -> LlmRouter.builder(c).providerClient(new ScriptedProvider()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("router_settings.redis_url")
        .hasMessageContaining("router-redis")
        .hasMessageNotContaining("pw-never-shown");
  }
}
