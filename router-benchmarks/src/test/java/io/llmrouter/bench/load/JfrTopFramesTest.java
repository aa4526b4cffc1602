package io.llmrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrTopFramesTest {
  @TempDir Path dir;

  @Test
  void packagesKeepAtMostThreeSegments() {
    assertThat(JfrTopFrames.packageOf("com.fasterxml.jackson.core.json.UTF8JsonGenerator")).isEqualTo("com.fasterxml.jackson");
    assertThat(JfrTopFrames.packageOf("okio.Buffer")).isEqualTo("okio");
    assertThat(JfrTopFrames.packageOf("Top")).isEqualTo("Top");
  }

  @Test
  void summaryOfARecordingHasTheThreeTablesAndEverySubsystem() throws Exception {
    Path file = dir.resolve("r.jfr");
    try (Recording r = new Recording()) {
      r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
      r.start();
      long x = 0;
      for (int i = 0; i < 5_000_000; i++) x += Integer.toString(i).hashCode();
      assertThat(x).isNotZero();
      r.stop();
      r.dump(file);
    }
    String md = JfrTopFrames.summarize(file, 5, java.util.Map.of("java.lang.Integer.toString", "Integer.toString"));
    assertThat(md).containsPattern("^\\d+ execution samples")
        .contains("| top frame (self) | samples | share |")
        .contains("| top frame's package | samples | share |")
        .contains("| subsystem anywhere on the stack (inclusive) | samples | share |");
    for (String s : JfrTopFrames.SUBSYSTEMS.values()) assertThat(md).contains("| `" + s + "` |");
    assertThat(md).contains("| `Integer.toString` |");
  }
}
