package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.spi.Secret;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** serve's {@code /metrics}: behind the master key, or open with {@code --metrics-public}; the status data never open. */
class ServeMetricsOptionTest {
  final StubRouter router = new StubRouter();
  final StringWriter err = new StringWriter();
  final HttpClient http = HttpClient.newHttpClient();

  int status(String base, String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
    if (key != null) b.header("authorization", "Bearer " + key);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  String serveAndProbe(boolean metricsPublic) throws Exception {
    ServeCommand serve = new ServeCommand((config, env) -> new RouterLoader.Loaded(router, Secret.of("sk-master")));
    CommandLine cl = new CommandLine(serve);
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = metricsPublic
        ? new String[] {"--config", "c.yaml", "--port", "0", "--shutdown-grace", "1", "--metrics-public"}
        : new String[] {"--config", "c.yaml", "--port", "0", "--shutdown-grace", "1"};
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
    try {
      assertThat(serve.awaitStarted(Duration.ofSeconds(10))).as(err.toString()).isTrue();
      String base = "http://127.0.0.1:" + serve.server().port();
      HttpResponse<String> open = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      StringBuilder seen = new StringBuilder();
      seen.append("metrics-without-key=").append(open.statusCode());
      seen.append(" metrics-with-key=").append(status(base, "/metrics", "sk-master"));
      seen.append(" status-without-key=").append(status(base, "/ui/status", null));
      seen.append(" ui=").append(status(base, "/ui", null));
      if (open.statusCode() == 200) seen.append(open.body().contains("jvm_memory_used_bytes") ? " jvm" : " no-jvm");
      return seen.toString();
    } finally {
      serve.requestShutdown();
      assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
    }
  }

  @Test
  void metricsNeedTheKeyByDefault() throws Exception {
    assertThat(serveAndProbe(false)).isEqualTo("metrics-without-key=401 metrics-with-key=200 status-without-key=401 ui=200");
  }

  @Test
  void metricsPublicOpensOnlyTheMetrics() throws Exception {
    assertThat(serveAndProbe(true)).isEqualTo("metrics-without-key=200 metrics-with-key=200 status-without-key=401 ui=200 jvm");
  }
}
