package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ConfigException;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.spi.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The serve and health commands over a test {@link RouterLoader}. */
class CommandsTest {
  final StubRouter router = new StubRouter();
  final AtomicReference<Path> loadedConfig = new AtomicReference<>();
  final AtomicReference<Path> loadedEnv = new AtomicReference<>();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  RouterLoader loader(Secret key) {
    return (config, envFile) -> {
      loadedConfig.set(config);
      loadedEnv.set(envFile);
      return new RouterLoader.Loaded(router, key);
    };
  }

  CommandLine cli(Object command) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void serveStartsWithTheConfiguredKeyAndStopsWithExitZero() throws Exception {
    ServeCommand serve = new ServeCommand(loader(Secret.of("sk-master")));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli(serve).execute(
        "--config", "conf.yaml", "--env-file", ".env", "--port", "0", "--max-body-size", "1KiB", "--shutdown-grace", "1"));
    assertThat(serve.awaitStarted(Duration.ofSeconds(10))).as(err.toString()).isTrue();
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + serve.server().port();

    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/health/liveliness")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).header("x-api-key", "sk-master").build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    String big = StubRouter.chatBody("fast").replace("hi", "a".repeat(2000));
    assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).header("x-api-key", "sk-master")
        .POST(HttpRequest.BodyPublishers.ofString(big)).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(413);

    serve.requestShutdown();

    assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
    assertThat(router.closed).isTrue();
    assertThat(loadedConfig.get()).isEqualTo(Path.of("conf.yaml"));
    assertThat(loadedEnv.get()).isEqualTo(Path.of(".env"));
    assertThat(out.toString()).contains("llm-router serving 2 model groups at http://127.0.0.1:").doesNotContain("sk-master");
  }

  @Test
  void configErrorIsOneClearMessageAndExitTwo() {
    RouterLoader broken = (config, env) -> {
      throw new ConfigException("router_settings.fallbacks[2]", "unknown model group 'nope'");
    };

    int code = cli(new ServeCommand(broken)).execute("--config", "bad.yaml", "--port", "0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().strip()).isEqualTo(
        "llm-router serve: configuration error: router_settings.fallbacks[2]: unknown model group 'nope'");
  }

  @Test
  void nonLoopbackWithoutKeyIsRefusedAndTheRouterClosed() {
    int code = cli(new ServeCommand(loader(null))).execute("--config", "c.yaml", "--host", "0.0.0.0", "--port", "0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("refusing to listen on 0.0.0.0 without a master key");
    assertThat(router.closed).isTrue();
  }

  @Test
  void portInUseIsExitOne() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int code = cli(new ServeCommand(loader(null))).execute("--config", "c.yaml", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort());
    }
  }

  @Test
  void healthPrintsEndpointsAndExitsNonZeroWhenAnyIsUnhealthy() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    router.checkHealth = new HealthReport(
        List.of(new HealthReport.Endpoint("fast", "groq-1", "groq/llama-3.1-8b-instant", "https://api.groq.com/openai/v1", null, t)),
        List.of(new HealthReport.Endpoint("smart", "or-1", "openrouter/deepseek", "https://openrouter.ai/api/v1",
            "AuthenticationException: 401 invalid key\nstack line", t)),
        t);

    int code = cli(new HealthCommand(loader(null))).execute("--config", "c.yaml");

    assertThat(code).isEqualTo(1);
    assertThat(out.toString())
        .contains("healthy    fast  groq/llama-3.1-8b-instant  (deployment groq-1)")
        .contains("unhealthy  smart  openrouter/deepseek  (deployment or-1)  error: AuthenticationException: 401 invalid key")
        .contains("1 healthy, 1 unhealthy")
        .doesNotContain("stack line");
    assertThat(router.closed).isTrue();
  }

  @Test
  void healthModeChoosesTheProbeAndTheQuotaStateIsPrinted() {
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    Instant reset = Instant.parse("2026-01-02T00:00:00Z");
    io.llmrouter.api.HealthReport.Quota q = new io.llmrouter.api.HealthReport.Quota(
        new io.llmrouter.api.RateSignal.Window(14_400L, 0L, reset, io.llmrouter.api.RateScope.DAY), null, reset, t);
    router.checkHealth = new HealthReport(List.of(), List.of(new HealthReport.Endpoint("fast", "groq-1", "groq/llama-3.1-8b-instant",
        "https://api.groq.com/openai/v1", "RateLimitedException: 429 daily limit", t, q)), t);

    assertThat(cli(new HealthCommand(loader(null))).execute("--config", "c.yaml")).isEqualTo(1);
    assertThat(router.checkedMode).isNull(); // no --mode: the config's mode, through checkHealth()
    assertThat(out.toString()).contains("(deployment groq-1)  error: RateLimitedException: 429 daily limit"
        + "  quota: requests 0/14400 left per day, resets 2026-01-02T00:00:00Z; exhausted until 2026-01-02T00:00:00Z");

    assertThat(cli(new HealthCommand(loader(null))).execute("--config", "c.yaml", "--mode", "chat")).isEqualTo(1);
    assertThat(router.checkedMode).isEqualTo(io.llmrouter.api.HealthCheckMode.CHAT);
    assertThat(cli(new HealthCommand(loader(null))).execute("--config", "c.yaml", "--mode", "list")).isEqualTo(1);
    assertThat(router.checkedMode).isEqualTo(io.llmrouter.api.HealthCheckMode.LIST);

    assertThat(cli(new HealthCommand(loader(null))).execute("--config", "c.yaml", "--mode", "ping")).isEqualTo(2);
    assertThat(err.toString()).contains("--mode: expected one of list, chat, got \"ping\"");
  }

  @Test
  void healthExitsZeroWhenAllHealthyAndTwoOnConfigError() {
    router.checkHealth = new HealthReport(List.of(), List.of(), Instant.EPOCH);
    assertThat(cli(new HealthCommand(loader(null))).execute("--config", "c.yaml")).isZero();

    RouterLoader broken = (c, e) -> {
      throw new ConfigException("", "cannot read c.yaml: NoSuchFileException");
    };
    assertThat(cli(new HealthCommand(broken)).execute("--config", "c.yaml")).isEqualTo(2);
    assertThat(err.toString()).contains("configuration error: cannot read c.yaml");
  }

  @Test
  void aBadBodySizeIsAUsageErrorNotAStackTrace() {
    int code = cli(new ServeCommand(loader(null))).execute("--config", "c.yaml", "--port", "0", "--max-body-size", "ten");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("'ten' is not a size; use e.g. 10MiB").doesNotContain("Exception");
    assertThat(loadedConfig.get()).isNull();
  }

  /** Issue 16: this size overflowed the body read and every chat failed with "body is empty". */
  @Test
  void anAbsurdBodySizeIsRefusedWithTheOptionsName() {
    int code = cli(new ServeCommand(loader(null))).execute("--config", "c.yaml", "--port", "0",
        "--max-body-size", "9223372036854775807");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--max-body-size must be at most 1GiB").doesNotContain("Exception");
    assertThat(loadedConfig.get()).isNull();
  }

  @Test
  void theBodyTimeoutAndConnectionLimitMustBePositive() {
    assertThat(cli(new ServeCommand(loader(null))).execute("--config", "c.yaml", "--body-timeout", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--body-timeout must be at least 1 second");
    assertThat(cli(new ServeCommand(loader(null))).execute("--config", "c.yaml", "--max-connections-per-address", "-1"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--max-connections-per-address must be at least 1");
    assertThat(loadedConfig.get()).isNull();
  }

  @Test
  void mainRegistersServeAndHealth() {
    CommandLine main = Main.commandLine();
    assertThat(main.getSubcommands()).containsKeys("serve", "health");
    assertThat(main.getSubcommands().get("serve").getCommandSpec().findOption("--max-body-size").defaultValue()).isEqualTo("10MiB");
  }
}
