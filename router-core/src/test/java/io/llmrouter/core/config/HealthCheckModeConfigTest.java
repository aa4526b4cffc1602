package io.llmrouter.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ConfigException;
import io.llmrouter.api.HealthCheckMode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code general_settings.health_check_mode}: list by default, chat on request, anything else a config error. */
class HealthCheckModeConfigTest {
  private static final String MODELS = """
      model_list:
        - model_name: a
          litellm_params: {model: groq/llama-3.1-8b-instant}
      """;

  private static GeneralSettings general(String yaml) {
    return LiteLlmConfigReader.parse(MODELS + yaml, Env.of(Map.of("MODE", "chat"))).config().general();
  }

  @Test
  void defaultsToListAndReadsChat() {
    assertThat(general("").healthCheckMode()).isEqualTo(HealthCheckMode.LIST);
    assertThat(GeneralSettings.defaults().healthCheckMode()).isEqualTo(HealthCheckMode.LIST);
    assertThat(general("general_settings:\n  health_check_mode: list\n").healthCheckMode()).isEqualTo(HealthCheckMode.LIST);
    assertThat(general("general_settings:\n  health_check_mode: chat\n").healthCheckMode()).isEqualTo(HealthCheckMode.CHAT);
    assertThat(general("general_settings:\n  health_check_mode: os.environ/MODE\n").healthCheckMode()).isEqualTo(HealthCheckMode.CHAT);
  }

  @Test
  void anUnknownModeNamesTheKeyAndTheAllowedValues() {
    assertThatThrownBy(() -> general("general_settings:\n  health_check_mode: ping\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("general_settings.health_check_mode: expected one of list, chat, got \"ping\"")
        .satisfies(e -> assertThat(((ConfigException) e).path()).isEqualTo("general_settings.health_check_mode"));
    assertThatThrownBy(() -> general("general_settings:\n  health_check_mode: 3\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("general_settings.health_check_mode: expected one of list, chat, got 3");
  }

  @Test
  void theKeyInTheWrongSectionSaysWhereItBelongs() {
    assertThatThrownBy(() -> general("router_settings:\n  health_check_mode: chat\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("router_settings.health_check_mode: belongs in general_settings");
  }
}
