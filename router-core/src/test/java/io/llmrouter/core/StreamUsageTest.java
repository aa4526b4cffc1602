package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterStatus;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.ScriptedProvider.StreamScript;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A stream's rate-window charge is what the provider counted: the router asks a provider that reports usage on
 * request for the usage chunk ({@code stream_options.include_usage}) and hides it from a caller that did not ask.
 */
class StreamUsageTest extends EngineTestSupport {
  private static final Usage USED = Usage.builder().promptTokens(700).completionTokens(40).totalTokens(740).build();

  private Router router(boolean streamUsage) {
    provider.putInfo(new ProviderInfo("groq", "https://api.groq.com/openai/v1", List.of("GROQ_API_KEY"), List.of("GROQ_API_BASE"), true,
        Set.of(), null, streamUsage));
    provider.stream("a", StreamScript.of(ScriptedProvider.chunk("Hel"), ScriptedProvider.chunk("lo"),
        ChatChunk.builder().id("c").model("m").choices(List.of()).usage(USED).build()));
    return router(RouterConfig.builder().deployment(dep("g", "a").tpm(100_000L)).build());
  }

  private static List<ChatChunk> read(ChatStream s) {
    List<ChatChunk> got = new ArrayList<>();
    s.forEach(got::add);
    return got;
  }

  private long tpmUsed(Router r) {
    for (RouterStatus.Group g : r.status().groups()) for (RouterStatus.Deployment d : g.deployments()) if (d.deploymentId().equals("a")) return d.tpmUsed();
    throw new AssertionError("no deployment a");
  }

  @Test
  void theRouterAsksForTheUsageChunkChargesItAndTheCallerWhoDidNotAskNeverSeesIt() {
    Router r = router(true);
    List<ChatChunk> got;
    try (ChatStream s = r.stream(ask("g"))) {
      got = read(s);
    }
    assertThat(got).extracting(c -> c.choices().get(0).delta().text()).containsExactly("Hel", "lo");
    ChatRequest sent = provider.streamCalls().iterator().next().call().request();
    assertThat(sent.streamOptions().path("include_usage").asBoolean()).isTrue();
    assertThat(tpmUsed(r)).as("the provider's count, not ~prompt + text/4").isEqualTo(740);
  }

  @Test
  void aCallerWhoAskedGetsTheUsageChunkAndItsOtherOptionsAsSent() {
    Router r = router(true);
    ChatRequest asked = ask("g").toBuilder()
        .streamOptions(JsonNodeFactory.instance.objectNode().put("include_usage", true).put("continuous_usage_stats", false)).build();
    List<ChatChunk> got;
    try (ChatStream s = r.stream(asked)) {
      got = read(s);
    }
    assertThat(got).hasSize(3);
    assertThat(got.get(2).usage()).isEqualTo(USED);
    assertThat(provider.streamCalls().iterator().next().call().request().streamOptions()).isEqualTo(asked.streamOptions());
  }

  @Test
  void optionsOfTheCallersOwnAreKeptBesideTheAddedUsage() {
    Router r = router(true);
    ChatRequest own = ask("g").toBuilder().streamOptions(JsonNodeFactory.instance.objectNode().put("continuous_usage_stats", false)).build();
    List<ChatChunk> got;
    try (ChatStream s = r.stream(own)) {
      got = read(s);
    }
    assertThat(got).hasSize(2);
    var sent = provider.streamCalls().iterator().next().call().request().streamOptions();
    assertThat(sent.path("include_usage").asBoolean()).isTrue();
    assertThat(sent.has("continuous_usage_stats")).isTrue();
    assertThat(own.streamOptions().has("include_usage")).as("the caller's request is not changed").isFalse();
  }

  @Test
  void aProviderThatDoesNotReportUsageOnRequestGetsTheRequestAsSentAndAnyUsageChunkItSendsPasses() {
    Router r = router(false);
    List<ChatChunk> got;
    try (ChatStream s = r.stream(ask("g"))) {
      got = read(s);
    }
    assertThat(provider.streamCalls().iterator().next().call().request().streamOptions()).isNull();
    assertThat(got).hasSize(3);
  }
}
