package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.cli.ServeCommand;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.Outcome;
import io.llmrouter.testkit.ForwardingProviderClient;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 5's lifecycle end to end: {@code serve} from a real config and {@code .env} file over the simulator,
 * a config error at start, and a client that hangs up mid-stream cancelling the upstream call.
 */
class ServeAndDisconnectOverSimulatorTest {
  static final String CONFIG = """
      model_list:
        - model_name: fast
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
      general_settings:
        master_key: os.environ/LLM_ROUTER_MASTER_KEY
      """;

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

  CommandLine cli(ServeCommand serve) {
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @Test
  void serveWithConfigAndEnvFileAnswersLivelinessAndRoutesToTheSimulator() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
    // Everything the router needs comes from the .env file: the key, the simulator's base URL, the master key.
    StringBuilder dotEnv = new StringBuilder("LLM_ROUTER_MASTER_KEY=sk-from-env-file\n");
    sim.env().forEach((k, v) -> dotEnv.append(k).append('=').append(v).append('\n'));
    Path envFile = Files.writeString(dir.resolve(".env"), dotEnv.toString());
    ServeCommand serve = new ServeCommand(new ConfigRouterLoader(Env.of(Map.of())));

    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli(serve).execute(
        "--config", config.toString(), "--env-file", envFile.toString(), "--port", "0", "--shutdown-grace", "1"));
    try {
      assertThat(serve.awaitStarted(Duration.ofSeconds(10))).as(err.toString()).isTrue();
      String base = "http://127.0.0.1:" + serve.server().port();

      HttpResponse<String> alive = http.send(HttpRequest.newBuilder(URI.create(base + "/health/liveliness")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(alive.statusCode()).isEqualTo(200);
      assertThat(alive.body()).contains("I'm alive!");

      HttpResponse<String> chat = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
          .header("authorization", "Bearer sk-from-env-file").header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"fast\",\"messages\":[{\"role\":\"user\",\"content\":\"via serve\"}]}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
      assertThat(chat.body()).contains("via serve", "\"model\":\"llama-3.1-8b-instant\"");
      assertThat(sim.events()).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(Outcome.SERVED));
    } finally {
      serve.requestShutdown();
    }
    assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    assertThat(out.toString()).contains("serving 1 model groups");
    assertThat(out.toString() + err.toString()).doesNotContain("sk-from-env-file", SimProvider.GROQ.fakeKey());
  }

