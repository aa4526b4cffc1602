package io.llmrouter.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.catalog.SafeConfigWriter;
import io.llmrouter.catalog.StructuralConfigValidator;
import io.llmrouter.core.config.Env;
import io.llmrouter.cli.ModelsCommand;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.Fault;
import io.llmrouter.testkit.ForwardingProviderClient;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 6 end to end: {@code llm-router models} with the real {@link OpenAiCompatibleClient} against the
 * simulated Groq, NVIDIA NIM and OpenRouter catalogs, on a copy of the guide's config.
 */
class ModelsCommandOverSimulatorTest {
  static final Path GUIDE = Path.of("../router-core/src/test/resources/guide-config.yaml");
  static final String[] PROVIDERS = {"--providers", "groq", "nvidia", "openrouter"};
  static final String NEW_GROQ = "moonshotai/kimi-k2-instruct";
  static final String GONE_GROQ = "meta-llama/llama-4-scout-17b-16e-instruct";

  @TempDir Path dir;
  ProviderSimulator sim;
  Path config;
  String original;
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final Clock clock = Clock.fixed(Instant.parse("2026-03-03T08:00:00Z"), ZoneOffset.UTC);
  Counting client;

  void start(ProviderSimulator.Builder b) throws IOException {
    sim = b.providers(SimProvider.GROQ, SimProvider.NVIDIA_NIM, SimProvider.OPENROUTER).build().start();
    client = new Counting(OpenAiCompatibleClient.builder().clock(clock).build());
    original = Files.readString(GUIDE);
    config = Files.writeString(dir.resolve("config.yaml"), original);
  }

  @AfterEach
  void stop() {
    if (sim != null) sim.close();
  }

