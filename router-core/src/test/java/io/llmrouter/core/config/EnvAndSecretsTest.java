package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ConfigException;
import io.llmrouter.api.spi.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** os.environ/ typing, .env files, and late, never-printed secrets. */
class EnvAndSecretsTest {
  private static final String TYPED = """
      environment_variables:
        FROM_CONFIG: "from-config"
      model_list:
        - model_name: g
          litellm_params:
            model: os.environ/G_MODEL
            api_base: os.environ/G_BASE
            api_key: os.environ/G_KEY
            rpm: os.environ/G_RPM
            tpm: os.environ/G_TPM
            weight: os.environ/G_WEIGHT
            timeout: os.environ/G_TIMEOUT
            temperature: os.environ/G_TEMP
            stream: os.environ/G_STREAM
            organization: os.environ/FROM_CONFIG
            extra_headers:
              X-Api-Key: os.environ/HEADER_KEY
              X-Trace: os.environ/G_TRACE
      router_settings:
        num_retries: os.environ/RETRIES
        enable_pre_call_checks: os.environ/PRECALL
        cooldown_time: os.environ/COOLDOWN
        fallbacks: []
      general_settings:
        master_key: os.environ/MASTER
        background_health_checks: "true"
      """;

  private static final Map<String, String> VARS = Map.ofEntries(Map.entry("G_MODEL", "groq/llama-3.1-8b-instant"),
      Map.entry("G_BASE", "http://127.0.0.1:9999/v1"), Map.entry("G_RPM", "30"), Map.entry("G_TPM", "6000"),
      Map.entry("G_WEIGHT", "2.5"), Map.entry("G_TIMEOUT", "1.5"), Map.entry("G_TEMP", "0.2"),
      Map.entry("G_STREAM", "false"), Map.entry("G_TRACE", "abc"), Map.entry("RETRIES", "4"),
      Map.entry("PRECALL", "True"), Map.entry("COOLDOWN", "60"), Map.entry("G_KEY", "gsk-secret-value"),
      Map.entry("FROM_CONFIG", "from-process"));

  @Test
  void osEnvironValuesAreTypedByTheirKey() {
    LoadedConfig loaded = LiteLlmConfigReader.parse(TYPED, Env.of(VARS));
    DeploymentConfig d = loaded.config().deployments().get(0);
    assertThat(d.model()).isEqualTo("groq/llama-3.1-8b-instant");
    assertThat(d.provider()).isEqualTo("groq");
    assertThat(d.apiBase()).isEqualTo("http://127.0.0.1:9999/v1");
    assertThat(d.rpm()).isInstanceOf(Integer.class).isEqualTo(30);
    assertThat(d.tpm()).isEqualTo(6000L);
    assertThat(d.weight()).isEqualTo(2.5);
    assertThat(d.timeout()).isEqualTo(Duration.ofMillis(1500));
    // Unknown params are typed as YAML would type the same plain scalar.
    assertThat(d.extraParams().get("temperature")).isEqualTo(0.2);
    assertThat(d.extraParams().get("stream")).isEqualTo(false);
    // environment_variables in the config win over the process, as LiteLLM copies them into os.environ.
    assertThat(d.extraParams().get("organization")).isEqualTo("from-config");
    @SuppressWarnings("unchecked")
    Map<String, Object> headers = (Map<String, Object>) d.extraParams().get("extra_headers");
    assertThat(headers.get("X-Trace")).isEqualTo("abc");
    assertThat(headers.get("X-Api-Key")).isEqualTo(SecretRef.env("HEADER_KEY"));

    RouterSettings r = loaded.config().router();
    assertThat(r.numRetries()).isEqualTo(4);
    assertThat(r.enablePreCallChecks()).isTrue();
    assertThat(r.cooldownTime()).isEqualTo(Duration.ofSeconds(60));
    assertThat(loaded.config().general().backgroundHealthChecks()).isTrue();
    assertThat(loaded.env().get("FROM_CONFIG")).isEqualTo("from-config");
  }

  @Test
  void unsetKeyVariablesDoNotFailTheLoadAndResolveLate() {
    Map<String, String> noKeys = new java.util.HashMap<>(VARS);
    noKeys.remove("G_KEY");
    LoadedConfig loaded = LiteLlmConfigReader.parse(TYPED, Env.of(noKeys));
    DeploymentConfig d = loaded.config().deployments().get(0);
    assertThat(d.apiKey()).isEqualTo(SecretRef.env("G_KEY"));
    assertThat(d.apiKey().resolve(loaded.env())).isEmpty();
    assertThat(loaded.config().general().masterKey().resolve(loaded.env())).isEmpty();

    LoadedConfig withKey = LiteLlmConfigReader.parse(TYPED, Env.of(VARS));
    Optional<Secret> key = withKey.config().deployments().get(0).apiKey().resolve(withKey.env());
    assertThat(key).map(Secret::reveal).contains("gsk-secret-value");
  }

