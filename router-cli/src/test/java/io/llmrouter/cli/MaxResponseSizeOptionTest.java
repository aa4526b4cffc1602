package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import io.llmrouter.core.config.Env;
import io.llmrouter.testkit.FaultyUpstream;
import io.llmrouter.testkit.FaultyUpstream.Kind;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 16, "upstream bodies are unbounded": the cap on upstream response bodies is configurable, as
 * {@code general_settings.max_response_size_mb} (LiteLLM's key) and serve's {@code --max-response-size}
 * (which wins). Over real HTTP: serve with the config-reading loader in front of the real engine and
 * provider client, a hostile upstream behind it. A 100 MB body and a gzip bomb against a small cap end as
 * a typed 502 that names the configured cap, long before the request's 60 s deadline.
 */
class MaxResponseSizeOptionTest {
  static FaultyUpstream upstream;
  static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeAll
  static void start() throws Exception {
    upstream = FaultyUpstream.start();
  }

  @AfterAll
  static void stop() {
    upstream.close();
  }

  private Path config(Kind kind, String general) throws Exception {
    Path c = dir.resolve("config-" + kind + ".yaml");
    Files.writeString(c, "model_list:\n  - model_name: main\n    litellm_params:\n      model: hosted_vllm/m\n      api_base: "
        + upstream.baseUrl(kind) + "\nrouter_settings:\n  num_retries: 0\n" + general);
    return c;
  }

  /** Serves {@code config} with {@code options}, sends one chat with a 60 s deadline, returns the answer. */
  private HttpResponse<String> chatThroughServe(Path config, String... options) throws Exception {
    ServeCommand serve = new ServeCommand(state -> new ConfigRouterLoader(Env.of(Map.of()), null), false);
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("--config", config.toString(), "--port", "0", "--no-state-file",
        "--no-watch", "--shutdown-grace", "1"));
    args.addAll(List.of(options));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args.toArray(String[]::new)));
    try {
      assertThat(serve.awaitStarted(Duration.ofSeconds(20))).as(err.toString()).isTrue();
      String body = "{\"model\":\"main\",\"timeout\":60,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.server().port() + "/v1/chat/completions"))
          .timeout(Duration.ofSeconds(50)).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    } finally {
      serve.requestShutdown();
      assertThat(exit.get(20, TimeUnit.SECONDS)).as(err.toString()).isZero();
    }
  }

  private static void assertCapped(HttpResponse<String> r, long cap) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    JsonNode error = Json.tree(r.body()).get("error");
    assertThat(error.get("type").asText()).isEqualTo("api_error");
    assertThat(error.get("message").asText()).contains("exceeds the " + cap + "-byte cap");
  }

  @Test
  void aHundredMegabyteBodyStopsAtTheOptionsCap() throws Exception {
    assertCapped(chatThroughServe(config(Kind.HUGE_BODY, ""), "--max-response-size", "64KiB"), 64 * 1024);
  }

  @Test
  void aGzipBombStopsAtTheConfiguredCapCountedAfterDecoding() throws Exception {
    assertCapped(chatThroughServe(config(Kind.GZIP_BOMB, "general_settings:\n  max_response_size_mb: 0.125\n")), 128 * 1024);
  }

  @Test
  void theConfigKeyAppliesToOrdinaryAnswersAndTheOptionOverridesIt() throws Exception {
    // The ordinary completion is about 260 bytes: a 100-byte cap refuses it, so the key really reached the client.
    Path tiny = config(Kind.OK, "general_settings:\n  max_response_size_mb: 0.0001\n");
    assertCapped(chatThroughServe(tiny), 104);
    HttpResponse<String> overridden = chatThroughServe(tiny, "--max-response-size", "1MiB");
    assertThat(overridden.statusCode()).as(overridden.body()).isEqualTo(200);
    assertThat(Json.tree(overridden.body()).at("/choices/0/message/content").asText()).isEqualTo("ok");
  }

  @Test
  void aBadOptionValueIsAUsageErrorNamingTheOption() throws Exception {
    Path c = config(Kind.OK, "");
    for (String bad : new String[] {"ten", "0", "-5", "9223372036854775807", "2GiB", "99999999999999999999"}) {
      StringWriter e = new StringWriter();
      CommandLine cl = new CommandLine(new ServeCommand(state -> new ConfigRouterLoader(Env.of(Map.of()), null), false));
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(e, true));
      int code = cl.execute("--config", c.toString(), "--port", "0", "--no-state-file", "--max-response-size", bad);
      assertThat(code).as(bad + ": " + e).isEqualTo(2);
      assertThat(e.toString()).as(bad).contains("--max-response-size").doesNotContain("Exception");
    }
  }

  @Test
  void aBadConfigValueNamesTheKeyPath() throws Exception {
    Path c = config(Kind.OK, "general_settings:\n  max_response_size_mb: 0\n");
    StringWriter e = new StringWriter();
    CommandLine cl = new CommandLine(new ServeCommand(state -> new ConfigRouterLoader(Env.of(Map.of()), null), false));
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(e, true));
    int code = cl.execute("--config", c.toString(), "--port", "0", "--no-state-file");
    assertThat(code).isEqualTo(2);
    assertThat(e.toString()).contains("general_settings.max_response_size_mb").doesNotContain("Exception");
  }
}
