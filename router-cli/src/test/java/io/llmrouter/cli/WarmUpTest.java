package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * serve's warm-up thread parses {@link Main#WARM_UP_CONFIG} to initialise the config reader beside picocli:
 * it must be a valid config that the reader accepts without a warning (a warning would be logged on every
 * start) and that needs no environment variable.
 */
class WarmUpTest {

  @Test
  void warmUpConfigIsValidAndWarnsNothing() {
    LoadedConfig c = LiteLlmConfigReader.parse(Main.WARM_UP_CONFIG, Env.of(Map.of()));

    assertThat(c.warnings()).isEmpty();
    assertThat(c.config().deployments()).hasSize(2);
    assertThat(c.config().general().backgroundHealthChecks()).isFalse();
  }
}
