package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code llm-router demo} on a small day, unpaced. */
class DemoCommandTest {
  final StringWriter out = new StringWriter();
  final StringWriter err = new StringWriter();

  int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void replaysASmallDayAndPrintsTheTableTheComparisonAndAVerdict() {
    assertThat(run("demo", "--requests", "600", "--speed", "0", "--seed", "3")).as(err.toString()).isZero();
    String o = out.toString();
    assertThat(o).contains("600 requests", "no keys, no network");
    assertThat(o).contains("| model group", "| served", "| skipped for limits", "| 429s seen", "| cooled until (UTC)",
        "| fallbacks taken");
    assertThat(o).contains("| local/qwen ", "| groq/llama-3.3-70b ", "| groq/llama-3.1-8b ", "| nvidia/llama-3.3-70b ",
        "| openrouter/hermes-3-405b ");
    assertThat(o).contains("LiteLLM baseline", "upstream 429s caused", "callers that got a failure");
    assertThat(o).containsPattern("Verdict: llm-router served \\d+ of 600 requests");
    assertThat(o).contains("| avoidable failures (oracle)", "upstream 429s, % of upstream calls", "upstream calls per served request");
    assertThat(o).containsPattern("avoidable failures: \\d+ \\(LiteLLM baseline: \\d+\\)\\.")
        .containsPattern("Oracle \\(could a model of the request's chain have served it before its deadline\\?\\): "
            + "llm-router's avoidable failures by cause: .+; LiteLLM baseline's: .+\\.");
    // The progress line goes to stderr (plain lines when not on a terminal), never into the table.
    assertThat(err.toString()).contains("llm-router: ", "/600 requests").contains("LiteLLM policy: ");
    assertThat(o).doesNotContain("/600 requests");
  }

  @Test
  void noCompareSkipsTheBaselineAndBadInputIsAUsageError() {
    assertThat(run("demo", "--requests", "200", "--speed", "0", "--no-compare", "--no-outage")).as(err.toString()).isZero();
    assertThat(out.toString()).doesNotContain("LiteLLM baseline").doesNotContain("vLLM is down")
        .containsPattern("Verdict: llm-router served \\d+ of 200 requests.*429s \\(.* upstream calls\\); avoidable failures: \\d+\\.");
    assertThat(run("demo", "--requests", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--requests must be at least 1");
  }

  @Test
  void theSameSeedPrintsTheSameNumbers() {
    assertThat(run("demo", "--requests", "300", "--speed", "0", "--seed", "5", "--no-compare")).as(err.toString()).isZero();
    String first = out.toString();
    out.getBuffer().setLength(0);
    assertThat(run("demo", "--requests", "300", "--speed", "0", "--seed", "5", "--no-compare")).as(err.toString()).isZero();
    assertThat(out.toString()).isEqualTo(first);
  }

  @Test
  void helpSaysItNeverSpendsQuota() {
    assertThat(run("demo", "--help")).isZero();
    assertThat(out.toString()).contains("never spends anyone's quota", "--requests", "--speed", "--seed");
  }

  @Test
  void theVerdictTableDropsIdleGroups() {
    String table = "| model group | served | skipped for limits | 429s seen | cooled until (UTC) | fallbacks taken |\n"
        + "| --- | ---: | ---: | ---: | ---: | ---: |\n"
        + "| a | 5 | 0 | 0 | - | 0 |\n"
        + "| b | 0 | 0 | 0 | - | 0 |\n";
    assertThat(DemoCommand.withTraffic(table)).contains("| a |").doesNotContain("| b |").contains("| model group");
  }
}
