package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmrouter.cli.HealthCommand;
import io.llmrouter.cli.Main;
import io.llmrouter.testing.RedisServerProcess;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimEvent;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Three real {@code llm-router serve} processes (separate JVMs) share one real redis-server and call the
 * simulator, driven over HTTP by 3 x 16 clients: no deployment receives more than its rpm (from the
 * simulator's own log), readiness reports the shared state, and {@code health} prints it.
 */
@DisabledOnOs(OS.WINDOWS)
class ThreeServeInstancesOneRedisTest {
  static final int RPM = 30;
  static final String CONFIG = """
      model_list:
        - model_name: chat
          litellm_params: {model: groq/serve-a, api_key: os.environ/GROQ_API_KEY, rpm: 30, tpm: 100000}
        - model_name: chat
          litellm_params: {model: groq/serve-b, api_key: os.environ/GROQ_API_KEY, rpm: 30, tpm: 100000}
      router_settings:
        num_retries: 0
        redis_expected_instances: 3
        redis_timeout: 2
      litellm_settings:
        request_timeout: 30
      """;
  // num_retries 0: a caller over the limit gets 429 at once instead of waiting for the window, so the whole run
  // fits in one 60 s window and the simulator's arrival times cannot drift across a window edge.

  @TempDir Path dir;
  RedisServerProcess redis;
  ProviderSimulator sim;
  final List<Process> serves = new ArrayList<>();
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeEach
  void start() {
    redis = RedisServerProcess.start();
    // Wall-clock pace: the serve processes use the system clock, the simulator stamps its log on the same time.
    sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).providers(SimProvider.GROQ)
        .model(SimModel.builder(SimProvider.GROQ, "serve-a").rpm(100_000).rpd(1_000_000).tpm(100_000_000).build())
        .model(SimModel.builder(SimProvider.GROQ, "serve-b").rpm(100_000).rpd(1_000_000).tpm(100_000_000).build())
        .build().start();
  }

  @AfterEach
  void stop() throws InterruptedException {
    // SIGTERM through the handle: Process.destroy() would also close the pipes under the drain threads.
    for (Process p : serves) p.toHandle().destroy();
    for (Process p : serves) {
      if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
    }
    sim.close();
    redis.close();
  }

  String serve(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "serve", "--config", config.toString(), "--port", "0", "--no-state-file", "--shutdown-grace", "2",
        "--redis-url", "os.environ/TEST_REDIS_URL")).redirectErrorStream(true);
    pb.environment().putAll(sim.env());
    pb.environment().put("TEST_REDIS_URL", redis.url());
    Process p = pb.start();
    serves.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    Pattern serving = Pattern.compile("llm-router serving .* at (http://\\S+)/v1");
    String base = null;
    StringBuilder seen = new StringBuilder();
    for (String line; base == null && (line = out.readLine()) != null; ) {
      seen.append(line).append('\n');
      Matcher m = serving.matcher(line);
      if (m.find()) base = m.group(1);
    }
    assertThat(base).as("serving line in:\n" + seen).isNotNull();
    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain");
    drain.setDaemon(true);
    drain.start();
    return base;
  }

  void awaitReady(String base) throws Exception {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(base + "/health/readiness")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.body()).doesNotContain("redis://");
      JsonNode s = json.readTree(ready.body()).path("shared_state");
      assertThat(s.path("backend").asText()).isEqualTo("redis 127.0.0.1:" + redis.port());
      if (s.path("connected").asBoolean()) return;
      assertThat(System.nanoTime()).as("connected in time: " + ready.body()).isLessThan(deadline);
      Thread.sleep(50); // an instance joining Redis: infrastructure, not a rate window
    }
  }

  int post(String base, int i) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"chat\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"}]}"))
        .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  int maxPerWindow(String model) {
    List<Long> times = sim.events(SimProvider.GROQ, model).stream().filter(SimEvent::admitted).map(e -> e.time().toEpochMilli()).sorted().toList();
    int max = 0;
    for (int i = 0, j = 0; i < times.size(); i++) {
      if (j < i) j = i;
      while (j < times.size() && times.get(j) - times.get(i) < 60_000) j++;
      max = Math.max(max, j - i);
    }
    return max;
  }

  @Test
  void threeServeProcessesNeverExceedTheDeclaredRpmTogether() throws Exception {
    Path config = Files.writeString(dir.resolve("config.yaml"), CONFIG);
    List<String> bases = new ArrayList<>();
    ExecutorService starts = Executors.newFixedThreadPool(3);
    List<Future<String>> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) started.add(starts.submit(() -> serve(config)));
    for (Future<String> f : started) bases.add(f.get(120, TimeUnit.SECONDS));
    starts.shutdown();

    // Traffic starts once every instance reports the shared state connected: an instance still joining admits
    // under its local share, whose bound (rpm + (N - 1) x ceil(rpm / N)) the router-redis tests check.
    for (String base : bases) awaitReady(base);

    // 3 instances x 16 clients x 3 requests = 144 within seconds: 2.4x the 60 a minute the two deployments take.
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ExecutorService clients = Executors.newFixedThreadPool(48);
    List<Future<?>> work = new ArrayList<>();
    for (int c = 0; c < 48; c++) {
      String base = bases.get(c % 3);
      int client = c;
      work.add(clients.submit(() -> {
        for (int k = 0; k < 3; k++) statuses.computeIfAbsent(post(base, client * 10 + k), s -> new AtomicInteger()).incrementAndGet();
        return null;
      }));
    }
    for (Future<?> f : work) f.get(120, TimeUnit.SECONDS);
    clients.shutdown();

    // The callers only ever see 200 or the router's own 429 (no deployment free now); never a 5xx.
    assertThat(statuses.keySet()).allMatch(s -> s == 200 || s == 429);
    for (String m : List.of("serve-a", "serve-b")) {
      assertThat(maxPerWindow(m)).as(m).isLessThanOrEqualTo(RPM);
      assertThat(sim.events(SimProvider.GROQ, m)).as(m + " ran at its limit").hasSize(RPM);
    }
    assertThat(statuses.get(200).get()).isEqualTo(2 * RPM);
  }

  @Test
  void healthPrintsWhetherSharedStateIsConnected() throws Exception {
    Path withRedis = Files.writeString(dir.resolve("redis.yaml"), CONFIG.replace("  redis_timeout: 2\n",
        "  redis_timeout: 2\n  redis_url: os.environ/TEST_REDIS_URL\n"));
    StringWriter out = new StringWriter();
    Map<String, String> env = new java.util.HashMap<>(sim.env());
    env.put("TEST_REDIS_URL", redis.url());
    int code = new CommandLine(new HealthCommand(new io.llmrouter.cli.ConfigRouterLoader(io.llmrouter.core.config.Env.of(env))))
        .setOut(new PrintWriter(out)).execute("--config", withRedis.toString());
    assertThat(code).isZero();
    assertThat(out.toString()).contains("shared state: redis 127.0.0.1:" + redis.port() + " connected");
    redis.kill();
    StringWriter apart = new StringWriter();
    new CommandLine(new HealthCommand(new io.llmrouter.cli.ConfigRouterLoader(io.llmrouter.core.config.Env.of(env))))
        .setOut(new PrintWriter(apart)).execute("--config", withRedis.toString());
    assertThat(apart.toString()).contains("shared state: redis 127.0.0.1:" + redis.port() + " NOT connected")
        .doesNotContain("redis://");
  }
}
