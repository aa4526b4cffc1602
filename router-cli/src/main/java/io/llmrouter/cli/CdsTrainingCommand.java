package io.llmrouter.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import io.llmrouter.core.config.Env;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code llm-router cds-training} (hidden): the workload the launcher runs once per build under
 * {@code -XX:ArchiveClassesAtExit} to write the class-data sharing archive next to the jar. It starts
 * {@code serve} exactly as a user would (picocli, the LiteLLM config reader, the engine, the provider client,
 * Jetty, the metrics registry) on a loopback port, against an OpenAI-shaped upstream of its own on another
 * loopback port, asks it for readiness, the model list, one chat completion, one streamed completion and a
 * metrics scrape, then stops it. Every class those steps load goes into the archive, so a later start maps
 * them instead of reading, verifying and parsing them from the jar. Nothing leaves 127.0.0.1; the temporary
 * config is deleted afterwards. Exit code 0 when every step got the answer it expected, 1 otherwise.
 */
@Command(name = "cds-training", hidden = true,
    description = "Start serve on loopback, send it one request of each kind and stop (the class-data archive's training run)")
final class CdsTrainingCommand implements Callable<Integer> {
  private static final String MASTER_KEY = "sk-cds-training";
  private static final String COMPLETION = "{\"id\":\"chatcmpl-cds\",\"object\":\"chat.completion\",\"created\":1764633600,"
      + "\"model\":\"cds-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\"},"
      + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}";
  private static final String CHUNK = "data: {\"id\":\"chatcmpl-cds\",\"object\":\"chat.completion.chunk\",\"created\":1764633600,"
      + "\"model\":\"cds-model\",\"choices\":[{\"index\":0,";
  private static final String STREAM = CHUNK + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
      + CHUNK + "\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"
      + CHUNK + "\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,"
      + "\"total_tokens\":6}}\n\ndata: [DONE]\n\n";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    Path dir = Files.createTempDirectory("llm-router-cds-");
    Server upstream = upstream();
    // As the CLI builds it, but leaving the JVM's signal handling alone (the run stops itself).
    ServeCommand serve = new ServeCommand(state -> new ConfigRouterLoader(Env.system(), state), false);
    Thread serving = null;
    try {
      upstream.start();
      int upstreamPort = ((ServerConnector) upstream.getConnectors()[0]).getLocalPort();
      Path config = dir.resolve("config.yaml");
      Files.writeString(config, config("http://127.0.0.1:" + upstreamPort + "/v1"));
      CommandLine serveLine = new CommandLine(serve).setOut(new PrintWriter(new StringWriter()));
      serving = new Thread(() -> serveLine.execute("--config", config.toString(), "--port", "0", "--no-state-file",
          "--no-watch", "--shutdown-grace", "0", "--log-file", dir.resolve("access.log").toString()), "cds-training-serve");
      serving.start();
      if (!serve.awaitStarted(Duration.ofSeconds(60)) || serve.server() == null) {
        err.println("llm-router cds-training: serve did not start within 60 s");
        return 1;
      }
      String base = "http://127.0.0.1:" + serve.server().baseUri().getPort();
      String chat = "{\"model\":\"cds\",\"messages\":[{\"role\":\"system\",\"content\":\"Be terse.\"},"
          + "{\"role\":\"user\",\"content\":\"Say hello.\"}],\"max_tokens\":8";
      boolean ok = expect(err, base, "GET", "/health/readiness", null, "ready")
          & expect(err, base, "GET", "/health/liveliness", null, null)
          & expect(err, base, "GET", "/v1/models", null, "cds")
          & expect(err, base, "POST", "/v1/chat/completions", chat + "}", "Hello")
          & expect(err, base, "POST", "/v1/chat/completions", chat + ",\"stream\":true}", "[DONE]")
          & expect(err, base, "GET", "/metrics", null, "llm_router");
      return ok ? 0 : 1;
    } finally {
      serve.requestShutdown();
      if (serving != null) serving.join(Duration.ofSeconds(30).toMillis());
      upstream.stop();
      deleteTree(dir);
    }
  }

  /** One request to serve with the master key; true when it answered 200 and the body holds {@code needle}. */
  private static boolean expect(PrintWriter err, String base, String method, String path, String body, String needle) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
      c.setRequestMethod(method);
      c.setConnectTimeout(10_000);
      c.setReadTimeout(30_000);
      c.setRequestProperty("Authorization", "Bearer " + MASTER_KEY);
      if (body != null) {
        c.setDoOutput(true);
        c.setRequestProperty("Content-Type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
          out.write(body.getBytes(StandardCharsets.UTF_8));
        }
      }
      int status = c.getResponseCode();
      String text;
      try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
        text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (status == 200 && (needle == null || text.contains(needle))) return true;
      err.println("llm-router cds-training: " + method + " " + path + " answered " + status
          + (status == 200 ? " without \"" + needle + "\"" : ""));
      return false;
    } catch (IOException e) {
      err.println("llm-router cds-training: " + method + " " + path + ": " + e);
      return false;
    }
  }

  private static String config(String upstream) {
    return String.join("\n",
        "model_list:",
        "  - model_name: \"cds\"",
        "    litellm_params:",
        "      model: \"hosted_vllm/cds-model\"",
        "      api_base: \"" + upstream + "\"",
        "      api_key: \"none\"",
        "      rpm: 600",
        "      tpm: 1000000",
        "  - model_name: \"cds-fallback\"",
        "    litellm_params:",
        "      model: \"openai/cds-model\"",
        "      api_base: \"" + upstream + "\"",
        "      api_key: \"none\"",
        "router_settings:",
        "  routing_strategy: \"simple-shuffle\"",
        "  num_retries: 1",
        "  fallbacks:",
        "    - {\"cds\": [\"cds-fallback\"]}",
        "general_settings:",
        "  master_key: \"" + MASTER_KEY + "\"",
        "  background_health_checks: false",
        "");
  }

  /** A loopback OpenAI-shaped upstream: a fixed completion as JSON, or as SSE when the body asks to stream. */
  private static Server upstream() {
    QueuedThreadPool pool = new QueuedThreadPool(16, 2);
    pool.setName("cds-training-upstream");
    pool.setDaemon(true);
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (InputStream in = Request.asInputStream(request)) {
          in.transferTo(body);
        }
        boolean stream = body.toString(StandardCharsets.UTF_8).contains("\"stream\":true");
        String answer = path.endsWith("/models")
            ? "{\"object\":\"list\",\"data\":[{\"id\":\"cds-model\",\"object\":\"model\",\"owned_by\":\"cds\"}]}"
            : stream ? STREAM : COMPLETION;
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, stream ? "text/event-stream" : "application/json");
        response.write(true, ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    });
    return server;
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(p);
    }
  }
}
