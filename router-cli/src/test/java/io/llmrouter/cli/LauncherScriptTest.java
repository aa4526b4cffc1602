package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's launcher script ({@code ./llm-router}) with a stand-in {@code java} on the PATH that
 * records its arguments (and, for a training run, the class list it is asked for; for {@code -Xshare:dump}, the
 * archive): the JVM options come
 * from {@code router-cli/llm-router.jvm.options} in order, then {@code LLM_ROUTER_JAVA_OPTS}; the class-data
 * archive beside the jar is written once, used while the jar is unchanged, rewritten when the jar changes,
 * and a failed training run or {@code LLM_ROUTER_CDS=off} still starts the command, without the archive.
 */
class LauncherScriptTest {
  private static final Path LAUNCHER = Path.of("..", "llm-router");
  private static final Path OPTIONS = Path.of("llm-router.jvm.options");

  @TempDir Path dir;
  private Path root;
  private Path jar;
  private Path calls;
  private Path bin;

  @BeforeEach
  void setUp() throws Exception {
    root = Files.createDirectories(dir.resolve("repo"));
    Files.copy(LAUNCHER, root.resolve("llm-router"));
    Files.createDirectories(root.resolve("router-cli"));
    Files.copy(OPTIONS, root.resolve("router-cli").resolve("llm-router.jvm.options"));
    jar = Files.createDirectories(dir.resolve("dist")).resolve("llm-router.jar");
    Files.writeString(jar, "not really a jar");
    calls = dir.resolve("calls.log");
    bin = Files.createDirectories(dir.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, String.join("\n",
        "#!/bin/bash",
        "printf '%s\\n' \"$*\" >>\"$CALLS\"",
        "dump=; for a in \"$@\"; do [ \"$a\" = -Xshare:dump ] && dump=1; done",
        "for a in \"$@\"; do",
        "  case \"$a\" in",
        "    -XX:DumpLoadedClassList=*) [ \"${FAIL_TRAINING:-}\" = 1 ] && exit 3; echo classes >\"${a#*=}\";;",
        "    -XX:SharedClassListFile=*) grep -q classes \"${a#*=}\" || exit 4;;",
        "    -XX:SharedArchiveFile=*) [ -n \"$dump\" ] && { [ \"${FAIL_DUMP:-}\" = 1 ] && exit 5; echo archive >\"${a#*=}\"; };;",
        "  esac",
        "done",
        "exit 0", ""));
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void optionsFileFlagsInOrderThenTheEnvironmentsThenTheArchive() throws Exception {
    Result r = run(Map.of("LLM_ROUTER_JAVA_OPTS", "-Dextra=1 -Xmx300m"), "--version");

    assertThat(r.code).isZero();
    List<String> options = fileOptions();
    assertThat(options).contains("-XX:+UseSerialGC").anyMatch(o -> o.startsWith("-Xmx"));
    assertThat(r.calls).hasSize(3);
    String training = r.calls.get(0);
    assertThat(training).startsWith(String.join(" ", options) + " -XX:DumpLoadedClassList=")
        .endsWith("-jar " + jar + " cds-training");
    String list = training.substring(training.indexOf("-XX:DumpLoadedClassList=") + "-XX:DumpLoadedClassList=".length(),
        training.indexOf(" -jar "));
    assertThat(r.calls.get(1)).startsWith(String.join(" ", options) + " -Xshare:dump -XX:SharedClassListFile=" + list
        + " -XX:SharedArchiveFile=").endsWith(" -cp " + jar);
    assertThat(Path.of(list)).doesNotExist(); // the class list is removed once the archive is written
    assertThat(r.calls.get(2)).isEqualTo(String.join(" ", options) + " -XX:SharedArchiveFile=" + archive()
        + " -Dextra=1 -Xmx300m -jar " + jar + " --version");
    assertThat(archive()).hasContent("archive");
    assertThat(r.stderr).contains("writing the class-data archive");
  }

  @Test
  void aFreshArchiveIsUsedWithoutTrainingAgain() throws Exception {
    run(Map.of(), "demo");
    Files.delete(calls);

    Result second = run(Map.of(), "demo");

    assertThat(second.calls).hasSize(1);
    assertThat(second.calls.get(0)).contains("-XX:SharedArchiveFile=" + archive()).endsWith(" demo");
    assertThat(second.stderr).isEmpty();
  }

  @Test
  void aChangedJarGetsANewArchive() throws Exception {
    run(Map.of(), "demo");
    Files.delete(calls);
    Files.writeString(jar, "a rebuilt jar, longer than the first");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(5)));

