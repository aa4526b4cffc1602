package io.llmrouter.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ConfigException;
import io.llmrouter.testing.TestClock;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigEditingTest {

  static String guide() throws IOException {
    try (InputStream in = ConfigEditingTest.class.getResourceAsStream("/guide-config.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** A scan in which every configured model of every provider is still listed and nothing new appeared. */
  static List<ProviderScan> unchanged(ConfigDocument doc) {
    List<ProviderScan> out = new ArrayList<>();
    for (String p : List.of("hosted_vllm", "groq", "nvidia_nim", "openrouter")) {
      List<ProviderScan.WorkingModel> w = doc.deployments().stream().filter(d -> d.provider().equals(p))
          .map(d -> new ProviderScan.WorkingModel(d.providerModel(), null, true)).toList();
      out.add(new ProviderScan(p, ProviderScan.Status.OK, "", w.size(), w.size(), 0, w, List.of(), List.of(), "os.environ/X", null));
    }
    return out;
  }

  static ProviderScan scan(String provider, List<String> gone, String... newIds) {
    List<ProviderScan.WorkingModel> w = new ArrayList<>();
    for (String id : newIds) w.add(new ProviderScan.WorkingModel(id, 131072, false));
    return new ProviderScan(provider, ProviderScan.Status.OK, "", 10, 10, 0, w, List.of(), gone,
        "os.environ/" + provider.toUpperCase() + "_API_KEY", null);
  }

  @Test
  void guideConfigIsReadCompletely() throws IOException {
    ConfigDocument doc = ConfigDocument.parse(guide());
    assertThat(doc.deployments()).hasSize(27);
    assertThat(doc.deployments().get(0).modelName()).isEqualTo("local/qwen");
    assertThat(doc.deployments().get(0).apiBase()).isEqualTo("http://DGX_IP:8000/v1");
    assertThat(doc.deployments().get(1).apiKeyEnv()).isEqualTo("GROQ_API_KEY");
    assertThat(doc.chains()).hasSize(7).allMatch(ConfigDocument.Chain::editable);
    assertThat(doc.chains().get(6).section()).isEqualTo("context_window_fallbacks");
    new StructuralConfigValidator().accept(guide());
  }

  @Test
  void guideConfigRoundTripsByteForByteWhenNothingChanges() throws IOException {
    String text = guide();
    ConfigDocument doc = ConfigDocument.parse(text);
    CatalogPlan plan = CatalogPlan.forUpdate(doc, unchanged(doc), null, null);
    assertThat(plan.changed()).isFalse();
    assertThat(plan.edit().text()).isEqualTo(text);
    assertThat(plan.edit().text().getBytes(StandardCharsets.UTF_8)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    assertThat(plan.report().stale()).isEmpty();
    assertThat(new ConfigEditor(doc).apply().text()).isEqualTo(text);
    CatalogPlan fallbacks = CatalogPlan.forFallbacks(doc, FailureCache.inMemory());
    assertThat(fallbacks.edit().text()).isEqualTo(text);
  }

  @Test
  void updateKeepsEveryCommentAndOnlyTouchesTheChangedLines() throws IOException {
    String text = guide();
    ConfigDocument doc = ConfigDocument.parse(text);
    List<ProviderScan> scans = new ArrayList<>(unchanged(doc));
    scans.set(3, scan("openrouter", List.of("deepseek/deepseek-r1:free"), "qwen/qwen3-235b-a22b:free"));
    scans.set(1, scan("groq", List.of(), "moonshotai/kimi-k2-instruct"));
    CatalogPlan plan = CatalogPlan.forUpdate(doc, scans, null, null);
    plan.verify();
    String out = plan.edit().text();
    new StructuralConfigValidator().accept(out);

    for (String line : text.split("\n", -1)) {
      if (line.strip().startsWith("#")) assertThat(out).contains(line);
    }
    assertThat(out).doesNotContain("deepseek/deepseek-r1:free").doesNotContain("\"openrouter/deepseek-r1\"");
    assertThat(out).contains("  - model_name: \"openrouter/qwen3-235b-a22b\"\n    litellm_params:\n      model: \"openrouter/qwen/qwen3-235b-a22b:free\"\n"
        + "      api_key: \"os.environ/OPENROUTER_API_KEY\"\n      rpm: 18\n    model_info:\n      description: \"qwen/qwen3-235b-a22b:free — 131K ctx\"\n");
    assertThat(out).contains("model: \"groq/moonshotai/kimi-k2-instruct\"");
    // the new groq entry sits after the last groq entry, before the NVIDIA section comment
    assertThat(out.indexOf("groq/kimi-k2-instruct")).isGreaterThan(out.indexOf("groq/qwen3-32b\""))
        .isLessThan(out.indexOf("# ── NVIDIA NIM"));
    // the pruned chain keeps its spacing and order
    assertThat(out).contains("    - {\"nvidia/llama-3.3-70b\": [\"openrouter/hermes-3-405b\", \"openrouter/llama-3.3-70b\"]}\n");
    assertThat(plan.report().stale()).containsExactly("openrouter/deepseek-r1");
    assertThat(plan.report().suggestions()).contains("groq/kimi-k2-instruct", "openrouter/qwen3-235b-a22b");

    // Exactly these edits, every other byte as it was.
    String deepseek = """
          - model_name: "openrouter/deepseek-r1"
            litellm_params:
              model: "openrouter/deepseek/deepseek-r1:free"
              api_key: "os.environ/OPENROUTER_API_KEY"
              rpm: 18
            model_info:
              description: "DeepSeek R1 — reasoning model, 64K ctx"

        """;
    String lastOpenRouter = "      description: \"Meta Llama 3.2 3B — 131K ctx, lightweight fallback\"\n";
    String lastGroq = "      description: \"Groq Qwen3 32B — highest RPM of free models\"\n";
    String expected = text
        .replace(deepseek, "")
        .replace("\"openrouter/llama-3.3-70b\", \"openrouter/deepseek-r1\"]}", "\"openrouter/llama-3.3-70b\"]}")
        .replace(lastOpenRouter, lastOpenRouter + "\n" + ModelEntryRenderer.render(plan.added().get(1), 2, "\n"))
        .replace(lastGroq, lastGroq + "\n" + ModelEntryRenderer.render(plan.added().get(0), 2, "\n"));
    assertThat(text).contains(deepseek, lastOpenRouter, lastGroq);
    assertThat(plan.added()).extracting(ModelEntryRenderer.Entry::modelName).containsExactly("groq/kimi-k2-instruct", "openrouter/qwen3-235b-a22b");
    assertThat(out).isEqualTo(expected);
    assertThat(plan.edit().diff()).anyMatch(l -> l.startsWith("-") && l.contains("openrouter/deepseek-r1"));
  }

  @Test
  void pruningRemovesStaleEntriesDropsEmptyChainsAndChainsOfStaleSourcesKeepsOrder() {
    String text = """
        model_list:
          - model_name: "a"
            litellm_params: {model: "groq/a"}
          - model_name: "b"
            litellm_params: {model: "groq/b"}
          - model_name: "c"
            litellm_params: {model: "groq/c"}
          - model_name: "d"
            litellm_params: {model: "groq/d"}
        router_settings:
          fallbacks:
            - {"a": ["b", "c", "d"]}   # keep my comment
            - {"d": ["b", "c"]}
            - {"b":   [ "c" ]}
            - {"c": ["a"]}
          context_window_fallbacks:
            - {"a": ["c"]}
        """;
    ConfigDocument doc = ConfigDocument.parse(text);
    CatalogPlan plan = CatalogPlan.forUpdate(doc, List.of(scan("groq", List.of("c")), unchangedWorking("groq", "a", "b", "d")), null, null);
    plan.verify();
    assertThat(plan.edit().text()).isEqualTo("""
        model_list:
          - model_name: "a"
            litellm_params: {model: "groq/a"}
          - model_name: "b"
            litellm_params: {model: "groq/b"}
          - model_name: "d"
            litellm_params: {model: "groq/d"}
        router_settings:
          fallbacks:
            - {"a": ["b", "d"]}   # keep my comment
            - {"d": ["b"]}
            - {"c": ["a"]}
        """.replace("    - {\"c\": [\"a\"]}\n", "") + "  context_window_fallbacks:\n");
    assertThat(plan.report().stale()).containsExactly("c");
    assertThat(plan.report().entries()).filteredOn(e -> !e.working()).hasSize(5);
  }

  static ProviderScan unchangedWorking(String provider, String... ids) {
    List<ProviderScan.WorkingModel> w = new ArrayList<>();
    for (String id : ids) w.add(new ProviderScan.WorkingModel(id, null, true));
    return new ProviderScan(provider, ProviderScan.Status.OK, "", 0, 0, 0, w, List.of(), List.of(), null, null);
  }

  @Test
  void fallbackModeMarksCachedModelsStaleWithoutTouchingModelList() throws IOException {
    String text = guide();
    ConfigDocument doc = ConfigDocument.parse(text);
    FailureCache cache = FailureCache.inMemory();
    cache.record(new ProbeOutcome("openrouter", "nousresearch/hermes-3-llama-3.1-405b:free", ProbeOutcome.Kind.PERMANENT, 404, "404", null),
        Instant.EPOCH);
    CatalogPlan plan = CatalogPlan.forFallbacks(doc, cache);
    String out = plan.edit().text();
    assertThat(plan.report().stale()).containsExactly("openrouter/hermes-3-405b");
    assertThat(out).contains("- model_name: \"openrouter/hermes-3-405b\"");
    assertThat(out).contains("    - {\"groq/qwen3-32b\":     [\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\"]}\n");
    assertThat(out).contains("    - {\"local/qwen\":         [\"groq/llama-3.1-8b\", \"groq/llama-3.3-70b\", \"nvidia/llama-3.3-70b\"]}\n");
    assertThat(out).doesNotContain("{\"openrouter/hermes-3-405b\":");
    assertThat(plan.report().render()).contains("✗  local/qwen → openrouter/hermes-3-405b").contains("[STALE]");
  }

  @Test
  void showBlockIsAValidModelList() throws IOException {
    ConfigDocument doc = ConfigDocument.parse(guide());
    List<ProviderScan> scans = new ArrayList<>(unchanged(doc));
    scans.add(scan("nvidia_nim", List.of(), "deepseek-ai/deepseek-v3.2"));
    String block = CatalogPlan.showBlock(doc, scans, null, null);
    new StructuralConfigValidator().accept(block);
    ConfigDocument shown = ConfigDocument.parse(block);
    assertThat(shown.deployments()).hasSize(28);
    assertThat(shown.deployments()).extracting(ConfigDocument.Deployment::modelName).contains("groq/llama-3.3-70b", "nvidia/deepseek-v3.2");
    assertThat(CatalogPlan.showBlock(doc, List.of(), null, null)).isEqualTo("model_list: []\n");
  }

  static final String ABC = """
      model_list:
        - model_name: "a"
          litellm_params: {model: "groq/a"}
        - model_name: "b"
          litellm_params: {model: "groq/b"}
        - model_name: "c"
          litellm_params: {model: "groq/c"}
      """;

  @Test
  void blockStyleChainsAndDefaultFallbacksArePrunedKeepingEveryOtherByte() {
    String text = ABC + """
        router_settings:
          fallbacks:
            # block chains
            - a:
                - 'b'   # keep quoting
                # a comment between targets stays
                - c
            - b:
                - c
            - c: [a, b]
            - b: ["a", c]
          default_fallbacks: ["c", 'b']   # default list
          context_window_fallbacks:
            - {"a": ["c"]}
        """;
    ConfigDocument doc = ConfigDocument.parse(text);
    assertThat(doc.chains()).allMatch(ConfigDocument.Chain::editable).hasSize(6);
    assertThat(doc.chains()).filteredOn(c -> !c.hasSource()).singleElement()
        .satisfies(c -> assertThat(c.targets()).containsExactly("c", "b"));

    CatalogPlan plan = CatalogPlan.forUpdate(doc, List.of(scan("groq", List.of("c"))), null, null);
    String expected = ABC.replace("""
          - model_name: "c"
            litellm_params: {model: "groq/c"}
        """, "") + """
        router_settings:
          fallbacks:
            # block chains
            - a:
                - 'b'   # keep quoting
                # a comment between targets stays
            - b: ["a"]
          default_fallbacks: ['b']   # default list
          context_window_fallbacks:
        """;
    assertThat(plan.edit().text()).isEqualTo(expected);
    assertThat(plan.report().stale()).containsExactly("c");
    assertThat(plan.report().entries()).filteredOn(e -> e.section().equals("default_fallbacks"))
        .extracting(FallbackReport.Entry::target, FallbackReport.Entry::working)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("c", false), org.assertj.core.groups.Tuple.tuple("b", true));
    assertThat(plan.report().render()).contains("default_fallbacks → c").contains("[STALE]");
    plan.verify();
  }

  @Test
  void aBlockListOfDefaultFallbacksLosesItsStaleLinesAndGoesWhenEmpty() {
    String text = ABC + """
        router_settings:
          default_fallbacks:
            - b   # first
            - "c"
          num_retries: 2
        """;
    CatalogPlan one = CatalogPlan.forUpdate(ConfigDocument.parse(text), List.of(scan("groq", List.of("c"))), null, null);
    assertThat(one.edit().text()).endsWith("""
        router_settings:
          default_fallbacks:
            - b   # first
          num_retries: 2
        """);
    one.verify();

    CatalogPlan all = CatalogPlan.forUpdate(ConfigDocument.parse(text), List.of(scan("groq", List.of("b", "c"))), null, null);
    assertThat(all.edit().text()).endsWith("""
        router_settings:
          num_retries: 2
        """);
    all.verify();
  }

  @Test
  void theFallbackOnlyModePrunesDefaultFallbacksAndBlockChainsOfCachedModels() {
    String text = ABC + """
        router_settings:
          fallbacks:
            - a:
                - c
                - b
          default_fallbacks:
            - c
            - b
        """;
    FailureCache cache = FailureCache.inMemory();
    cache.record(new ProbeOutcome("groq", "c", ProbeOutcome.Kind.PERMANENT, 404, "404: decommissioned", null), java.time.Instant.EPOCH);
    CatalogPlan plan = CatalogPlan.forFallbacks(ConfigDocument.parse(text), cache);
    assertThat(plan.edit().text()).isEqualTo(text.replace("        - c\n", "").replace("    - c\n", ""));
    assertThat(plan.report().stale()).containsExactly("c");
  }

  @Test
  void aChainLaidOutAnyOtherWayThatMustChangeIsRefusedNotGuessed() {
    // a flow map spread over lines: the line editor cannot map it item by item
    String text = ABC + """
        router_settings:
          fallbacks:
            - {"a": [
                "b"]}
        """;
    ConfigDocument doc = ConfigDocument.parse(text);
    assertThat(doc.chains()).singleElement().satisfies(c -> assertThat(c.editable()).isFalse());
    assertThatThrownBy(() -> CatalogPlan.forUpdate(doc, List.of(scan("groq", List.of("b"))), null, null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("edit it by hand");
  }

  @Test
  void crashDuringWriteLeavesTheOldFileWhole(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("config.yaml");
    String old = guide();
    Files.writeString(config, old);
    TestClock clock = new TestClock(Instant.parse("2025-01-06T08:00:00Z"));
    SafeConfigWriter.FileOps crashingMove = new SafeConfigWriter.FileOps() {
      @Override
      public void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // half written, then the "crash"
      }

      @Override
      public void move(Path from, Path to) throws IOException {
        throw new IOException("simulated crash before rename");
      }
    };
    String updated = old.replace("    - {\"groq/qwen3-32b\":     [\"groq/llama-3.1-8b\", \"nvidia/llama-3.3-70b\"]}\n", "");
    assertThatThrownBy(() -> new SafeConfigWriter(clock, crashingMove).replace(config, old, updated, new StructuralConfigValidator()))
        .isInstanceOf(IOException.class);
    assertThat(Files.readString(config)).isEqualTo(old);
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.yaml", "backups");
    }

    Path backup = new SafeConfigWriter(clock, SafeConfigWriter.FileOps.system()).replace(config, old, updated, new StructuralConfigValidator());
    assertThat(Files.readString(config)).isEqualTo(updated);
    assertThat(Files.readString(backup)).isEqualTo(old);
    assertThat(backup.getParent().getFileName().toString()).isEqualTo("backups");
    assertThat(backup.getFileName().toString()).startsWith("config.yaml.bak.2025");
  }

  @Test
  void invalidNewTextOrAConcurrentEditWritesNothing(@TempDir Path dir) throws IOException {
    Path config = dir.resolve("config.yaml");
    String old = guide();
    Files.writeString(config, old);
    SafeConfigWriter w = new SafeConfigWriter(new TestClock(Instant.EPOCH), SafeConfigWriter.FileOps.system());
    String broken = old.replace("- model_name: \"groq/qwen3-32b\"", "- model_name: \"groq/renamed\"");
    assertThatThrownBy(() -> w.replace(config, old, broken, new StructuralConfigValidator()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("groq/qwen3-32b");
    assertThatThrownBy(() -> w.replace(config, "something else", old, new StructuralConfigValidator()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("changed");
    assertThat(Files.readString(config)).isEqualTo(old);
    assertThat(dir.resolve("backups")).doesNotExist();
  }
}