  int run(String... args) {
    ModelsCommand cmd = new ModelsCommand(() -> client, Env.of(sim.env()), clock, d -> { },
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), new StructuralConfigValidator(), SafeConfigWriter.FileOps.system(), false);
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    return new CommandLine(cmd).execute(all.toArray(String[]::new));
  }

  String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String cache() throws IOException {
    Path f = dir.resolve("model_cache.json");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  @Test
  void showListsTheSimulatorsFreeChatModelsOnly() throws IOException {
    start(ProviderSimulator.builder().clock(VirtualClock.manual()));

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--show")).as(err.toString()).isZero();

    String block = stdout().substring(stdout().indexOf("model_list:"));
    assertThat(block).contains("\"groq/llama-3.1-8b-instant\"", "\"groq/qwen/qwen3-32b\"",
        "\"nvidia_nim/meta/llama-3.3-70b-instruct\"", "\"nvidia_nim/mistralai/mistral-nemo-12b-instruct\"",
        "\"openrouter/nousresearch/hermes-3-llama-3.1-405b:free\"", "\"openrouter/meta-llama/llama-3.3-70b-instruct:free\"",
        "os.environ/GROQ_API_KEY", "os.environ/NVIDIA_NIM_API_KEY", "os.environ/OPENROUTER_API_KEY");
    assertThat(block).as("no speech, guard, embedding, paid, decommissioned or not-entitled model")
        .doesNotContain("whisper", "llama-guard", "nemoguard", "embedqa", "openai/gpt-4o", "claude",
            "\"openrouter/meta-llama/llama-3.3-70b-instruct\"", "deepseek-r1-distill", "llama-3.1-405b-instruct");
    assertThat(Files.readString(config)).as("--show never writes").isEqualTo(original);
    // non-chat models were filtered from the listing, never probed
    assertThat(client.probedModels).doesNotContain("whisper-large-v3", "nvidia/nv-embedqa-e5-v5", "openai/gpt-4o");
    assertThat(client.probedModels).contains("meta/llama-3.1-405b-instruct");
  }

  @Test
  void updateAddsANewModelRemovesAGoneOnePrunesChainsAndKeepsEveryOtherByte() throws IOException {
    start(ProviderSimulator.builder().clock(VirtualClock.manual())
        .model(SimModel.builder(SimProvider.GROQ, NEW_GROQ).rpm(60).rpd(1_000).tpm(10_000).build())
        .removeModel(SimProvider.GROQ, GONE_GROQ));

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--update", "--yes")).as(err.toString()).isZero();

    String updated = Files.readString(config);
    assertThat(updated).contains("model: \"groq/" + NEW_GROQ + "\"").doesNotContain(GONE_GROQ).doesNotContain("\"groq/llama-4-scout\"");
    assertThat(updated).contains(
        "- {\"groq/llama-3.3-70b\": [\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\", \"openrouter/hermes-3-405b\"]}");
    new StructuralConfigValidator().accept(updated);

    // every other line is untouched and in order: only the scout entry, the chain line and the new entry differ
    List<String> before = original.lines().toList();
    List<String> after = updated.lines().toList();
    boolean[][] keep = lcs(before, after);
    List<String> removed = new ArrayList<>();
    for (int i = 0; i < before.size(); i++) if (!keep[0][i]) removed.add(before.get(i));
    List<String> added = new ArrayList<>();
    for (int j = 0; j < after.size(); j++) if (!keep[1][j]) added.add(after.get(j));
    int scout = before.indexOf("  - model_name: \"groq/llama-4-scout\"");
    int nextEntry = scout + 1;
    while (!before.get(nextEntry).startsWith("  - model_name:")) nextEntry++;
    List<String> scoutBlock = before.subList(scout, nextEntry);
    assertThat(removed).allSatisfy(l -> assertThat(scoutBlock.contains(l) || l.contains("\"groq/llama-4-scout\""))
        .as("removed line %s", l).isTrue());
    assertThat(removed).contains("  - model_name: \"groq/llama-4-scout\"");
    assertThat(added).allSatisfy(l -> assertThat(l.contains("kimi") || l.contains("groq/llama-3.3-70b\": [") || l.isBlank()
        || l.trim().startsWith("api_key: \"os.environ/GROQ_API_KEY\"") || l.trim().matches("(litellm_params:|rpm: \\d+|tpm: \\d+|model_info:|description: .*|#.*)"))
        .as("added line %s", l).isTrue());

    assertThat(dir.resolve("backups")).isDirectoryContaining(p -> Files.isRegularFile(p) && readQuietly(p).equals(original));
    assertThat(Files.readString(dir.resolve("update_models.log"))).contains("update", "added=1", "removed=1", "result=applied");
    assertThat(stdout() + err.toString()).doesNotContain(SimProvider.GROQ.fakeKey(), SimProvider.OPENROUTER.fakeKey());
  }

  @Test
  void permanentProbeFailuresAreCachedTransientOnesAreNot() throws IOException {
    // Only models the config does not have yet are probed: three new ones, each failing transiently.
    start(ProviderSimulator.builder().clock(VirtualClock.manual())
        .model(SimModel.builder(SimProvider.GROQ, NEW_GROQ).rpm(60).build())
        .model(SimModel.builder(SimProvider.OPENROUTER, "new/free-model:free").rpm(20).build())
        .model(SimModel.builder(SimProvider.NVIDIA_NIM, "new/nim-model").rpm(40).build())
        .failNext(SimProvider.GROQ, NEW_GROQ, Fault.serverError(503), 20)
        .failNext(SimProvider.OPENROUTER, "new/free-model:free", Fault.upstreamRateLimit(), 20)
        .failNext(SimProvider.NVIDIA_NIM, "new/nim-model", Fault.serverError(500), 20));

    run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3]);

    String cache = cache();
    assertThat(cache).as("NIM's listed-but-not-entitled model: 404 for account, permanent").contains("meta/llama-3.1-405b-instruct");
    assertThat(cache).as("transient failures are never cached").doesNotContain(NEW_GROQ, "new/free-model:free", "new/nim-model");
    assertThat(client.probedModels).contains(NEW_GROQ, "new/free-model:free", "new/nim-model");
    assertThat(sim.events()).filteredOn(e -> e.fault() != null).extracting(e -> e.model())
        .contains(NEW_GROQ, "new/free-model:free", "new/nim-model");

    // the next run skips the cached model and probes the transient ones again; now they work
    client.probedModels.clear();
    sim.clearFaults();
    out.reset();
    run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--show");
    assertThat(client.probedModels).doesNotContain("meta/llama-3.1-405b-instruct").contains(NEW_GROQ, "new/free-model:free", "new/nim-model");
    assertThat(cache()).doesNotContain(NEW_GROQ);
    assertThat(stdout()).contains("\"groq/" + NEW_GROQ + "\"", "\"openrouter/new/free-model:free\"", "\"nvidia_nim/new/nim-model\"");
  }

  @Test
  void updateKeepsAnEmbeddingDeploymentWhoseEmbeddingsWorkAndRemovesOneWhoseModelIsNotFound() throws IOException {
    // Two model_info.mode: embedding deployments on NIM: the simulator's nv-embedqa-e5-v5 (asymmetric: it
    // needs the deployment's input_type) and a retired embedder NIM still lists but answers 404 for.
    start(ProviderSimulator.builder().clock(VirtualClock.manual()));
    String e5 = """
          - model_name: "nvidia/embedqa-e5"
            litellm_params:
              model: "nvidia_nim/nvidia/nv-embedqa-e5-v5"
              api_key: "os.environ/NVIDIA_NIM_API_KEY"
              input_type: "query"
            model_info:
              mode: embedding

        """;
    String retired = """
          - model_name: "nvidia/retired-embedder"
            litellm_params:
              model: "nvidia_nim/nvidia/nv-embedqa-retired"
              api_key: "os.environ/NVIDIA_NIM_API_KEY"
            model_info:
              mode: embedding

        """;
    String anchor = "  - model_name: \"nvidia/llama-3.1-70b\"";
    original = original.replace(anchor, e5 + retired + anchor);
    Files.writeString(config, original);
    client.listOverride.put("nvidia_nim", List.of("nvidia/nv-embedqa-retired"));

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--update", "--yes")).as(err.toString()).isZero();

    assertThat(client.embeddedModels).as("each embedder probed with one embedding")
        .containsExactlyInAnyOrder("nvidia/nv-embedqa-e5-v5", "nvidia/nv-embedqa-retired");
    assertThat(client.probedModels).as("never with a chat; chat models still with a chat")
        .doesNotContain("nvidia/nv-embedqa-e5-v5", "nvidia/nv-embedqa-retired", "nvidia/llama-3.2-nv-embedqa-1b-v2")
        .contains("meta/llama-3.3-70b-instruct", "llama-3.1-8b-instant");
    assertThat(sim.events()).filteredOn(e -> e.model().equals("nvidia/nv-embedqa-e5-v5")).isNotEmpty()
        .allSatisfy(e -> assertThat(e.status()).isEqualTo(200));
    assertThat(sim.events()).filteredOn(e -> e.model().equals("nvidia/nv-embedqa-retired")).isNotEmpty()
        .allSatisfy(e -> assertThat(e.status()).isEqualTo(404));

    String updated = Files.readString(config);
    assertThat(updated).as("only the retired embedder's item goes").isEqualTo(original.replace(retired, ""));
    assertThat(updated).contains("model: \"nvidia_nim/nvidia/nv-embedqa-e5-v5\"").doesNotContain("nv-embedqa-retired");
    new StructuralConfigValidator().accept(updated);
    assertThat(cache()).as("embedding probes leave the (chat) failure cache alone").doesNotContain("nv-embedqa");
    assertThat(Files.readString(dir.resolve("update_models.log"))).contains("update", "removed=1", "result=applied");
  }

  @Test
  void aDecommissionedModelProbeIsCachedAsPermanent() throws IOException {
    // The simulator lists Groq's decommissioned model only if it is still in its catalog; make it a known chat id.
    start(ProviderSimulator.builder().clock(VirtualClock.manual()));
    client.listOverride.put("groq", List.of("deepseek-r1-distill-llama-70b"));

    run("--providers", "groq");

    assertThat(client.probedModels).contains("deepseek-r1-distill-llama-70b");
    assertThat(cache()).contains("deepseek-r1-distill-llama-70b");
  }

  @Test
  void aConfiguredModelThatNowAnswersDecommissionedIsProbedRemovedAndPrunedARateLimitedOneStays() throws IOException {
    // Groq still lists scout but answers 404 model_decommissioned; a configured OpenRouter model is only rate limited.
    start(ProviderSimulator.builder().clock(VirtualClock.manual())
        .model(SimModel.builder(SimProvider.GROQ, GONE_GROQ).decommissioned(true).build())
        .failNext(SimProvider.OPENROUTER, "deepseek/deepseek-r1:free", Fault.upstreamRateLimit(), 20));
    client.listOverride.put("groq", List.of(GONE_GROQ));

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--show")).as(err.toString()).isZero();
    assertThat(client.probedModels).as("configured models are probed").contains(GONE_GROQ, "llama-3.1-8b-instant", "deepseek/deepseek-r1:free");
    String block = stdout().substring(stdout().indexOf("model_list:"), stdout().indexOf("── Fallback validation"));
    assertThat(block).as("--show lists only working models").doesNotContain(GONE_GROQ).contains("\"groq/llama-3.1-8b-instant\"",
        "\"openrouter/deepseek/deepseek-r1:free\"");
    assertThat(stdout()).contains("groq/llama-3.3-70b → groq/llama-4-scout").doesNotContainPattern("groq/llama-4-scout +\\(working\\)")
        .containsPattern("groq/llama-4-scout +\\[STALE]").contains("would add 0, remove 1 model(s)");
    assertThat(cache()).contains(GONE_GROQ).doesNotContain("deepseek-r1");
    assertThat(Files.readString(config)).isEqualTo(original);

    // the update removes it from model_list and from its chain; the rate-limited model stays everywhere
    out.reset();
    client.probedModels.clear();
    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--update", "--yes")).as(err.toString()).isZero();
    assertThat(client.probedModels).as("the failure cache still applies to configured models").doesNotContain(GONE_GROQ);
    String updated = Files.readString(config);
    assertThat(updated).doesNotContain(GONE_GROQ, "\"groq/llama-4-scout\"").contains("openrouter/deepseek-r1\"",
        "model: \"openrouter/deepseek/deepseek-r1:free\"");
    assertThat(updated).contains(
        "- {\"groq/llama-3.3-70b\": [\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\", \"openrouter/hermes-3-405b\"]}");
    assertThat(updated.replace("\n", "")).isEqualTo(original.replace("\n", "")
        .replace(original.substring(original.indexOf("  - model_name: \"groq/llama-4-scout\""), original.indexOf("  - model_name: \"groq/qwen3-32b\"")).replace("\n", ""), "")
        .replace("\"groq/llama-4-scout\", ", ""));
    new StructuralConfigValidator().accept(updated);
  }

  @Test
  void staleDefaultFallbacksAndBlockStyleChainsArePrunedInDryRunAndUpdateKeepingEveryOtherByte() throws IOException {
    start(ProviderSimulator.builder().clock(VirtualClock.manual()).removeModel(SimProvider.GROQ, GONE_GROQ));
    String qwenChain = "    - {\"groq/qwen3-32b\":     [\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\"]}\n";
    String blockChain = "    - groq/qwen3-32b:\n        - groq/llama-4-scout   # block style\n        - \"nvidia/llama-3.3-70b\"\n";
    String defaults = "  # Default fallback for any model not listed above\n";
    assertThat(original).contains(qwenChain, defaults);
    String variant = original.replace(qwenChain, blockChain)
        .replace(defaults, defaults + "  default_fallbacks: [\"groq/llama-4-scout\", 'groq/llama-3.1-8b']  # any model\n");
    Files.writeString(config, variant);

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3])).as(err.toString()).isZero();
    assertThat(stdout()).contains("default_fallbacks → groq/llama-4-scout", "groq/qwen3-32b → groq/llama-4-scout")
        .contains("would add 0, remove 1 model(s) and prune 1 stale reference(s)");
    assertThat(Files.readString(config)).isEqualTo(variant);

    out.reset();
    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--update", "--yes")).as(err.toString()).isZero();
    String scoutEntry = variant.substring(variant.indexOf("  - model_name: \"groq/llama-4-scout\""), variant.indexOf("  - model_name: \"groq/qwen3-32b\""));
    String expected = variant.replace(scoutEntry, "")
        .replace("\"groq/llama-3.1-8b\", \"groq/llama-4-scout\", \"nvidia/llama-3.3-70b\"", "\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\"")
        .replace("        - groq/llama-4-scout   # block style\n", "")
        .replace("  default_fallbacks: [\"groq/llama-4-scout\", 'groq/llama-3.1-8b']", "  default_fallbacks: ['groq/llama-3.1-8b']");
    assertThat(Files.readString(config)).isEqualTo(expected);
    new StructuralConfigValidator().accept(expected);
  }

  @Test
  void openRoutersUserNotFoundOnAValidKeyIsARateLimitWithTheCreditHintNeverADeadModel() throws IOException {
    String venice = "meta-llama/llama-3.3-70b-instruct:free";
    String venice2 = "qwen/qwen3-next-80b-a3b-instruct:free";
    start(ProviderSimulator.builder().clock(VirtualClock.manual())
        .failNext(SimProvider.OPENROUTER, venice, Fault.userNotFound(), 20)
        .failNext(SimProvider.OPENROUTER, venice2, Fault.userNotFound(), 20));

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--update", "--yes")).as(err.toString()).isZero();

    assertThat(client.probedModels).contains(venice, venice2);
    assertThat(sim.openRouterKeyChecks()).as("the key is checked once per run, not per model").isEqualTo(1);
    assertThat(stdout()).contains("openrouter: 2 (", venice, venice2, "rate limited", "key is valid", "add $5 credit");
    assertThat(stdout()).doesNotContainPattern("openrouter/llama-3.3-70b +\\[STALE");
    String updated = Files.readString(config);
    assertThat(updated).as("never removed").contains("model: \"openrouter/" + venice + "\"", "model: \"openrouter/" + venice2 + "\"")
        .contains("[\"openrouter/hermes-3-405b\", \"openrouter/llama-3.3-70b\", \"openrouter/deepseek-r1\"]");
    assertThat(cache()).as("never cached as a permanent failure").doesNotContain(venice, venice2);
    assertThat(stdout() + err.toString()).doesNotContain(SimProvider.OPENROUTER.fakeKey());
  }

  @Test
  void aRevokedOpenRouterKeyIsReportedAsAKeyProblemAndRemovesNothing() throws IOException {
    start(ProviderSimulator.builder().clock(VirtualClock.manual()));
    sim.openRouterKeyRevoked(true);

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--update", "--yes")).as(err.toString()).isZero();

    assertThat(sim.openRouterKeyChecks()).isEqualTo(1);
    assertThat(stdout()).contains("key is rejected; check OPENROUTER_API_KEY").doesNotContain("add $5 credit");
    String updated = Files.readString(config);
    assertThat(updated).contains("model: \"openrouter/meta-llama/llama-3.3-70b-instruct:free\"", "openrouter/hermes-3-405b");
    assertThat(cache()).doesNotContain("openrouter/", ":free");
    assertThat(stdout() + err.toString()).doesNotContain(SimProvider.OPENROUTER.fakeKey());
  }

  @Test
  void perProviderProbeConcurrencyIsNeverExceeded() throws IOException {
    // Real-time simulator with latency, so probes overlap and the bound is really exercised; many new models.
    ProviderSimulator.Builder b = ProviderSimulator.builder().clock(VirtualClock.realTime())
        .latency(Duration.ofMillis(100), Duration.ZERO);
    for (int i = 0; i < 10; i++) {
      b.model(SimModel.builder(SimProvider.OPENROUTER, "new/or-" + i + ":free").rpm(20).build());
      b.model(SimModel.builder(SimProvider.GROQ, "new/groq-" + i).rpm(30).build());
      b.model(SimModel.builder(SimProvider.NVIDIA_NIM, "new/nim-" + i).rpm(40).build());
    }
    start(b);

    assertThat(run(PROVIDERS[0], PROVIDERS[1], PROVIDERS[2], PROVIDERS[3], "--concurrency", "openrouter=2")).as(err.toString()).isZero();

    assertThat(client.probedModels).hasSizeGreaterThanOrEqualTo(30);
    // the limits are reached (so the probes do run in parallel) and never exceeded
    assertThat(client.maxInFlight("openrouter")).isEqualTo(2);
    assertThat(client.maxInFlight("groq")).isEqualTo(4);
    assertThat(client.maxInFlight("nvidia_nim")).isEqualTo(3);
  }

  @Test
  void whenPacingAllowsFewerProbesAtOnceTheOutputSaysSoAndTheLowerBoundHolds() throws IOException {
    // With a 2 s probe timeout, Groq's 28 probes/min (one start every 2.1 s) cannot overlap: 1 instead of 4.
    ProviderSimulator.Builder b = ProviderSimulator.builder().clock(VirtualClock.realTime()).latency(Duration.ofMillis(30), Duration.ZERO);
    for (int i = 0; i < 6; i++) b.model(SimModel.builder(SimProvider.GROQ, "new/groq-" + i).rpm(30).build());
    start(b);

    assertThat(run("--providers", "groq", "nvidia", "--probe-timeout", "2")).as(err.toString()).isZero();
    assertThat(stdout()).contains("groq: probe concurrency 1 instead of 4: paced to 28 probes/min (one start every 2.1 s)"
        + " and a probe ends within 2 s, so no more than 1 overlap");
    assertThat(stdout()).contains("nvidia_nim: probe concurrency 2 instead of 3: paced to 40 probes/min");
    assertThat(client.maxInFlight("groq")).isEqualTo(1);
    assertThat(client.maxInFlight("nvidia_nim")).isLessThanOrEqualTo(2);

    // with the default timeout the guide's concurrency stands and nothing is said
    out.reset();
    assertThat(run("--providers", "groq")).as(err.toString()).isZero();
    assertThat(stdout()).doesNotContain("probe concurrency");
  }

  static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "";
    }
  }

  /** Marks the lines of a longest common subsequence: [0] over {@code a}, [1] over {@code b}. */
  static boolean[][] lcs(List<String> a, List<String> b) {
    int[][] n = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        n[i][j] = a.get(i).equals(b.get(j)) ? n[i + 1][j + 1] + 1 : Math.max(n[i + 1][j], n[i][j + 1]);
      }
    }
    boolean[][] keep = {new boolean[a.size()], new boolean[b.size()]};
    int i = 0;
    int j = 0;
    while (i < a.size() && j < b.size()) {
      if (a.get(i).equals(b.get(j))) {
        keep[0][i++] = true;
        keep[1][j++] = true;
      } else if (n[i + 1][j] >= n[i][j + 1]) {
        i++;
      } else {
        j++;
      }
    }
    return keep;
  }

  /** The real client, counting probes in flight per provider; optionally adds ids to a provider's listing. */
  static final class Counting extends ForwardingProviderClient {
    final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> max = new ConcurrentHashMap<>();
    final List<String> probedModels = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<String> embeddedModels = new java.util.concurrent.CopyOnWriteArrayList<>();
    final Map<String, List<String>> listOverride = new ConcurrentHashMap<>();

    Counting(ProviderClient real) {
      super(real);
    }

    int maxInFlight(String provider) {
      return max.getOrDefault(provider, new AtomicInteger()).get();
    }

    @Override
    public ProviderResponse<ChatResponse> chat(ProviderCall call) {
      String p = call.endpoint().provider();
      probedModels.add(call.endpoint().model());
      int now = inFlight.computeIfAbsent(p, k -> new AtomicInteger()).incrementAndGet();
      max.computeIfAbsent(p, k -> new AtomicInteger()).accumulateAndGet(now, Math::max);
      try {
        return delegate().chat(call);
      } finally {
        inFlight.get(p).decrementAndGet();
      }
    }

    @Override
    public ProviderResponse<io.llmrouter.api.EmbeddingResponse> embed(io.llmrouter.api.spi.EmbeddingCall call) {
      embeddedModels.add(call.endpoint().model());
      return delegate().embed(call);
    }

    @Override
    public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
      ProviderResponse<List<ModelListing>> r = delegate().listModels(endpoint, timeout);
      List<String> extra = listOverride.get(endpoint.provider());
      if (extra == null) return r;
      List<ModelListing> all = new ArrayList<>(r.value());
      for (String id : extra) {
        if (all.stream().noneMatch(m -> m.id().equals(id))) all.add(new ModelListing(id, 131_072, true, null, null));
      }
      return new ProviderResponse<>(List.copyOf(all), r.status(), r.headers(), r.signal());
    }
  }
}
