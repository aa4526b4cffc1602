package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 16: {@code general_settings.max_response_size_mb} (LiteLLM's name, MiB) caps upstream response
 * bodies; absent means the client's default; a bad value names the key path.
 */
class MaxResponseSizeConfigTest {
  private static final String MODELS = """
      model_list:
        - model_name: a
          litellm_params: {model: groq/llama-3.1-8b-instant}
      """;

  private static GeneralSettings general(String yaml) {
    return LiteLlmConfigReader.parse(MODELS + yaml, Env.of(Map.of("CAP", "2"))).config().general();
  }

  @Test
  void absentMeansTheClientDefault() {
    assertThat(general("").maxResponseBytes()).isNull();
    assertThat(GeneralSettings.defaults().maxResponseBytes()).isNull();
  }

  @Test
  void readsMebibytesWholeOrFractional() {
    assertThat(general("general_settings:\n  max_response_size_mb: 16\n").maxResponseBytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(general("general_settings:\n  max_response_size_mb: 0.5\n").maxResponseBytes()).isEqualTo(512L * 1024);
    assertThat(general("general_settings:\n  max_response_size_mb: \"1024\"\n").maxResponseBytes()).isEqualTo(1024L * 1024 * 1024);
    assertThat(general("general_settings:\n  max_response_size_mb: os.environ/CAP\n").maxResponseBytes()).isEqualTo(2L * 1024 * 1024);
  }

  @Test
  @Timeout(10)
  void aBadValueNamesTheKeyPath() {
    for (String bad : new String[] {"0", "-1", "1025", "lots", "1e99999999", "1e-99999999", "true", "[1]", "0.0000001"}) {
      assertThatThrownBy(() -> general("general_settings:\n  max_response_size_mb: " + bad + "\n"))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("general_settings.max_response_size_mb: expected a size in MiB")
          .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("general_settings.max_response_size_mb"));
    }
  }

  @Test
  void theKeyInTheWrongSectionSaysWhereItBelongs() {
    assertThatThrownBy(() -> general("router_settings:\n  max_response_size_mb: 4\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("router_settings.max_response_size_mb: belongs in general_settings");
  }

  @Test
  void theValidatorRefusesAnOutOfRangeTypedValue() {
    GeneralSettings g = new GeneralSettings(null, false, java.time.Duration.ofSeconds(300), false,
        io.llmrouter.api.HealthCheckMode.LIST, GeneralSettings.MAX_RESPONSE_BYTES_LIMIT + 1);
    RouterConfig c = LiteLlmConfigReader.parse(MODELS, Env.of(Map.of())).config();
    RouterConfig withCap = new RouterConfig(c.deployments(), c.router(), g, c.litellm());
    assertThatThrownBy(() -> ConfigValidator.validate(withCap, Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("general_settings.max_response_size_mb"));
  }
}