    Result r = run(Map.of(), "demo");

    assertThat(r.calls).hasSize(3);
    assertThat(r.calls.get(0)).contains("-XX:DumpLoadedClassList=").endsWith("cds-training");
    assertThat(r.calls.get(1)).contains("-Xshare:dump");
    assertThat(r.calls.get(2)).contains("-XX:SharedArchiveFile=" + archive());
  }

  @Test
  void aFailedTrainingRunStartsTheCommandWithoutAnArchive() throws Exception {
    Result r = run(Map.of("FAIL_TRAINING", "1"), "demo");

    assertThat(r.code).isZero();
    assertThat(r.calls).hasSize(2);
    assertThat(r.calls.get(1)).doesNotContain("SharedArchiveFile").endsWith("-jar " + jar + " demo");
    assertThat(r.stderr).contains("could not write the class-data archive");
    assertThat(archive()).doesNotExist();
    try (var left = Files.list(jar.getParent())) {
      assertThat(left).containsExactly(jar); // no temporary archive left behind
    }
  }

  @Test
  void aFailedDumpStartsTheCommandWithoutAnArchiveAndLeavesNoTemporaryFiles() throws Exception {
    Result r = run(Map.of("FAIL_DUMP", "1"), "demo");

    assertThat(r.code).isZero();
    assertThat(r.calls).hasSize(3);
    assertThat(r.calls.get(1)).contains("-Xshare:dump");
    assertThat(r.calls.get(2)).doesNotContain("SharedArchiveFile").endsWith("-jar " + jar + " demo");
    assertThat(r.stderr).contains("could not write the class-data archive");
    assertThat(archive()).doesNotExist();
    try (var left = Files.list(jar.getParent())) {
      assertThat(left).containsExactly(jar); // neither the class list nor a partial archive is left behind
    }
  }

  @Test
  void cdsOffNeitherWritesNorUsesTheArchive() throws Exception {
    Result r = run(Map.of("LLM_ROUTER_CDS", "off"), "demo");

    assertThat(r.calls).hasSize(1);
    assertThat(r.calls.get(0)).doesNotContain("SharedArchiveFile").doesNotContain("DumpLoadedClassList");
    assertThat(archive()).doesNotExist();
  }

  @Test
  void cdsArchiveOptionOnlyWritesTheArchiveAndFailsWhenItCannot() throws Exception {
    Result ok = run(Map.of(), "--cds-archive");
    assertThat(ok.code).isZero();
    assertThat(ok.calls).hasSize(2);
    assertThat(archive()).exists();

    Files.delete(archive());
    Result failed = run(Map.of("FAIL_TRAINING", "1"), "--cds-archive");
    assertThat(failed.code).isNotZero();
    assertThat(archive()).doesNotExist();
  }

  private Path archive() {
    return jar.resolveSibling("llm-router.jsa");
  }

  private List<String> fileOptions() throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(OPTIONS)) {
      String t = line.strip();
      if (!t.isEmpty() && !t.startsWith("#")) out.add(t);
    }
    return out;
  }

  private record Result(int code, List<String> calls, String stderr) {}

  private Result run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", root.resolve("llm-router").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("LLM_ROUTER_JAVA_OPTS");
    pb.environment().remove("LLM_ROUTER_CDS");
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().put("CALLS", calls.toString());
    pb.environment().put("LLM_ROUTER_JAR", jar.toString());
    pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    p.getErrorStream().transferTo(err);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    return new Result(p.exitValue(), lines, err.toString(StandardCharsets.UTF_8));
  }
}
