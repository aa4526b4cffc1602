package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import io.llmrouter.cli.Main;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, config reload: a real {@code llm-router serve} process over the simulator while clients keep
 * sending requests. The config file is edited the ways operators and tools edit it (temp file + rename as
 * {@code models --update --yes} does, an in-place rewrite, a broken file, a fix, SIGHUP after an .env change):
 * no request fails, {@code /v1/models} follows each valid edit within 2 s, and a broken file keeps the running
 * configuration and shows on {@code /health/readiness}. The JSON access log carries every request's id.
 */
@DisabledOnOs(OS.WINDOWS)
class ReloadUnderLoadTest {
  private static final String KEY = "sk-reload-test-master";
  private static final Duration FOLLOW = Duration.ofSeconds(2);

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<String> output = new CopyOnWriteArrayList<>();
  private final List<Long> followMillis = new CopyOnWriteArrayList<>();
  /** Copies the process' output into {@link #output} until the process closes it. */
  private Thread drain;

  private static SimModel model(String id) {
    // Far above what the test sends: only reloads may fail a request here, never a quota.
    return SimModel.builder(SimProvider.GROQ, id).contextWindow(131_072).maxCompletionTokens(1024)
        .rpm(1_000_000).rpd(10_000_000).tpm(1_000_000_000).tpd(1_000_000_000).build();
  }

  private static String config(String... groups) {
    StringBuilder b = new StringBuilder("model_list:\n");
    for (String g : groups) {
      b.append("  - model_name: ").append(g).append("\n    litellm_params:\n      model: groq/").append(g)
          .append("\n      api_key: os.environ/GROQ_API_KEY\n    model_info:\n      id: ").append(g).append("-dep\n");
    }
    return b.append("router_settings:\n  num_retries: 0\ngeneral_settings:\n  master_key: os.environ/LLM_ROUTER_MASTER_KEY\n").toString();
  }

