package io.llmrouter.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the harness end to end in {@code --quick} mode (real child processes on loopback, a few seconds) and checks
 * that the report has every figure with sane values. It asserts no timing: speed is the harness's own output.
 */
class LoadHarnessTest {
  private static final List<String> EVERY_ROW = List.of(
      "startup.reference.ready_ms", "startup.serve.ready_ms",
      "c1.direct.errors", "c1.reference.errors", "c1.serve.errors",
      "c1.direct.p50", "c1.direct.p90", "c1.direct.p99", "c1.direct.p99.9",
      "c1.reference.added_p50", "c1.reference.added_p90", "c1.reference.added_p99", "c1.reference.added_p99.9",
      "c1.serve.added_p50", "c1.serve.added_p90", "c1.serve.added_p99", "c1.serve.added_p99.9",
      "c1.reference.cpu_per_request", "c1.serve.cpu_per_request", "c1.serve.cpu_vs_reference",
      "stream.direct.errors", "stream.reference.errors", "stream.serve.errors",
      "stream.direct.ttfc_p50", "stream.direct.ttfc_p99",
      "stream.reference.added_ttfc_p50", "stream.reference.added_ttfc_p99",
      "stream.serve.added_ttfc_p50", "stream.serve.added_ttfc_p99",
      "c64_20ms.direct.rps", "c64_20ms.reference.rps", "c64_20ms.serve.rps",
      "c64_20ms.direct.p99", "c64_20ms.reference.p99", "c64_20ms.serve.p99",
      "c64_20ms.direct.errors", "c64_20ms.reference.errors", "c64_20ms.serve.errors",
      "c64_20ms.reference.rps_vs_direct", "c64_20ms.serve.rps_vs_direct", "c64_20ms.serve.rps_vs_reference",
      "c64_0ms.direct.rps", "c64_0ms.reference.rps", "c64_0ms.serve.rps",
      "c64_0ms.direct.p99", "c64_0ms.reference.p99", "c64_0ms.serve.p99",
      "c64_0ms.direct.errors", "c64_0ms.reference.errors", "c64_0ms.serve.errors",
      "c64_0ms.reference.cpu_per_request", "c64_0ms.serve.cpu_per_request", "c64_0ms.serve.cpu_vs_reference",
      "c64_0ms.reference.rps_vs_direct", "c64_0ms.serve.rps_vs_direct", "c64_0ms.serve.rps_vs_reference",
      "inprocess.bare.errors", "inprocess.bare.p50", "inprocess.bare.p99",
      "inprocess.router.added_p50", "inprocess.router.added_p99",
      "rss.reference.after_load_mib", "rss.serve.after_load_mib");

  @TempDir Path dir;

  @Test
  void quickRunProducesEveryFigureWithSaneValues() throws Exception {
    Path out = dir.resolve("report.md");
    LoadHarness.Options quick = LoadHarness.parse(new String[] {"--quick", "--out", out.toString()});
    LoadReport report = LoadHarness.run(quick);

    assertThat(report.rows().keySet()).containsAll(EVERY_ROW);
    for (LoadReport.Row row : report.rows().values()) {
      assertThat(row.values()).as(row.key()).isNotEmpty().allSatisfy(v -> assertThat(v).as(row.key()).isFinite());
      if (row.key().endsWith(".errors")) assertThat(row.max()).as(row.key()).isZero();
      if (row.key().endsWith(".rps") || row.key().endsWith("_ms") || row.key().endsWith("_mib")
          || row.key().startsWith("c1.direct.p") || row.key().endsWith(".bare.p50")) {
        assertThat(row.min()).as(row.key()).isPositive();
      }
    }
    // Round-by-round figures have one value per round; start-ups one per start.
    assertThat(report.row("c1.serve.added_p50").values()).hasSize(quick.rounds());
    assertThat(report.row("c64_0ms.serve.rps").values()).hasSize(quick.rounds());
    assertThat(report.row("rss.serve.after_load_mib").values()).hasSize(quick.rounds());
    assertThat(report.row("startup.serve.ready_ms").values()).hasSize(quick.startups());
    // Percentiles of the direct baseline are ordered.
    assertThat(report.row("c1.direct.p50").median()).isLessThanOrEqualTo(report.row("c1.direct.p99").median());
    // A serve that answered every request used CPU for it; resident memory is at least a JVM's heap floor.
    assertThat(report.row("c1.serve.cpu_per_request").min()).isPositive();
    assertThat(report.row("rss.serve.after_load_mib").min()).isGreaterThan(10);
    // Every target is judged and the written file is the same report.
    assertThat(report.targets()).hasSize(9);
    String written = Files.readString(out);
    assertThat(written).isEqualTo(report.markdown());
    for (String key : EVERY_ROW) assertThat(written).contains("| " + key + " |");
    assertThat(written).contains("| target (issue 14) |");
  }

  @Test
  void badFlagsNameTheOption() {
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--rounds", "0"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rounds");
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--clients", "many"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--clients");
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--phases", "c1,warp"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("warp");
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--serve-jar", dir.resolve("none.jar").toString()}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--serve-jar");
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--frobnicate"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--frobnicate");
  }

  @Test
  void aServeJarWhereTheBuildPutsItIsStartedThroughTheLauncherBesideIt() throws Exception {
    Path jar = Files.createDirectories(dir.resolve("repo/router-cli/target")).resolve("llm-router.jar");
    Files.writeString(jar, "jar");
    assertThat(LoadHarness.parse(new String[] {"--serve-jar", jar.toString()}).launcher()).isNull();

    Path launcher = Files.writeString(dir.resolve("repo/llm-router"), "#!/bin/bash\n");
    assertThat(LoadHarness.parse(new String[] {"--serve-jar", jar.toString()}).launcher()).isEqualTo(launcher);
    assertThat(LoadHarness.parse(new String[] {"--serve-jar", jar.toString(), "--launcher", "none"}).launcher()).isNull();
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--launcher", launcher.toString()}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--launcher needs --serve-jar");
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--serve-jar", jar.toString(), "--launcher",
        dir.resolve("nowhere").toString()})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--launcher");
    // The launcher takes extra JVM options as one space-separated variable: an option with a space is refused.
    assertThatThrownBy(() -> LoadHarness.parse(new String[] {"--serve-jar", jar.toString(), "--serve-jvm-arg", "-Da=b c"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-Da=b c");
  }

  @Test
  void streamContentDetectionSkipsTheRoleOnlyChunk() {
    assertThat(LoadHarness.hasContent("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")).isFalse();
    assertThat(LoadHarness.hasContent("data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}")).isTrue();
    assertThat(LoadHarness.pct(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.5)).isEqualTo(5);
    assertThat(LoadHarness.pct(new long[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.99)).isEqualTo(10);
  }
}
