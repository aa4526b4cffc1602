package io.llmrouter.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.llmrouter.testing.TestClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Issue 16: a damaged or hostile state file never stops or hangs a start. */
class JsonFileStateStoreDamageTest {
  private static final LocalDate DAY = LocalDate.parse("2026-03-01");

  @TempDir Path dir;
  private final TestClock clock = new TestClock();

  private Path write(String content) throws IOException {
    Path f = dir.resolve("state.json");
    Files.writeString(f, content, StandardCharsets.UTF_8);
    return f;
  }

  private Path corrupt(Path f) {
    return f.resolveSibling(f.getFileName() + ".corrupt");
  }

  @Test
  void anInstantBeyondTheEpochMillisecondRangeIsClampedAndTheDeploymentStateStarts() throws IOException {
    Path f = write("{\"cooldowns\":{\"far\":{\"until\":\"+1000000000-12-31T23:59:59Z\",\"cause\":\"LIMIT\"},"
        + "\"ok\":\"" + clock.instant().plusSeconds(30) + "\"}}");
    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    Instant latest = clock.instant().plus(JsonFileStateStore.MAX_RESTORED_COOLDOWN);
    assertThat(store.cooldownRecords().get("far").until()).isEqualTo(latest);
    assertThat(store.cooldownRecords().get("ok").until()).isEqualTo(clock.instant().plusSeconds(30));
    // This is where the start used to fail: ArithmeticException (long overflow) in toEpochMilli.
    assertThatCode(() -> new InMemoryDeploymentState("far", 30, null, store)).doesNotThrowAnyException();
    assertThat(new InMemoryDeploymentState("far", 30, null, store).coolingUntil(clock.millis())).isEqualTo(latest.toEpochMilli());
    assertThat(corrupt(f)).exists();
  }

  @Test
  void aYearLongCooldownIsClampedOnLoad() throws IOException {
    Path f = write("{\"cooldowns\":{\"d\":{\"until\":\"" + clock.instant().plusSeconds(366L * 86400) + "\"}}}");
    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    assertThat(store.cooldownRecords().get("d").until()).isEqualTo(clock.instant().plus(JsonFileStateStore.MAX_RESTORED_COOLDOWN));
    // The cleaned state is what the file holds now.
    assertThat(JsonFileStateStore.open(f, clock).cooldownRecords().get("d").until())
        .isEqualTo(clock.instant().plus(JsonFileStateStore.MAX_RESTORED_COOLDOWN));
  }

  @Test
  void aTruncatedFileKeepsTheEntriesBeforeTheCutAndIsKeptAsCorrupt() throws IOException {
    Path f = dir.resolve("state.json");
    JsonFileStateStore first = JsonFileStateStore.open(f, clock);
    first.putCooldown("a", clock.instant().plusSeconds(40), "rate limited");
    first.putCooldown("b", clock.instant().plusSeconds(50), "rate limited");
    first.incrementDaily("a", DAY, 7);
    first.close();
    String whole = Files.readString(f);
    String cut = whole.substring(0, whole.indexOf("\"b\"") + 8);
    Files.writeString(f, cut);

    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    assertThat(store.cooldownRecords()).containsOnlyKeys("a");
    assertThat(store.cooldownRecords().get("a").until()).isEqualTo(clock.instant().plusSeconds(40));
    assertThat(corrupt(f)).exists().hasContent(cut);
    assertThat(JsonFileStateStore.open(f, clock).cooldownRecords()).containsOnlyKeys("a");
  }

  @Test
  void garbageStartsEmptyAndIsKeptAsCorrupt() throws IOException {
    Path f = write("\u0000\u0001 not json {{{ ]]");
    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    assertThat(store.cooldownRecords()).isEmpty();
    assertThat(corrupt(f)).exists();
    assertThat(f).doesNotExist();
    store.putCooldown("x", clock.instant().plusSeconds(5), "r");
    assertThat(JsonFileStateStore.open(f, clock).cooldownRecords()).containsOnlyKeys("x");
  }

  @Test
  void wrongShapesKeepTheReadableEntriesAndDropTheRest() throws IOException {
    Path f = write("{\"cooldowns\":{\"n\":5,\"o\":{\"until\":42},\"p\":{\"until\":\"yesterday\"},\"q\":[1],"
        + "\"early\":\"-5000-01-01T00:00:00Z\",\"good\":{\"until\":\"" + clock.instant().plusSeconds(9) + "\",\"cause\":\"FUTURE\"}},"
        + "\"daily\":{\"a\":{\"2026-03-01\":\"x\",\"bad-day\":3,\"2026-03-02\":5,\"2026-03-03\":-1,\"2026-03-04\":1e400},"
        + "\"b\":7}, \"unknown\":[1,2]}");
    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    assertThat(store.cooldownRecords()).containsOnlyKeys("good");
    assertThat(store.cooldownRecords().get("good").cause()).isEqualTo(CooldownRecord.Cause.LIMIT);
    assertThat(store.daily("a", LocalDate.parse("2026-03-02"))).isEqualTo(5);
    assertThat(store.daily("a", LocalDate.parse("2026-03-01"))).isZero();
    assertThat(corrupt(f)).exists();

    for (String shape : new String[] {"[1,2,3]", "null", "\"text\"", "42", "", "{\"cooldowns\":[]}", "{}{}"}) {
      Path g = write(shape);
      assertThatCode(() -> JsonFileStateStore.open(g, clock)).as(shape).doesNotThrowAnyException();
      assertThat(JsonFileStateStore.open(dir.resolve("state.json"), clock).cooldownRecords()).as(shape).isEmpty();
    }
  }

  @Test
  void aDirectoryInPlaceOfTheFileDoesNotStopTheStart() throws IOException {
    Path f = dir.resolve("state.json");
    Files.createDirectories(f.resolve("inner"));
    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    assertThat(store.cooldownRecords()).isEmpty();
    store.putCooldown("x", clock.instant().plusSeconds(5), "r");
    assertThat(Files.isRegularFile(f)).isTrue();
  }

  // Opening a FIFO for reading blocks until a writer appears; the timeout guards against that hang.
  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aFifoIsNeverOpened() throws Exception {
    Path f = dir.resolve("state.json");
    Process p;
    try {
      p = new ProcessBuilder("mkfifo", f.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "mkfifo not available: " + e.getMessage());
      return;
    }
    assumeTrue(p.waitFor() == 0 && Files.exists(f), "mkfifo failed");
    JsonFileStateStore store = JsonFileStateStore.open(f, clock);
    assertThat(store.cooldownRecords()).isEmpty();
    assertThat(corrupt(f)).exists();
    assertThat(Files.isRegularFile(corrupt(f))).isFalse();
  }
}