  /** As models --update --yes writes it: a temp file beside it, then an atomic rename over it. */
  private void replaceAtomically(Path target, String text) throws Exception {
    Path tmp = Files.writeString(dir.resolve(".config.yaml.tmp"), text);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void editsUnderLoadFailNoRequestAndModelsFollowEachValidEdit() throws Exception {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).providers(SimProvider.GROQ)
        .clearModels(SimProvider.GROQ).model(model("alpha")).model(model("beta")).model(model("gamma")).build().start()) {
      Path config = Files.writeString(dir.resolve("config.yaml"), config("alpha"));
      StringBuilder env = new StringBuilder("LLM_ROUTER_MASTER_KEY=" + KEY + "\n");
      sim.env().forEach((k, v) -> env.append(k).append('=').append(v).append('\n'));
      Path envFile = Files.writeString(dir.resolve(".env"), env.toString());

      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
          "--config", config.toString(), "--env-file", envFile.toString(), "--port", "0", "--no-state-file",
          "--shutdown-grace", "5", "--log-format", "json"))
          .redirectErrorStream(true).start();
      AtomicBoolean loadOn = new AtomicBoolean(true);
      List<Thread> clients = new ArrayList<>();
      try {
        String base = awaitServing(p);
        AtomicInteger sent = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 4; i++) {
          Thread t = new Thread(() -> {
            while (loadOn.get()) {
              int n = sent.incrementAndGet();
              try {
                HttpResponse<String> r = chat(base, "alpha", "load-" + n);
                if (r.statusCode() != 200) failures.add(r.statusCode() + " " + r.body());
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
          }, "reload-test-client-" + i);
          t.setDaemon(true);
          t.start();
          clients.add(t);
        }

        // 1. Add a model, written as models --update --yes writes (temp + rename).
        replaceAtomically(config, config("alpha", "beta"));
        assertThat(followsWithin(base, ids -> ids.contains("beta"))).as(tail()).isTrue();
        assertThat(chat(base, "beta", "after-add").statusCode()).isEqualTo(200);

        // 2. Remove it again, rewritten in place (truncate + write, as some editors save).
        Files.writeString(config, config("alpha"));
        assertThat(followsWithin(base, ids -> !ids.contains("beta") && ids.contains("alpha"))).as(tail()).isTrue();

        // 3. Break it: the running configuration stays and readiness says why.
        Files.writeString(config, config("alpha").replace("  num_retries: 0\n", "  num_retries: 0\n  fallbacks: [{\"alpha\": [\"nowhere\"]}]\n"));
        JsonNode failed = awaitReadiness(base, c -> c.path("status").asText().equals("reload_failed"));
        assertThat(failed).as(tail()).isNotNull();
        // The loader's own message: the key path, then what is wrong.
        assertThat(failed.path("error").asText()).startsWith("router_settings.fallbacks").contains("\"nowhere\" is not a model_name");
        assertThat(failed.path("error").asText()).doesNotContain(KEY);
        assertThat(modelIds(base)).containsExactly("alpha");

        // 4. Fix it, adding another model: readiness is ok again.
        replaceAtomically(config, config("alpha", "gamma"));
        assertThat(followsWithin(base, ids -> ids.equals(List.of("alpha", "gamma")))).as(tail()).isTrue();
        assertThat(awaitReadiness(base, c -> c.path("status").asText().equals("ok"))).isNotNull();

        // 5. SIGHUP reloads even when nothing changed on disk.
        long reloads = readiness(base).path("config").path("reloads").asLong();
        new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
        assertThat(awaitReadiness(base, c -> c.path("reloads").asLong() > reloads)).as(tail()).isNotNull();
        assertThat(p.isAlive()).as("SIGHUP no longer ends serve").isTrue();

        loadOn.set(false);
        for (Thread t : clients) t.join(30_000);
        assertThat(failures).as("failed requests during reloads").isEmpty();
        assertThat(sent.get()).as("requests sent under load").isGreaterThan(20);

        HttpResponse<String> tagged = chat(base, "alpha", "my-id-123");
        assertThat(tagged.headers().firstValue("x-request-id")).hasValue("my-id-123");

        // SIGTERM: a graceful stop writes every queued line. Through the handle: Process.destroy() also closes
        // the pipes, and the lines the stop writes would be lost to this test.
        assertThat(p.toHandle().destroy()).isTrue();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        // The process has ended, but its last lines may still sit in the pipe: read them all before looking.
        drain.join(10_000);
        assertThat(drain.isAlive()).as("output still open 10 s after the process ended").isFalse();
        List<JsonNode> access = new ArrayList<>();
        for (String line : output) {
          if (!line.startsWith("{")) continue;
          JsonNode n = Json.mapper().readTree(line);
          if (n.path("type").asText().equals("access")) access.add(n);
        }
        assertThat(access).anySatisfy(n -> {
          assertThat(n.path("request_id").asText()).isEqualTo("my-id-123");
          assertThat(n.path("group").asText()).isEqualTo("alpha");
          assertThat(n.path("deployment").asText()).isEqualTo("alpha-dep");
          assertThat(n.path("status").asInt()).isEqualTo(200);
          assertThat(n.path("attempts").asInt()).isEqualTo(1);
          assertThat(n.has("latency_ms")).isTrue();
          assertThat(n.has("time")).isTrue();
        });
        assertThat(output).anySatisfy(l -> assertThat(l).contains("configuration reload failed")
            .contains("still serving the previous one").contains("\"nowhere\" is not a model_name"));
        long chats = access.stream().filter(n -> n.path("path").asText().equals("/v1/chat/completions")).count();
        assertThat(chats).as("one access line per chat request, none lost on stop").isEqualTo(sent.get() + 2);
        // For the record (the build's test output): how much load, how fast /v1/models followed each edit.
        System.out.printf("reload under load: %d requests, 0 failed; /v1/models followed the edits after %s ms%n", sent.get(), followMillis);
        assertThat(String.join("\n", output)).doesNotContain(KEY).doesNotContain(SimProvider.GROQ.fakeKey());
      } finally {
        loadOn.set(false);
        p.destroyForcibly();
      }
    }
  }

  private String awaitServing(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Pattern serving = Pattern.compile("llm-router serving .* at (http://\\S+)/v1");
    String base = null;
    for (String line; base == null && (line = out.readLine()) != null; ) {
      output.add(line);
      Matcher m = serving.matcher(line);
      if (m.find()) base = m.group(1);
    }
    assertThat(base).as("serving line in " + output).isNotNull();
    drain = new Thread(() -> {
      try {
        for (String line; (line = out.readLine()) != null; ) output.add(line);
      } catch (java.io.IOException ignored) {
        // The process ended.
      }
    }, "reload-test-output");
    drain.setDaemon(true);
    drain.start();
    return base;
  }

  private String tail() {
    int n = output.size();
    return String.join("\n", output.subList(Math.max(0, n - 20), n));
  }

  private HttpResponse<String> chat(String base, String model, String requestId) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
        .header("authorization", "Bearer " + KEY).header("content-type", "application/json").header("x-request-id", requestId)
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model + "\",\"max_tokens\":8,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(), HttpResponse.BodyHandlers.ofString());
  }

  private List<String> modelIds(String base) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/models")).header("authorization", "Bearer " + KEY)
        .build(), HttpResponse.BodyHandlers.ofString());
    List<String> ids = new ArrayList<>();
    for (JsonNode m : Json.mapper().readTree(r.body()).path("data")) ids.add(m.path("id").asText());
    return ids;
  }

  /** Polls /v1/models until {@code condition} holds; true when it did within {@link #FOLLOW} of the edit. */
  private boolean followsWithin(String base, Predicate<List<String>> condition) throws Exception {
    long start = System.nanoTime();
    long deadline = start + FOLLOW.toNanos();
    do {
      if (condition.test(modelIds(base))) {
        followMillis.add((System.nanoTime() - start) / 1_000_000);
        return true;
      }
      Thread.sleep(25); // the poll interval
    } while (System.nanoTime() < deadline);
    return condition.test(modelIds(base));
  }

  private JsonNode readiness(String base) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health/readiness")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return Json.mapper().readTree(r.body());
  }

  /** The readiness {@code config} object once {@code condition} holds (within 10 s), else null. */
  private JsonNode awaitReadiness(String base, Predicate<JsonNode> condition) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode c = readiness(base).path("config");
      if (condition.test(c)) return c;
      Thread.sleep(25); // the poll interval
    }
    return null;
  }
}
