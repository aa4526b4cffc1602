package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.cli.ServeCommand;
import io.llmrouter.core.config.Env;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 12's status page and metrics in a real browser over a real {@code serve}: the provider simulator
 * (real time, since serve runs on the system clock), {@code serve} built from a YAML file by the production
 * loader, and headless Debian Chromium driven by playwright-core ({@code src/test/browser/status-page.mjs},
 * installed into {@code target/browser} by the build). The script logs in through the page's form, sees
 * every deployment available, exhausts the simulator's groq model over HTTP, and waits for the page to
 * show it cooling without a reload; screenshots land in {@code target/}. Then {@code /metrics} is scraped
 * for the counts that run caused (the scrape is kept as {@code target/status-page-metrics.txt}).
 */
class StatusPageBrowserTest {
  static final String MASTER = "sk-browser-test-master";
  static final String CONFIG = """
      model_list:
        - model_name: chat
          litellm_params:
            model: groq/e2e/tiny
            api_key: os.environ/GROQ_API_KEY
            rpm: 10
            tpm: 50000
          model_info:
            id: groq-tiny
        - model_name: chat-backup
          litellm_params:
            model: openrouter/e2e/tiny:free
            api_key: os.environ/OPENROUTER_API_KEY
          model_info:
            id: or-tiny
        - model_name: "<b>evil</b>"
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
      router_settings:
        num_retries: 0
        fallbacks:
          - {"chat": ["chat-backup"]}
      general_settings:
        master_key: os.environ/LLM_ROUTER_MASTER_KEY
      """;

  @TempDir Path dir;
  ProviderSimulator sim;
  ServeCommand serve;
  CompletableFuture<Integer> exit;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() throws Exception {
    // groq's e2e/tiny takes 2 requests a minute: the third meets a real 429 with the provider's retry hint.
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).seed(12).providers(SimProvider.GROQ, SimProvider.OPENROUTER)
        .model(SimModel.builder(SimProvider.GROQ, "e2e/tiny").rpm(2).rpd(1_000).tpm(60_000).build())
        .model(SimModel.builder(SimProvider.OPENROUTER, "e2e/tiny:free").rpm(20).build())
        .build().start();
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
    Map<String, String> env = new HashMap<>(sim.env());
    env.put("LLM_ROUTER_MASTER_KEY", MASTER);
    serve = new ServeCommand(new ConfigRouterLoader(Env.of(env)));
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    exit = CompletableFuture.supplyAsync(() -> cl.execute("--config", config.toString(), "--port", "0", "--no-state-file",
        "--shutdown-grace", "1"));
    assertThat(serve.awaitStarted(Duration.ofSeconds(20))).as(err.toString()).isTrue();
  }

  @AfterEach
  void stop() throws Exception {
    serve.requestShutdown();
    assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
    sim.close();
    assertThat(out.toString() + err.toString()).doesNotContain(MASTER);
  }

  @Test
  void thePageShowsACoolingDeploymentWithoutAReloadAndTheScrapeCountsTheRun() throws Exception {
    String base = "http://127.0.0.1:" + serve.server().port();
    Path target = Path.of("target").toAbsolutePath();
    Path script = target.resolve("browser/status-page.mjs");
    assertThat(script).as("the build copies the browser test to target/browser").exists();
    Files.deleteIfExists(target.resolve("status-page.png"));
    Files.deleteIfExists(target.resolve("status-page-phone.png"));

    ProcessBuilder pb = new ProcessBuilder("node", script.toString(), base, target.toString()).redirectErrorStream(true);
    pb.environment().put("LLM_ROUTER_TEST_KEY", MASTER);
    Process node = pb.start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    CompletableFuture<Void> drain = CompletableFuture.runAsync(() -> {
      try {
        node.getInputStream().transferTo(output);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    boolean finished = node.waitFor(120, TimeUnit.SECONDS);
    if (!finished) node.destroyForcibly();
    drain.get(10, TimeUnit.SECONDS);
    String log = output.toString(StandardCharsets.UTF_8);
    assertThat(finished).as("the browser script finished: %s", log).isTrue();
    assertThat(node.exitValue()).as("the browser script's checks: %s", log).isZero();
    assertThat(log).contains("\"initialState\":\"available\"").contains("\"stillSamePage\":true")
        .contains("\"backupState\":\"available\"").contains("That is not the master key.");
    assertThat(log).doesNotContain(MASTER);
    assertThat(target.resolve("status-page.png")).exists().satisfies(p -> assertThat(Files.size(p)).isGreaterThan(10_000));
    assertThat(target.resolve("status-page-phone.png")).exists();

    // The scrape counts exactly the script's three requests: two served by groq-tiny, the third by the fallback.
    assertThat(get(base + "/metrics", null).statusCode()).isEqualTo(401);
    HttpResponse<String> metrics = get(base + "/metrics", MASTER);
    assertThat(metrics.statusCode()).isEqualTo(200);
    String scrape = metrics.body();
    Files.writeString(target.resolve("status-page-metrics.txt"), scrape); // what an operator's scraper reads, for a look
    assertThat(value(scrape, "llm_router_requests_total", "model_group=\"chat\",outcome=\"served\"")).isEqualTo(3);
    assertThat(value(scrape, "llm_router_fallbacks_total", "from_group=\"chat\",kind=\"fallbacks\",to_group=\"chat-backup\"")).isEqualTo(1);
    assertThat(value(scrape, "llm_router_upstream_responses_total",
        "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\",status=\"429\"")).isEqualTo(1);
    assertThat(value(scrape, "llm_router_attempts_total",
        "deployment=\"or-tiny\",model_group=\"chat-backup\",outcome=\"success\",provider=\"openrouter\"")).isEqualTo(1);
    assertThat(value(scrape, "llm_router_deployment_available", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isZero();
    assertThat(value(scrape, "llm_router_deployment_rpm_limit", "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isEqualTo(10);
    assertThat(value(scrape, "llm_router_deployment_cooldown_remaining_seconds",
        "deployment=\"groq-tiny\",model_group=\"chat\",provider=\"groq\"")).isPositive();
    assertThat(scrape).contains("jvm_memory_used_bytes").doesNotContain(MASTER).doesNotContain(SimProvider.GROQ.fakeKey());
  }

  HttpResponse<String> get(String url, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
    if (key != null) b.header("authorization", "Bearer " + key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static double value(String scrape, String name, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name + "{" + labels + "}") + " (\\S+)").matcher(scrape);
    assertThat(m.find()).as("%s{%s} in the scrape:%n%s", name, labels, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