  @Test
  void noValueEverAppearsInToStringOrMessages() {
    LoadedConfig loaded = LiteLlmConfigReader.parse(TYPED, Env.of(VARS));
    String all = loaded.config().toString() + loaded.env();
    assertThat(all).doesNotContain("gsk-secret-value").contains("os.environ/G_KEY");
    assertThat(SecretRef.literal("sk-live-123").toString()).isEqualTo("****");
    assertThat(SecretRef.env("GROQ_API_KEY").toString()).isEqualTo("os.environ/GROQ_API_KEY");

    String literal = "model_list:\n  - model_name: a\n    litellm_params: {model: groq/x, api_key: sk-literal-999}\n"
        + "general_settings: {master_key: sk-master-777}\n";
    RouterConfig c = LiteLlmConfigReader.parse(literal, Env.of(Map.of())).config();
    assertThat(c.toString()).doesNotContain("sk-literal-999").doesNotContain("sk-master-777");
    assertThat(c.deployments().get(0).apiKey().resolve(Env.of(Map.of()))).map(Secret::reveal).contains("sk-literal-999");

    // A bad value read from the environment is named by its variable, never shown.
    assertThatThrownBy(() -> LiteLlmConfigReader.parse(TYPED, Env.of(withEntry("G_RPM", "s3cr3t-ish"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("model_list[0].litellm_params.rpm: expected an integer, got the value of os.environ/G_RPM")
        .message().doesNotContain("s3cr3t-ish");
  }

  private static Map<String, String> withEntry(String k, String v) {
    Map<String, String> m = new java.util.HashMap<>(VARS);
    m.put(k, v);
    return m;
  }

  private static final String SMALL = """
      model_list:
        - model_name: g
          litellm_params: {model: groq/x, api_key: os.environ/GROQ_API_KEY, rpm: os.environ/GROQ_RPM}
      """;

  @Test
  void dotEnvBesideTheConfigIsRead(@TempDir Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), SMALL);
    Files.writeString(dir.resolve(".env"), "# keys\nexport GROQ_API_KEY=\"gsk-from-dotenv\"\nGROQ_RPM=12 # buffer\n");
    LoadedConfig loaded = LiteLlmConfigReader.load(config, null, Env.of(Map.of()));
    assertThat(loaded.source()).isEqualTo(config);
    assertThat(loaded.config().deployments().get(0).rpm()).isEqualTo(12);
    assertThat(loaded.config().deployments().get(0).apiKey().resolve(loaded.env())).map(Secret::reveal)
        .contains("gsk-from-dotenv");
  }

  @Test
  void explicitDotEnvIsReadAndProcessEnvironmentWins(@TempDir Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), SMALL);
    Files.writeString(dir.resolve(".env"), "GROQ_RPM=1\n"); // beside, but not chosen
    Path other = Files.writeString(dir.resolve("prod.env"), "GROQ_RPM=20\nGROQ_API_KEY=gsk-file\n");
    LoadedConfig loaded = LiteLlmConfigReader.load(config, other, Env.of(Map.of("GROQ_API_KEY", "gsk-process")));
    assertThat(loaded.config().deployments().get(0).rpm()).isEqualTo(20);
    assertThat(loaded.config().deployments().get(0).apiKey().resolve(loaded.env())).map(Secret::reveal)
        .contains("gsk-process");
  }

  @Test
  void unreadableFilesAreConfigErrors(@TempDir Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("config.yaml"), SMALL);
    assertThatThrownBy(() -> LiteLlmConfigReader.load(dir.resolve("absent.yaml"), null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read config file");
    assertThatThrownBy(() -> LiteLlmConfigReader.load(config, dir.resolve("absent.env"), Env.of(Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read .env file");
    Files.writeString(dir.resolve("bad.env"), "GOOD=1\nnot a line\n");
    assertThatThrownBy(() -> LiteLlmConfigReader.load(config, dir.resolve("bad.env"), Env.of(Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageEndingWith("bad.env:2: expected KEY=value");
  }

  @Test
  void litellmSettingsCarryRouterSettingsLiteLlmReadsFromThere() {
    String yaml = """
        model_list:
          - {model_name: a, litellm_params: {model: groq/a}}
          - {model_name: b, litellm_params: {model: groq/b}}
        router_settings:
          timeout: 30
          fallbacks: [{"a": ["b"]}]
        litellm_settings:
          fallbacks: [{"b": ["a"]}]
          context_window_fallbacks: [{"a": ["b"]}]
          allowed_fails: 7
          num_retries: 1
        """;
    RouterConfig c = LiteLlmConfigReader.parse(yaml, Env.of(Map.of())).config();
    assertThat(c.router().fallbacks()).containsExactly(Map.entry("a", List.of("b"))); // router_settings wins
    assertThat(c.router().contextWindowFallbacks()).containsExactly(Map.entry("a", List.of("b")));
    assertThat(c.router().allowedFails()).isEqualTo(7);
    assertThat(c.router().numRetries()).isEqualTo(1);
    assertThat(c.effectiveNumRetries()).isEqualTo(1);
    assertThat(c.litellm().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
  }
}
