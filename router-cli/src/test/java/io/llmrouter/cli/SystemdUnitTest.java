package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The shipped unit file {@code router-cli/systemd/llm-router.service}: systemd itself accepts it (where
 * {@code systemd-analyze} is installed; skipped elsewhere), and its {@code ExecStart} is a serve command
 * line this version parses.
 */
class SystemdUnitTest {
  private static final Path UNIT = Path.of("systemd", "llm-router.service");
  private static final Path ANALYZE = Path.of("/usr/bin/systemd-analyze");

  @Test
  void systemdAnalyzeVerifyReportsNothing() throws Exception {
    assumeTrue(Files.isExecutable(ANALYZE), "systemd-analyze is not installed here");
    Process p = new ProcessBuilder(ANALYZE.toString(), "verify", UNIT.toAbsolutePath().toString())
        .redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String report = out.toString(StandardCharsets.UTF_8);
    // verify exits 0 on unknown keys and bad values (it only warns), so any output is a finding.
    assertThat(report).as("systemd-analyze verify output").isEmpty();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void execStartRunsTheJvmWithTheLaunchersOptionsAndTheInstalledArchive() throws Exception {
    String unit = Files.readString(UNIT).replace("\\\n", " ");
    String execStart = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> words = Arrays.asList(execStart.substring("ExecStart=".length()).trim().split("\\s+"));
    List<String> jvm = words.subList(1, words.indexOf("-jar"));
    List<String> expected = new ArrayList<>(List.of("-XX:+ExitOnOutOfMemoryError"));
    for (String line : Files.readAllLines(Path.of("llm-router.jvm.options"))) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) expected.add(t);
    }
    expected.add("-XX:SharedArchiveFile=/opt/llm-router/llm-router.jsa");
    assertThat(jvm).containsExactlyElementsOf(expected);
  }

  @Test
  void execStartIsAServeCommandLineThisVersionAccepts() throws Exception {
    String unit = Files.readString(UNIT).replace("\\\n", " ");
    String execStart = unit.lines().filter(l -> l.startsWith("ExecStart=")).findFirst().orElseThrow();
    List<String> words = new ArrayList<>(Arrays.asList(execStart.substring("ExecStart=".length()).trim().split("\\s+")));
    int serve = words.indexOf("serve");
    assertThat(serve).isPositive();
    String[] args = words.subList(serve + 1, words.size()).toArray(String[]::new);

    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);

    assertThat(cmd.config).isEqualTo(Path.of("/etc/llm-router/config.yaml"));
    assertThat(cmd.envFile).isEqualTo(Path.of("/etc/llm-router/.env"));
    // The state file sits in the unit's StateDirectory, the one place ProtectSystem=strict leaves writable.
    assertThat(unit).contains("StateDirectory=llm-router", "ProtectSystem=strict");
    assertThat(cmd.stateFile).isEqualTo(Path.of("/var/lib/llm-router/state.json"));
    assertThat(cmd.host).isEqualTo("127.0.0.1");
    assertThat(unit).contains("ExecReload=/bin/kill -HUP $MAINPID");
    // Longer than the grace period, so systemd never SIGKILLs a drain that is within it.
    assertThat(unit).containsPattern("TimeoutStopSec=(\\d+)");
    int timeout = Integer.parseInt(unit.replaceAll("(?s).*TimeoutStopSec=(\\d+).*", "$1"));
    assertThat(timeout).isGreaterThan(cmd.shutdownGraceSeconds);
  }
}
