package io.llmrouter.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.testkit.scenario.DayReplay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * README.md's "Use it in your build" shows regions of real files (compiled and run by the build); each block
 * follows a {@code <!-- snippet: path#name -->} line and must equal the region between {@code snippet:name}
 * and {@code end:name} in that file, indentation removed and {@code @project.version@} filled in.
 */
class ReadmeSnippetsTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->");
  static final String SECTION = "## Use it in your build";

  record Snippet(String path, String name, String block) {}

  static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  /** The section of README.md this test guards, from its heading to the next level-2 heading. */
  static String section() throws IOException {
    String readme = read(ROOT.resolve("README.md"));
    int from = readme.indexOf("\n" + SECTION + "\n");
    assertThat(from).as("README.md has a \"%s\" section", SECTION).isNotNegative();
    int to = readme.indexOf("\n## ", from + 1);
    return readme.substring(from, to < 0 ? readme.length() : to);
  }

  static List<Snippet> snippets(String text) {
    List<Snippet> out = new ArrayList<>();
    List<String> lines = text.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = MARKER.matcher(lines.get(i).strip());
      if (!m.matches()) continue;
      assertThat(lines.get(i + 1)).as("a fenced block follows %s", lines.get(i)).startsWith("```");
      int end = i + 2;
      while (!lines.get(end).equals("```")) end++;
      out.add(new Snippet(m.group(1), m.group(2), String.join("\n", lines.subList(i + 2, end))));
      i = end;
    }
    return out;
  }

  static String region(String path, String name) throws IOException {
    List<String> lines = read(ROOT.resolve(path)).lines().toList();
    Pattern start = Pattern.compile(".*\\bsnippet:" + Pattern.quote(name) + "(\\s.*|-->.*|)");
    Pattern end = Pattern.compile(".*\\bend:" + Pattern.quote(name) + "(\\s.*|-->.*|)");
    int from = -1;
    int to = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (start.matcher(lines.get(i)).matches()) from = i + 1;
      if (end.matcher(lines.get(i)).matches()) to = i;
    }
    assertThat(from).as("%s has a snippet:%s line", path, name).isPositive();
    assertThat(to).as("%s has an end:%s line after it", path, name).isGreaterThanOrEqualTo(from);
    List<String> body = lines.subList(from, to);
    int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    StringBuilder sb = new StringBuilder();
    for (String l : body) sb.append(l.isBlank() ? "" : l.substring(indent)).append('\n');
    return sb.toString().stripTrailing()
        .replace("@project.version@", System.getProperty("llmrouter.version"))
        .replace("@slf4j.version@", System.getProperty("slf4j.version"));
  }

  @Test
  void everySnippetEqualsTheRegionOfTheFileItNames() throws IOException {
    List<Snippet> found = snippets(section());
    assertThat(found).extracting(Snippet::name).contains("bom", "library", "testkit", "slf4j", "assistant",
        "module-info", "assistant-test", "openai-java-imports", "openai-java");
    for (Snippet s : found) {
      assertThat(s.block()).as("README block %s#%s", s.path(), s.name()).isEqualTo(region(s.path(), s.name()));
    }
  }

  @Test
  void everyJavaAndXmlBlockOfTheSectionIsASnippet() throws IOException {
    List<String> lines = section().lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.equals("```java") || l.equals("```xml")) {
        assertThat(lines.get(i - 1)).as("the line before the block at section line %d names its file", i + 1)
            .matches(MARKER.pattern());
      }
    }
  }

  @Test
  void theReadmeNamesTheArtifactsOfTheBomAndTheAdaptersBeingAdded() throws IOException {
    String section = section();
    String bom = read(ROOT.resolve("router-bom/pom.xml"));
    for (String artifact : List.of("router-core", "router-providers", "router-tests", "router-facade", "router-catalog")) {
      assertThat(bom).contains("<artifactId>" + artifact + "</artifactId>");
      assertThat(section).contains(artifact);
    }
    for (String artifact : List.of("router-langchain4j", "router-spring-ai", "router-redis", "router-micrometer")) {
      assertThat(section).contains("`" + artifact + "`");
    }
  }

  /** The facade examples used {@code fast}, which the guide's config does not have: every such name must exist. */
  @Test
  void everyModelNameInTheFacadeClientExamplesIsAModelGroupOfTheGuideConfig() throws IOException {
    List<String> groups = LiteLlmConfigReader.parse(DayReplay.guideConfigYaml(), Env.of(Map.of())).config().modelNames();
    Pattern model = Pattern.compile("(?:model=|model: |\"model\":\\s*|\\.model\\()\"([^\"]+)\"");
    // A README may add a group to the guide's config in a code block of its own (model_name: ...).
    Pattern added = Pattern.compile("model_name:\\s*([\\w./-]+)");
    Set<String> used = new TreeSet<>();
    Set<String> known = new TreeSet<>(groups);
    for (String text : Arrays.asList(section(), read(ROOT.resolve("router-facade/README.md")))) {
      boolean inCode = false;
      for (String line : text.lines().toList()) {
        if (line.startsWith("```")) {
          inCode = !inCode;
          continue;
        }
        if (!inCode) continue;
        Matcher m = model.matcher(line);
        while (m.find()) used.add(m.group(1));
        Matcher a = added.matcher(line);
        while (a.find()) known.add(a.group(1));
      }
    }
    assertThat(used).isNotEmpty().contains("groq/llama-3.3-70b");
    assertThat(known).containsAll(used);
  }
}
