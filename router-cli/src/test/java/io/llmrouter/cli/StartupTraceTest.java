package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The start-up trace is off unless {@code -Dllm-router.startup.trace=true}: marks then record nothing and
 * the report prints nothing; its line names each stage with its wall time from the JVM's start.
 */
class StartupTraceTest {

  @Test
  void offByDefaultMarksAndReportsNothing() {
    assertThat(Boolean.getBoolean(StartupTrace.PROPERTY)).isFalse();
    assertThat(StartupTrace.enabled()).isFalse();
    StartupTrace.mark("parsed");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StartupTrace.report(new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(StartupTrace.line(0, 5)).isEqualTo("llm-router startup trace (ms since JVM start, main thread cpu ms):"
        + "; process cpu 5 ms");
  }

  @Test
  void unknownStartAndCpuAreShownAsUnknownNotAsNumbers() {
    assertThat(StartupTrace.line(-1, -1)).endsWith("; process cpu ? ms");
  }
}
