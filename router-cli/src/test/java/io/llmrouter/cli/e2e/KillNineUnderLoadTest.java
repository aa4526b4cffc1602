package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.cli.Main;
import io.llmrouter.testkit.FaultyUpstream;
import io.llmrouter.testkit.FaultyUpstream.Kind;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, "already holding": {@code kill -9} of {@code serve} under load always restarts. Real processes
 * over loopback; the load cools deployments (absurd 429s) so the state file is being rewritten when the
 * process dies, and every restart must come up and answer its probes.
 */
@DisabledOnOs(OS.WINDOWS)
class KillNineUnderLoadTest {
  private static final Pattern SERVING = Pattern.compile("llm-router serving .* at (http://\\S+)/v1");

  @TempDir Path dir;

  @Test
  void killNineUnderLoadAlwaysRestarts() throws Exception {
    try (FaultyUpstream up = FaultyUpstream.start()) {
      StringBuilder yaml = new StringBuilder("model_list:\n");
      Kind[] kinds = {Kind.GIANT_RETRY_AFTER, Kind.NEGATIVE_HEADERS, Kind.HTML_ERROR, Kind.OK};
      for (int i = 0; i < 24; i++) {
        yaml.append("  - model_name: g\n    litellm_params: {model: hosted_vllm/m").append(i).append(", api_base: \"")
            .append(up.baseUrl(kinds[i % kinds.length])).append("\"}\n    model_info: {id: d").append(i).append("}\n");
      }
      yaml.append("router_settings:\n  num_retries: 0\n  cooldown_time: 3600\n");
      Path config = dir.resolve("config.yaml");
      Files.writeString(config, yaml);
      Path state = dir.resolve("state.json");
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

      for (int round = 0; round < 3; round++) {
        Process p = start(config, state);
        try {
          String base = awaitServing(p);
          assertThat(base).as("round %d: the serving line after a kill -9", round).isNotNull();
          assertThat(get(http, base + "/health/liveliness")).as("round %d liveliness", round).isEqualTo(200);
          // Load: 8 clients sending as fast as answers come back, then kill -9 in the middle of it.
          AtomicBoolean stop = new AtomicBoolean();
          AtomicInteger answered = new AtomicInteger();
          ExecutorService load = Executors.newFixedThreadPool(8);
          for (int c = 0; c < 8; c++) {
            load.submit(() -> {
              while (!stop.get()) {
                try {
                  http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                      .header("content-type", "application/json")
                      .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                      .build(), HttpResponse.BodyHandlers.discarding());
                  answered.incrementAndGet();
                } catch (Exception e) {
                  return; // the server died under us: expected
                }
              }
            });
          }
          long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (answered.get() < 50 && System.nanoTime() < until) Thread.sleep(10);
          assertThat(answered.get()).as("round %d: requests answered before the kill", round).isGreaterThanOrEqualTo(50);
          p.destroyForcibly(); // SIGKILL
          assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
          stop.set(true);
          load.shutdown();
          assertThat(load.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        } finally {
          p.destroyForcibly();
        }
      }
      // The last start after the last kill: up, and the state it kept is readable.
      Process p = start(config, state);
      try {
        String base = awaitServing(p);
        assertThat(base).isNotNull();
        assertThat(get(http, base + "/health/readiness")).isEqualTo(200);
      } finally {
        p.destroyForcibly();
        p.waitFor(20, TimeUnit.SECONDS);
      }
      assertThat(Files.isRegularFile(state)).isTrue();
      // Writes are temp + atomic move: a kill never left a half-written state file to set aside.
      assertThat(dir.resolve("state.json.corrupt")).doesNotExist();
    }
  }

  private static Process start(Path config, Path state) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
        "--config", config.toString(), "--port", "0", "--state-file", state.toString(), "--shutdown-grace", "1"))
        .redirectErrorStream(true).start();
  }

  /** The base URL from the serving line, or null when the process ended first (bounded by its output). */
  private static String awaitServing(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null; ) {
      Matcher m = SERVING.matcher(line);
      if (m.find()) {
        // Keep draining so a chatty log never blocks the process on a full pipe.
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // discard
            }
          } catch (Exception ignored) {
            // the process died
          }
        }, "serve-output");
        drain.setDaemon(true);
        drain.start();
        return m.group(1);
      }
      seen.append(line).append('\n');
      if (seen.length() > 100_000) break;
    }
    System.err.println("serve did not start:\n" + seen);
    return null;
  }

  private static int get(HttpClient http, String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
