package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The class-data archive's training run ({@code llm-router cds-training}, hidden): it starts serve on
 * loopback against its own upstream, every request of the run gets the answer it expects, and it stops.
 */
class CdsTrainingCommandTest {

  @Test
  void trainingRunServesEveryRequestKindAndStops() {
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine().setErr(new PrintWriter(err, true));

    int code = cli.execute("cds-training");

    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
  }

  @Test
  void hiddenFromTheHelp() {
    StringWriter out = new StringWriter();
    Main.commandLine().setOut(new PrintWriter(out, true)).execute("--help");

    assertThat(out.toString()).contains("serve").doesNotContain("cds-training");
  }

  @Test
  void aCommandLineNamingOneSubcommandRegistersOnlyIt() {
    assertThat(Main.commandLineFor(new String[] {"serve", "--help"}).getSubcommands()).containsOnlyKeys("serve");
    assertThat(Main.commandLineFor(new String[] {"help"}).getSubcommands()).containsKeys("serve", "models", "demo");
    assertThat(Main.commandLineFor(new String[] {"--version"}).getSubcommands()).containsKeys("serve", "models", "demo");
    assertThat(Main.commandLineFor(new String[] {}).getSubcommands()).containsKeys("serve", "models", "demo");
  }
}
