package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.cli.ServeCommand;
import io.llmrouter.core.config.Env;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * LiteLLM niceties through the real serve path (config file, .env, ServeCommand, facade) over the simulator:
 * LITELLM_MASTER_KEY as the master key when the config sets none, mock_response answered without a call,
 * and a provider's 429 reaching the caller with its x-ratelimit-* headers.
 */
class LiteLlmNicetiesOverSimulatorTest {
  static final String NO_MASTER_KEY = """
      model_list:
        - model_name: fast
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
      """;
  static final String GUIDE_KEY = "sk-litellm-local";

  @TempDir Path dir;
  ProviderSimulator sim;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  @BeforeEach
  void startSimulator() {
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).providers(SimProvider.GROQ).build().start();
  }

  @AfterEach
  void stopSimulator() {
    sim.close();
  }

  /** Serves {@code config} with {@code dotEnv} (plus the simulator's variables) and {@code processEnv}, runs {@code test}. */
  void serving(String config, String dotEnv, Map<String, String> processEnv, Consumer<String> test) throws Exception {
    Path cfg = Files.writeString(dir.resolve("config.yaml"), config);
    StringBuilder env = new StringBuilder(dotEnv);
    sim.env().forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
    Path envFile = Files.writeString(dir.resolve(".env"), env.toString());
    ServeCommand serve = new ServeCommand(new ConfigRouterLoader(Env.of(processEnv)));
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(
        "--config", cfg.toString(), "--env-file", envFile.toString(), "--port", "0", "--shutdown-grace", "1", "--no-state-file"));
    try {
      assertThat(serve.awaitStarted(Duration.ofSeconds(10))).as(err.toString()).isTrue();
      test.accept("http://127.0.0.1:" + serve.server().port());
    } finally {
      serve.requestShutdown();
    }
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
  }

  HttpResponse<String> chat(String base, String key, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .timeout(Duration.ofSeconds(20)).header("content-type", "application/json");
    if (key != null) b.header("authorization", "Bearer " + key);
    try {
      return http.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static String ask(String text) {
    return "{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text + "\"}]}";
  }

  @Test
  void litellmMasterKeyFromTheEnvFileIsTheMasterKeyWhenTheConfigSetsNone() throws Exception {
    serving(NO_MASTER_KEY, "LITELLM_MASTER_KEY=" + GUIDE_KEY + "\n", Map.of(), base -> {
      assertThat(chat(base, null, ask("no key")).statusCode()).isEqualTo(401);
      assertThat(chat(base, "sk-wrong", ask("wrong key")).statusCode()).isEqualTo(401);
      HttpResponse<String> ok = chat(base, GUIDE_KEY, ask("guide key"));
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(ok.body()).contains("guide key");
    });
    assertThat(sim.requestCount()).isEqualTo(1);
    assertThat(out.toString()).contains("serving 1 model groups").doesNotContain("no master key");
    assertThat(out.toString() + err.toString()).doesNotContain(GUIDE_KEY);
  }

  @Test
  void litellmMasterKeyFromTheProcessEnvironmentToo() throws Exception {
    serving(NO_MASTER_KEY, "", Map.of("LITELLM_MASTER_KEY", "sk-from-process"), base -> {
      assertThat(chat(base, null, ask("no key")).statusCode()).isEqualTo(401);
      assertThat(chat(base, "sk-from-process", ask("process key")).statusCode()).isEqualTo(200);
    });
  }

  @Test
  void theConfigsMasterKeyStillWins() throws Exception {
    String config = NO_MASTER_KEY + """
        general_settings:
          master_key: os.environ/CONFIG_MASTER_KEY
        """;
    serving(config, "CONFIG_MASTER_KEY=sk-from-config\nLITELLM_MASTER_KEY=" + GUIDE_KEY + "\n", Map.of(), base -> {
      assertThat(chat(base, GUIDE_KEY, ask("guide key")).statusCode()).isEqualTo(401);
      assertThat(chat(base, "sk-from-config", ask("config key")).statusCode()).isEqualTo(200);
    });
  }

  @Test
  void mockResponseIsAnsweredByTheServerWithoutAProviderCall() throws Exception {
    serving(NO_MASTER_KEY, "LITELLM_MASTER_KEY=" + GUIDE_KEY + "\n", Map.of(), base -> {
      HttpResponse<String> r = chat(base, GUIDE_KEY,
          "{\"model\":\"fast\",\"mock_response\":\"mocked hello\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      assertThat(r.body()).contains("\"content\":\"mocked hello\"", "\"total_tokens\":30");
      assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("fast");
      assertThat(r.headers().firstValue("x-llm-router-attempts")).hasValue("0");
    });
    assertThat(sim.requestCount()).isZero();
  }

  @Test
  void aRateLimitedChainAnswers429WithTheProvidersRateHeaders() throws Exception {
    sim.close();
    // 1 RPM that the config does not declare: the router learns it from Groq's 429.
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).providers(SimProvider.GROQ)
        .model(SimModel.builder(SimProvider.GROQ, "e2e/one").rpm(1).rpd(1_000).tpm(60_000).build()).build().start();
    String config = """
        model_list:
          - model_name: fast
            litellm_params:
              model: groq/e2e/one
              api_key: os.environ/GROQ_API_KEY
        router_settings:
          num_retries: 0
        """;
    serving(config, "LITELLM_MASTER_KEY=" + GUIDE_KEY + "\n", Map.of(), base -> {
      assertThat(chat(base, GUIDE_KEY, ask("first")).statusCode()).isEqualTo(200);
      HttpResponse<String> r = chat(base, GUIDE_KEY, ask("second"));

      assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
      Map<String, List<String>> rate = new TreeMap<>();
      r.headers().map().forEach((k, v) -> {
        if (k.startsWith("x-ratelimit-")) rate.put(k, v);
      });
      assertThat(rate.keySet()).containsExactly("x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
          "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
          "x-ratelimit-reset-tokens");
      assertThat(rate).containsEntry("x-ratelimit-limit-requests", List.of("1000"))
          .containsEntry("x-ratelimit-limit-tokens", List.of("60000"));
      assertThat(r.headers().allValues("retry-after")).singleElement()
          .satisfies(v -> assertThat(Integer.parseInt(v)).isBetween(1, 61));
      assertThat(r.headers().map()).doesNotContainKeys("llm_provider-x-ratelimit-limit-requests");
      // The facade's own request id, never the provider's.
      assertThat(r.headers().allValues("x-request-id")).singleElement().asString().matches("[0-9a-f]{32}");
    });
    assertThat(sim.events()).extracting(e -> e.outcome()).containsExactly(Outcome.SERVED, Outcome.RATE_LIMITED);
  }
}
