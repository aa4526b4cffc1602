package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.HealthCheckMode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.cli.ConfigRouterLoader;
import io.llmrouter.cli.HealthCommand;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Health modes end to end over the simulator and the real provider client: NVIDIA NIM lists a model the
 * account cannot call ("Not found for account"), which only the chat probe sees; a spent daily request
 * quota shows in the report's quota state.
 */
class HealthOverSimulatorTest {
  static final String NOT_ENTITLED = "meta/llama-3.1-405b-instruct"; // SimCatalog: listed, entitled(false)

  static String config(String general) {
    return """
        model_list:
          - model_name: big
            litellm_params:
              model: nvidia_nim/%s
              api_key: os.environ/NVIDIA_NIM_API_KEY
          - model_name: small
            litellm_params:
              model: groq/health/daily
              api_key: os.environ/GROQ_API_KEY
        router_settings:
          num_retries: 0
        %s""".formatted(NOT_ENTITLED, general);
  }

  @TempDir Path dir;
  VirtualClock clock;
  ProviderSimulator sim;
  OpenAiCompatibleClient client;
  Router router;

  @BeforeEach
  void start() {
    clock = VirtualClock.at(Instant.parse("2026-03-03T08:00:00Z"));
    sim = ProviderSimulator.builder().clock(clock).providers(SimProvider.NVIDIA_NIM, SimProvider.GROQ, SimProvider.OPENROUTER)
        .model(SimModel.builder(SimProvider.GROQ, "health/daily").rpm(100).rpd(2).tpm(100_000).build())
        .build().start();
    client = OpenAiCompatibleClient.builder().clock(clock).build();
  }

  @AfterEach
  void stop() {
    if (router != null) router.close();
    client.close();
    sim.close();
  }

  Router router(String general) {
    return routerOf(config(general));
  }

  Router routerOf(String yaml) {
    Env env = Env.of(sim.env());
    RouterConfig c = LiteLlmConfigReader.parse(yaml, env).config();
    router = LlmRouter.builder(c).env(env).clock(clock).providerClient(client).build();
    return router;
  }

  static HealthReport.Endpoint endpoint(HealthReport r, String group) {
    return java.util.stream.Stream.concat(r.healthy().stream(), r.unhealthy().stream())
        .filter(e -> e.modelGroup().equals(group)).findFirst().orElseThrow();
  }

  @Test
  void aModelListedButNotCallableIsHealthyInListModeAndUnhealthyInChatMode() {
    Router r = router("");
    HealthReport listed = r.checkHealth(HealthCheckMode.LIST);
    assertThat(listed.healthy()).extracting(HealthReport.Endpoint::modelGroup).contains("big");

    HealthReport chat = r.checkHealth(HealthCheckMode.CHAT);
    assertThat(chat.unhealthy()).extracting(HealthReport.Endpoint::modelGroup).containsExactly("big");
    assertThat(endpoint(chat, "big").error()).contains("Not found for account");
    assertThat(chat.healthy()).extracting(HealthReport.Endpoint::modelGroup).containsExactly("small");
  }

  @Test
  void openRoutersMisleading401IsOnlySeenByTheChatProbe() {
    String model = "meta-llama/llama-3.3-70b-instruct:free";
    Router r = routerOf("""
        model_list:
          - model_name: venice
            litellm_params:
              model: openrouter/%s
              api_key: os.environ/OPENROUTER_API_KEY
        router_settings:
          num_retries: 0
        """.formatted(model));
    sim.failWithProbability(SimProvider.OPENROUTER, model, io.llmrouter.testkit.Fault.userNotFound(), 1.0);
    assertThat(r.checkHealth(HealthCheckMode.LIST).unhealthy()).isEmpty();
    HealthReport chat = r.checkHealth(HealthCheckMode.CHAT);
    assertThat(chat.unhealthy()).hasSize(1);
    assertThat(chat.unhealthy().get(0).error()).contains("User not found");
  }

  @Test
  void theConfiguredChatModeIsWhatHealthRunsOnDemand() {
    Router r = router("general_settings:\n  health_check_mode: chat\n");
    HealthReport onDemand = r.health();
    assertThat(onDemand.unhealthy()).extracting(HealthReport.Endpoint::modelGroup).containsExactly("big");
  }

  @Test
  void aSpentDailyQuotaShowsInTheReportsQuotaState() {
    Router r = router("");
    ChatRequest ask = ChatRequest.builder().model("small").messages(ChatMessage.user("hello")).maxTokens(8).build();
    r.chat(ask);
    r.chat(ask); // the second of two requests a day: the headers now say 0 left

    HealthReport listed = r.checkHealth(HealthCheckMode.LIST);
    HealthReport.Endpoint small = endpoint(listed, "small");
    assertThat(small.error()).isNull(); // the listing cannot see the spent quota...
    HealthReport.Quota q = small.quota(); // ...but the quota state does
    assertThat(q).isNotNull();
    assertThat(q.requests().remaining()).isZero();
    assertThat(q.requests().limit()).isEqualTo(2L);
    assertThat(q.requests().resetAt()).isAfter(clock.instant());
    assertThat(q.blockedUntil()).isEqualTo(q.requests().resetAt());
    assertThat(endpoint(listed, "big").quota()).isNull();

    // The router holds the deployment back until the reset instead of spending a call on a sure 429.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.chat(ask)).isInstanceOf(LlmRouterException.class);
  }

  @Test
  void theHealthCommandTakesTheModeFromTheConfigOrFromMode() throws Exception {
    Path list = dir.resolve("list.yaml");
    Files.writeString(list, config(""));
    Path chat = dir.resolve("chat.yaml");
    Files.writeString(chat, config("general_settings:\n  health_check_mode: chat\n"));

    assertThat(health(list)).startsWith("0");
    assertThat(health(list, "--mode", "chat")).startsWith("1").contains("Not found for account");
    assertThat(health(chat)).startsWith("1").contains("unhealthy  big  nvidia_nim/" + NOT_ENTITLED);
    assertThat(health(chat, "--mode", "list")).startsWith("0").contains("2 healthy, 0 unhealthy");
  }

  /** The exit code, a newline, then what the command printed. */
  String health(Path config, String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = new CommandLine(new HealthCommand(new ConfigRouterLoader(Env.of(sim.env()))));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(out, true));
    String[] all = new String[args.length + 2];
    all[0] = "--config";
    all[1] = config.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int code = cli.execute(all);
    return code + "\n" + out;
  }
}