  @Test
  void aConfigErrorExitsNonZeroWithOneClearMessage() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG.replace("general_settings:",
        "router_settings:\n  fallbacks:\n    - {\"fast\": [\"nope\"]}\ngeneral_settings:"));
    ServeCommand serve = new ServeCommand(new ConfigRouterLoader(Env.of(Map.of("LLM_ROUTER_MASTER_KEY", "k"))));

    int code = cli(serve).execute("--config", config.toString(), "--port", "0");

    assertThat(code).isEqualTo(2);
    List<String> lines = err.toString().lines().filter(l -> !l.isBlank()).toList();
    assertThat(lines).singleElement().satisfies(l -> assertThat(l)
        .startsWith("llm-router serve: configuration error:").contains("fallbacks").contains("nope"));
    assertThat(serve.server()).isNull();
    assertThat(sim.requestCount()).isZero();
  }

  @Test
  void aMissingMasterKeyVariableIsAConfigErrorNamingIt() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);

    int code = cli(new ServeCommand(new ConfigRouterLoader(Env.of(sim.env())))).execute("--config", config.toString(), "--port", "0");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString().lines().filter(l -> !l.isBlank()).toList()).singleElement()
        .satisfies(l -> assertThat(l).contains("master_key", "LLM_ROUTER_MASTER_KEY"));
  }

  @Test
  void aClientDisconnectingMidStreamCancelsTheUpstreamCall() throws Exception {
    // The real client over the simulator, wrapped so the upstream hands out one chunk per step the test
    // allows (a slow provider) and records whether the router closed it before it ended.
    Gate gate = new Gate(OpenAiCompatibleClient.builder().build());
    LoadedConfig loaded = LiteLlmConfigReader.parse(CONFIG, Env.of(sim.env()));
    Router router = LlmRouter.builder(loaded.config()).env(loaded.env()).providerClient(gate).build();
    FacadeServer server = new FacadeServer(router, FacadeOptions.builder().host("127.0.0.1").port(0)
        .masterKey(Secret.of("k")).shutdownGrace(Duration.ofMillis(200)).build());
    server.start();
    String story = "tell me a long story about the sea and the ships and the sailors and the storms they weathered";
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      String body = "{\"model\":\"fast\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"" + story + "\"}]}";
      OutputStream os = s.getOutputStream();
      os.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer k\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
          + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      os.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      String line;
      do {
        line = in.readLine();
      } while (line != null && !line.contains("data: {"));
      assertThat(line).as("the first chunk reached the client").isNotNull();
    } // the client hangs up here, while the provider is still "generating"

    try {
      // The provider goes on producing, one chunk per step; writing them to the gone client must fail and
      // the facade must close the router's stream, which cancels the upstream call.
      for (int step = 0; step < 40 && gate.closed.getCount() > 0 && !gate.endedNaturally; step++) {
        gate.step.release();
        gate.closed.await(250, TimeUnit.MILLISECONDS);
      }
      assertThat(gate.closed.getCount()).as("upstream stream closed after the client left").isZero();
      assertThat(gate.endedNaturally).as("closed before the provider finished its answer").isFalse();
      assertThat(gate.stalled).as("the gate never had to give up waiting").isFalse();
      assertThat(gate.chunksServed.get()).isLessThan(gate.totalChunks());
    } finally {
      gate.step.release(1_000);
      server.stop();
      router.close();
      gate.close();
    }
  }

  /**
   * Delegates to the real client. Its streams read the whole simulated answer up front (the simulator sends it
   * at once), then hand out the first chunk freely and each later one only when the test releases a step.
   */
  static final class Gate extends ForwardingProviderClient {
    final CountDownLatch closed = new CountDownLatch(1);
    final java.util.concurrent.Semaphore step = new java.util.concurrent.Semaphore(0);
    final AtomicInteger total = new AtomicInteger();
    final AtomicInteger chunksServed = new AtomicInteger();
    volatile boolean endedNaturally;
    volatile boolean stalled;

    Gate(ProviderClient real) {
      super(real);
    }

    int totalChunks() {
      return total.get();
    }

    @Override
    public ProviderStream stream(ProviderCall call) {
      ProviderStream upstream = delegate().stream(call);
      java.util.ArrayDeque<ChatChunk> buffered = new java.util.ArrayDeque<>();
      for (ChatChunk c = upstream.next(); c != null; c = upstream.next()) {
        buffered.add(c);
      }
      total.set(buffered.size());
      AtomicBoolean contentSeen = new AtomicBoolean();
      return new ProviderStream() {
        @Override
        public int status() {
          return upstream.status();
        }

        @Override
        public Map<String, String> headers() {
          return upstream.headers();
        }

        @Override
        public RateSignal signal() {
          return upstream.signal();
        }

        @Override
        public ChatChunk next() {
          // The router reads ahead until the first content chunk before it commits; from then on the
          // provider is slow: each further chunk waits for a step.
          if (contentSeen.get()) {
            try {
              if (!step.tryAcquire(15, TimeUnit.SECONDS)) {
                stalled = true;
                return null;
              }
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return null;
            }
            if (closed.getCount() == 0) return null;
          }
          ChatChunk c = buffered.poll();
          if (c == null) {
            endedNaturally = true;
            return null;
          }
          chunksServed.incrementAndGet();
          if (!c.choices().isEmpty() && c.choices().get(0).delta() != null) {
            String t = c.choices().get(0).delta().text();
            if (t != null && !t.isEmpty()) contentSeen.set(true);
          }
          return c;
        }

        @Override
        public void close() {
          upstream.close();
          closed.countDown();
          step.release(1_000);
        }
      };
    }
  }
}
