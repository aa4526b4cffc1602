package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.catalog.ConfigDocument;
import io.llmrouter.catalog.SafeConfigWriter;
import io.llmrouter.catalog.StructuralConfigValidator;
import io.llmrouter.core.config.Env;
import io.llmrouter.testing.ScriptedProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ModelsCommandTest {
  static final String CONFIG = """
      # my gateway
      model_list:
        # Groq
        - model_name: "groq/llama-3.1-8b"
          litellm_params:
            model: "groq/llama-3.1-8b-instant"
            api_key: "os.environ/GROQ_API_KEY"
            rpm: 28        # keep this comment

        - model_name: "groq/old"
          litellm_params:
            model: "groq/old-model"
            api_key: "os.environ/GROQ_API_KEY"

        # NVIDIA
        - model_name: "nvidia/llama-3.3-70b"
          litellm_params:
            model: "nvidia_nim/meta/llama-3.3-70b-instruct"
            api_key: "os.environ/NVIDIA_NIM_API_KEY"

        - model_name: "openrouter/hermes"
          litellm_params:
            model: "openrouter/nousresearch/hermes-3-llama-3.1-405b:free"
            api_key: "os.environ/OPENROUTER_API_KEY"

      router_settings:
        fallbacks:
          - {"groq/llama-3.1-8b": ["groq/old", "nvidia/llama-3.3-70b"]}   # primary chain
          - {"nvidia/llama-3.3-70b": ["groq/old"]}
      """;

  @TempDir Path dir;
  Path config;
  final ScriptedProvider fake = new ScriptedProvider();
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  final Clock clock = Clock.fixed(Instant.parse("2025-01-06T08:00:00Z"), ZoneOffset.UTC);
  SafeConfigWriter.FileOps ops = SafeConfigWriter.FileOps.system();
  String stdin = "";

  int run(Map<String, String> env, String... args) throws IOException {
    config = dir.resolve("config.yaml");
    if (!Files.exists(config)) Files.writeString(config, CONFIG);
    ModelsCommand cmd = new ModelsCommand(() -> fake, Env.of(env), clock, d -> { }, new ByteArrayInputStream(stdin.getBytes()),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
        new StructuralConfigValidator(), ops, false);
    List<String> all = new ArrayList<>(List.of("--config", dir.resolve("config.yaml").toString()));
    all.addAll(List.of(args));
    return new CommandLine(cmd).execute(all.toArray(String[]::new));
  }

  static final Map<String, String> KEYS = Map.of("GROQ_API_KEY", "gsk-secret-1", "NVIDIA_NIM_API_KEY", "nvapi-secret-2", "OPENROUTER_API_KEY", "sk-or-secret-3");

  void scriptProviders() {
    fake.listing("groq", chat("llama-3.1-8b-instant", null), chat("kimi-k2", null), chat("dead-one", null));
    fake.listing("nvidia_nim", chat("meta/llama-3.3-70b-instruct", null));
    fake.listing("openrouter", chat("nousresearch/hermes-3-llama-3.1-405b:free", true), chat("paid/model", false));
    fake.alwaysFail("dead-one", new ModelNotFoundException("nf", new ErrorContext(404, "groq", null, Map.of(), "model not found", null)));
  }

  /** The provider prefix of every model list so far. */
  List<String> listedProviders() {
    return fake.listCalls().stream().map(c -> c.endpoint().provider()).toList();
  }

  String output() {
    return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void everyKeyMissingReportsEachVariableByNameAndTouchesNothing() throws IOException {
    scriptProviders();
    int code = run(Map.of(), "--update", "--yes");
    assertThat(code).isEqualTo(ModelsCommand.EXIT_NO_WORKING_MODEL);
    assertThat(output()).contains("GROQ_API_KEY is not set", "NVIDIA_NIM_API_KEY is not set", "OPENROUTER_API_KEY is not set");
    assertThat(Files.readString(config)).isEqualTo(CONFIG);
    assertThat(fake.calls()).isEmpty();
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.yaml", "update_models.log");
    }
  }

  @Test
  void updateWithYesAddsRemovesPrunesBacksUpAndLogs() throws IOException {
    scriptProviders();
    int code = run(KEYS, "--update", "--yes");
    assertThat(code).isZero();
    String updated = Files.readString(config);
    new StructuralConfigValidator().accept(updated);
    assertThat(updated).contains("# my gateway", "rpm: 28        # keep this comment", "# primary chain", "# NVIDIA");
    assertThat(updated).contains("model: \"groq/kimi-k2\"").doesNotContain("groq/old").doesNotContain("dead-one").doesNotContain("paid/model");
    assertThat(updated).contains("  - {\"groq/llama-3.1-8b\": [\"nvidia/llama-3.3-70b\"]}   # primary chain\n");
    assertThat(updated).doesNotContain("{\"nvidia/llama-3.3-70b\":");
    assertThat(dir.resolve("backups")).isDirectoryContaining(p -> p.getFileName().toString().startsWith("config.yaml.bak."));
    assertThat(Files.readString(dir.resolve("update_models.log"))).contains("update", "added=1", "removed=1", "result=applied");
    assertThat(Files.readString(dir.resolve("model_cache.json"))).contains("dead-one").contains("404");
    assertThat(output()).doesNotContain("gsk-secret-1", "nvapi-secret-2", "sk-or-secret-3");
    assertThat(output()).contains("[STALE]", "groq/kimi-k2");

    // a second run finds nothing to do and skips the cached model
    fake.clearCalls();
    out.reset();
    assertThat(run(KEYS, "--update", "--yes")).isZero();
    // only the configured models are probed again (the guide's weekly check); the cached one never is
    assertThat(fake.calls()).extracting(c -> c.call().endpoint().model()).doesNotContain("dead-one")
        .containsExactlyInAnyOrder("llama-3.1-8b-instant", "kimi-k2", "meta/llama-3.3-70b-instruct", "nousresearch/hermes-3-llama-3.1-405b:free");
    assertThat(output()).contains("config is up to date");
  }

  @Test
  void updateWithoutYesAsksAndNoMeansUntouched() throws IOException {
    scriptProviders();
    stdin = "n\n";
    assertThat(run(KEYS, "--update")).isZero();
    assertThat(output()).contains("Apply these changes? [y/N]", "-", "groq/old");
    assertThat(Files.readString(config)).isEqualTo(CONFIG);
    assertThat(dir.resolve("backups")).doesNotExist();
  }

  @Test
  void aFailedWriteLeavesTheConfigWholeAndExitsThree() throws IOException {
    scriptProviders();
    ops = new SafeConfigWriter.FileOps() {
      @Override
      public void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
      }

      @Override
      public void move(Path from, Path to) throws IOException {
        throw new IOException("disk full");
      }
    };
    assertThat(run(KEYS, "--update", "--yes")).isEqualTo(ModelsCommand.EXIT_WRITE_FAILED);
    assertThat(Files.readString(config)).isEqualTo(CONFIG);
    assertThat(Files.readString(dir.resolve("update_models.log"))).contains("result=write-failed");
  }

  @Test
  void showPrintsAModelListTheValidatorAccepts() throws IOException {
    scriptProviders();
    assertThat(run(KEYS, "--show", "--providers", "groq", "openrouter")).isZero();
    String stdout = out.toString(StandardCharsets.UTF_8);
    String block = stdout.substring(stdout.indexOf("model_list:"), stdout.indexOf("── Fallback validation"));
    new StructuralConfigValidator().accept(block);
    assertThat(ConfigDocument.parse(block).deployments()).extracting(ConfigDocument.Deployment::modelName)
        .containsExactly("groq/llama-3.1-8b", "groq/kimi-k2", "openrouter/hermes");
    assertThat(block).contains("api_key: \"os.environ/GROQ_API_KEY\"", "rpm: 28", "tpm: 5500", "rpm: 18");
    assertThat(Files.readString(config)).isEqualTo(CONFIG);
    assertThat(listedProviders()).containsExactlyInAnyOrder("groq", "openrouter");
  }

  @Test
  void fallbackOnlyPrunesUsingTheCacheWithoutProbing() throws IOException {
    Files.writeString(dir.resolve("model_cache.json"),
        "{\"version\":1,\"providers\":{\"groq\":{\"old-model\":{\"failed_at\":\"2025-01-01T00:00:00Z\",\"status\":404,\"reason\":\"404\"}}}}");
    assertThat(run(Map.of(), "--fallback", "--yes")).isZero();
    assertThat(fake.calls()).isEmpty();
    assertThat(listedProviders()).isEmpty();
    String updated = Files.readString(config);
    assertThat(updated).contains("- model_name: \"groq/old\"");
    assertThat(updated).contains("[\"nvidia/llama-3.3-70b\"]}   # primary chain");
    assertThat(output()).contains("✗  groq/llama-3.1-8b → groq/old", "[STALE]");
  }

  @Test
  void cacheCanBeShownAndClearedByAlias() throws IOException {
    Files.writeString(dir.resolve("model_cache.json"),
        "{\"version\":1,\"providers\":{\"nvidia_nim\":{\"meta/x\":{\"failed_at\":\"2025-01-01T00:00:00Z\",\"status\":404,\"reason\":\"404: gone\"}}}}");
    assertThat(run(Map.of(), "--show-cache")).isZero();
    assertThat(output()).contains("nvidia_nim (1)", "meta/x", "404: gone");
    assertThat(run(Map.of(), "--clear-cache", "nvidia")).isZero();
    assertThat(output()).contains("cleared 1 cached failure(s) for nvidia_nim");
    assertThat(Files.readString(dir.resolve("model_cache.json"))).doesNotContain("meta/x");
  }

  @Test
  void aMissingConfigIsAUsageError() {
    ModelsCommand cmd = new ModelsCommand(() -> fake, Env.of(Map.of()), clock, d -> { }, new ByteArrayInputStream(new byte[0]),
        new PrintStream(out), new PrintStream(err), new StructuralConfigValidator(), ops, false);
    assertThat(new CommandLine(cmd).execute("--config", dir.resolve("nope.yaml").toString())).isEqualTo(ModelsCommand.EXIT_USAGE);
    assertThat(err.toString()).contains("config file not found");
  }

  @Test
  void registeredUnderMain() {
    assertThat(Main.commandLine().getSubcommands()).containsKey("models");
  }

  static ModelListing chat(String id, Boolean free) {
    return new ModelListing(id, 131072, true, free, JsonNodeFactory.instance.objectNode());
  }
}
