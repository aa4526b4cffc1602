package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.config.Env;
import io.llmrouter.core.state.CooldownRecord;
import io.llmrouter.core.state.JsonFileStateStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code llm-router cooldowns} over a real config and a real state file (the one {@code serve} writes). */
class CooldownsCommandTest {
  static final String CONFIG = """
      model_list:
        - model_name: groq/llama-3.3-70b
          litellm_params: {model: groq/llama-3.3-70b-versatile, api_key: os.environ/GROQ_API_KEY}
          model_info: {id: groq-70b}
        - model_name: groq/llama-3.3-70b
          litellm_params: {model: groq/llama-3.3-70b-specdec, api_key: os.environ/GROQ_API_KEY}
          model_info: {id: groq-70b-spec}
        - model_name: nvidia/llama-3.3-70b
          litellm_params: {model: nvidia_nim/meta/llama-3.3-70b-instruct, api_key: os.environ/NVIDIA_NIM_API_KEY}
          model_info: {id: nim-70b}
      general_settings:
        master_key: os.environ/LLM_ROUTER_MASTER_KEY
        background_health_checks: true
        health_check_interval: 1
      """;

  @TempDir Path dir;
  final Instant now = Instant.parse("2026-03-01T10:00:00Z");
  final Clock clock = Clock.fixed(now, ZoneOffset.UTC);
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  Path config;

  @BeforeEach
  void files() throws Exception {
    config = dir.resolve("config.yaml");
    Files.writeString(config, CONFIG);
  }

  /** Writes the state serve would have written: the 70b group cooling (a day cap, a 503), NIM for a minute. */
  void state(Path file) {
    try (JsonFileStateStore s = JsonFileStateStore.open(file, clock)) {
      s.putCooldown("groq-70b", CooldownRecord.limit(now.plus(Duration.ofHours(14)), "RateLimitedException: groq HTTP 429: requests per day (RPD)"));
      s.putCooldown("groq-70b-spec", CooldownRecord.limit(now.plusSeconds(60), "ProviderUnavailableException: groq HTTP 503: over capacity"));
      s.putCooldown("nim-70b", CooldownRecord.limit(now.plusSeconds(45), "RateLimitedException: nvidia_nim HTTP 429: Too Many Requests"));
    }
  }

  int run(String... args) {
    // The keys are set (a fingerprint would compare them) but no master key: the command needs none.
    Env env = Env.of(Map.of("GROQ_API_KEY", "gsk-x", "NVIDIA_NIM_API_KEY", "nvapi-x"));
    CommandLine cl = new CommandLine(new CooldownsCommand(state -> new ConfigRouterLoader(env, state, true, clock), clock));
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void listsEveryCoolingDeploymentWithUntilAndWhyFromTheDefaultStateFile() {
    state(dir.resolve(".llm-router-state.json"));
    int code = run("--config", config.toString());
    assertThat(code).as(err.toString()).isZero();
    String o = out.toString();
    assertThat(o).contains("cooling  groq/llama-3.3-70b  llama-3.3-70b-versatile  (deployment groq-70b)  until 2026-03-02T00:00:00Z (in 14h 0m)"
        + "  why: RateLimitedException: groq HTTP 429: requests per day (RPD)");
    assertThat(o).contains("(deployment groq-70b-spec)  until 2026-03-01T10:01:00Z (in 1m 0s)  why: ProviderUnavailableException: groq HTTP 503");
    assertThat(o).contains("cooling  nvidia/llama-3.3-70b  meta/llama-3.3-70b-instruct  (deployment nim-70b)  until 2026-03-01T10:00:45Z (in 45s)");
    assertThat(o).contains("3 deployments cooling or quota-blocked");
    assertThat(o).doesNotContain("gsk-x").doesNotContain("nvapi-x");
  }

  @Test
  void clearsAGroupThenADeploymentIdThenAllInTheStateFile() throws Exception {
    Path file = dir.resolve("custom-state.json");
    state(file);
    assertThat(run("--config", config.toString(), "--state-file", file.toString(), "--clear", "groq/llama-3.3-70b")).as(err.toString()).isZero();
    assertThat(out.toString()).contains("cleared 2 cooling deployments (groq/llama-3.3-70b)").contains("1 deployment cooling or quota-blocked");
    String stored = Files.readString(file);
    assertThat(stored).doesNotContain("groq-70b").contains("nim-70b");

    assertThat(run("--config", config.toString(), "--state-file", file.toString(), "--clear", "nim-70b")).isZero();
    assertThat(out.toString()).contains("cleared 1 cooling deployment (nim-70b)").contains("0 deployments cooling or quota-blocked");
    assertThat(Files.readString(file)).doesNotContain("nim-70b");

    state(file);
    assertThat(run("--config", config.toString(), "--state-file", file.toString(), "--clear", "all")).isZero();
    assertThat(out.toString()).contains("cleared 3 cooling deployments (all)");
    try (JsonFileStateStore s = JsonFileStateStore.open(file, clock)) {
      assertThat(s.cooldowns()).isEmpty();
    }
  }

  @Test
  void anUnknownNameIsExitTwoWithTheKnownNamesAndTheFileUntouched() throws Exception {
    Path file = dir.resolve(".llm-router-state.json");
    state(file);
    String before = Files.readString(file);
    assertThat(run("--config", config.toString(), "--clear", "groq/llama-9")).isEqualTo(2);
    assertThat(err.toString()).contains("'groq/llama-9' is neither a model group nor a deployment id").contains("nim-70b");
    assertThat(Files.readString(file)).isEqualTo(before);
  }

  @Test
  void anAuthCooldownForAKeyThatHasSinceChangedIsNotListedAndLeavesTheFile() throws Exception {
    Path file = dir.resolve(".llm-router-state.json");
    try (JsonFileStateStore s = JsonFileStateStore.open(file, clock)) {
      s.putCooldown("groq-70b", new CooldownRecord(now.plus(Duration.ofHours(24)), "AuthenticationException: groq HTTP 401: Invalid API Key",
          CooldownRecord.Cause.AUTHENTICATION, "00112233aabbccdd"));
    }
    assertThat(run("--config", config.toString())).isZero();
    assertThat(out.toString()).contains("0 deployments cooling or quota-blocked");
    assertThat(Files.readString(file)).doesNotContain("groq-70b").doesNotContain("gsk-x");
  }

  @Test
  void mainRegistersTheCommand() {
    assertThat(Main.commandLine().getSubcommands()).containsKey("cooldowns");
  }
}
