package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.cli.Main;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, over a real {@code llm-router serve} process ({@link Main}, the production loader) with the root
 * logger at debug and {@code set_verbose: true}, in front of the simulator: the master key (sent as
 * {@code Authorization} and {@code x-api-key}), the provider key, and the credentials and query inside an
 * {@code api_base} appear in no answer (bodies and headers), no log line (stdout, stderr) and no file the
 * process writes (the state file).
 */
@DisabledOnOs(OS.WINDOWS)
class SecretsNeverLeakFromServeTest {
  static final String MASTER = "sk-master-NEVER-LOGGED-4711";
  static final String BASE_PASSWORD = "PASSWORD-in-api-base-123";
  static final String DEAD_PASSWORD = "PASSWORD-of-dead-base-456";
  static final String QUERY_SECRET = "QSECRET-in-query-789";

  @TempDir Path dir;
  ProviderSimulator sim;
  Process serve;
  final List<String> answers = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).seed(16).providers(SimProvider.GROQ).build().start();
  }

  @AfterEach
  void stop() {
    if (serve != null) serve.destroyForcibly();
    sim.close();
  }

  String config() {
    URI groq = URI.create(sim.baseUrl(SimProvider.GROQ));
    return """
        model_list:
          - model_name: primary
            litellm_params:
              model: groq/llama-3.1-8b-instant
              api_key: os.environ/GROQ_API_KEY
              api_base: http://simuser:%s@127.0.0.1:%d%s
          - model_name: dead
            litellm_params:
              model: groq/llama-3.1-8b-instant
              api_key: os.environ/GROQ_API_KEY
              api_base: "http://deaduser:%s@127.0.0.1:1/v1?api-key=%s"
        litellm_settings:
          set_verbose: true
        router_settings:
          num_retries: 0
        general_settings:
          master_key: os.environ/LLM_ROUTER_MASTER_KEY
        """.formatted(BASE_PASSWORD, groq.getPort(), groq.getPath(), DEAD_PASSWORD, QUERY_SECRET);
  }

  HttpResponse<String> call(String base, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) b.headers(headers);
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    answers.add(r.statusCode() + " " + r.headers().map() + " " + r.body());
    return r;
  }

  static String chat(String group, boolean stream) {
    return "{\"model\":\"" + group + "\",\"stream\":" + stream + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  @Test
  void noSecretInAnswersLogsOrFilesWithDebugLoggingAndSetVerbose() throws Exception {
    Path config = dir.resolve("config.yaml");
    Files.writeString(config, config());
    Path stdout = dir.resolve("serve.out");
    Path stderr = dir.resolve("serve.err");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Dorg.slf4j.simpleLogger.log.org.eclipse.jetty=debug",
        Main.class.getName(), "serve", "--config", config.toString(), "--port", "0", "--shutdown-grace", "2"))
        .redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
    pb.environment().putAll(sim.env());
    pb.environment().put("LLM_ROUTER_MASTER_KEY", MASTER);
    serve = pb.start();
    String base;
    {
      base = awaitServing(stdout);
      String json = "application/json";
      assertThat(call(base, "POST", "/v1/chat/completions", chat("primary", false), "authorization", "Bearer " + MASTER,
          "content-type", json).statusCode()).isEqualTo(200);
      assertThat(call(base, "POST", "/v1/chat/completions", chat("primary", true), "x-api-key", MASTER,
          "content-type", json).statusCode()).isEqualTo(200);
      assertThat(call(base, "POST", "/v1/chat/completions", chat("dead", false), "authorization", "Bearer " + MASTER,
          "content-type", json).statusCode()).isBetween(500, 599);
      assertThat(call(base, "GET", "/health", null, "authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);
      assertThat(call(base, "GET", "/v1/models", null, "x-api-key", MASTER).statusCode()).isEqualTo(200);
      assertThat(call(base, "GET", "/cooldowns", null, "authorization", "Bearer " + MASTER).statusCode()).isEqualTo(200);
      assertThat(call(base, "GET", "/v1/models", null, "authorization", "Bearer " + MASTER + "-wrong").statusCode()).isEqualTo(401);

      serve.destroy(); // SIGTERM: a graceful stop that writes the state file
      assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    String log = Files.readString(stderr) + Files.readString(stdout);
    assertThat(log).as("debug logging was on").contains("DEBUG");
    assertThat(log).as("the access log ran").contains("method=POST path=/v1/chat/completions");
    List<String> secrets = List.of(MASTER, SimProvider.GROQ.fakeKey(), BASE_PASSWORD, DEAD_PASSWORD, QUERY_SECRET);
    assertThat(answers).hasSize(7);
    for (String secret : secrets) {
      for (String a : answers) assertThat(a).as("an answer").doesNotContain(secret);
      assertThat(log).as("the logs").doesNotContain(secret);
    }
    assertThat(log).doesNotContainIgnoringCase("authorization: bearer").doesNotContainIgnoringCase("x-api-key: ");
    // Every file the process wrote (the state file beside the config, at least) but the config it was given.
    List<Path> written;
    try (Stream<Path> files = Files.walk(dir)) {
      written = files.filter(Files::isRegularFile).filter(p -> !p.equals(config)).toList();
    }
    assertThat(written).anyMatch(p -> p.getFileName().toString().startsWith(".llm-router-state"));
    for (Path p : written) {
      if (p.equals(stdout) || p.equals(stderr)) continue;
      String content = Files.readString(p);
      for (String secret : secrets) assertThat(content).as(p.toString()).doesNotContain(secret);
    }
    // The redacted base is still useful to read.
    assertThat(String.join("\n", answers)).contains("127.0.0.1:1/v1");
  }

  /** Waits (bounded) for the serving line in the process's stdout and returns the server's root URL. */
  private String awaitServing(Path stdout) throws Exception {
    Pattern serving = Pattern.compile("llm-router serving .* at (http://\\S+)/v1");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline && serve.isAlive()) {
      Matcher m = serving.matcher(Files.readString(stdout));
      if (m.find()) return m.group(1);
      // Waiting for a JVM to start, not for a rate window.
      serve.waitFor(50, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError("serve did not start: " + Files.readString(stdout));
  }
}
