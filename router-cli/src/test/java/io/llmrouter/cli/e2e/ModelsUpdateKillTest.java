package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.catalog.StructuralConfigValidator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "already holding": {@code kill -9} of a {@code models --update} process never leaves a partial
 * config. The process ({@link KillableModelsUpdateMain}) runs the real command over a simulator and is killed
 * with SIGKILL at the worst moments of the replacement: the config is then the old text or the whole new one,
 * and a later run still applies the update.
 */
@DisabledOnOs(OS.WINDOWS)
class ModelsUpdateKillTest {
  @TempDir Path dir;

  private String killAt(Path config, String step) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        KillableModelsUpdateMain.class.getName(), config.toString(), step)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String reached = null;
      for (String line; reached == null && (line = out.readLine()) != null; ) {
        if (line.startsWith("AT ") || line.startsWith("EXIT ")) reached = line;
      }
      p.destroyForcibly(); // SIGKILL
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return reached;
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aSigkillAtAnyStepOfTheReplacementLeavesTheOldOrTheWholeNewConfig() throws Exception {
    String original = Files.readString(ModelsCommandOverSimulatorTest.GUIDE);
    Path config = dir.resolve("config.yaml");
    for (String step : new String[] {"mid-write", "before-move"}) {
      Files.writeString(config, original);
      assertThat(killAt(config, step)).isEqualTo("AT " + step);
      assertThat(Files.readString(config)).as("killed at " + step).isEqualTo(original);
    }
    Files.writeString(config, original);
    assertThat(killAt(config, "after-move")).isEqualTo("AT after-move");
    String updated = Files.readString(config);
    assertThat(updated).isNotEqualTo(original).contains("moonshotai/kimi-k2-instruct");
    new StructuralConfigValidator().accept(updated);
  }
}
