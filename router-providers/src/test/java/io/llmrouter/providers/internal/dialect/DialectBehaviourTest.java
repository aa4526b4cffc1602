package io.llmrouter.providers.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.Json;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.spi.ModelListing;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Request adaptation, rate-header reading and model-list filtering per dialect. */
class DialectBehaviourTest {
  private static final Instant NOW = Instant.parse("2026-09-08T12:00:00Z");

  private static ObjectNode body(String json) {
    return (ObjectNode) Json.tree(json);
  }

  @Test
  void groqDropsOnlyWithDropParams() {
    String json = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"a\"}],\"logprobs\":true,\"top_logprobs\":2,"
        + "\"logit_bias\":{\"1\":2},\"n\":3,\"temperature\":0,\"x\":1}";
    ObjectNode kept = body(json);
    new GroqDialect().adaptRequest(kept, false);
    assertThat(kept).isEqualTo(Json.tree(json));
    ObjectNode dropped = body(json);
    new GroqDialect().adaptRequest(dropped, true);
    assertThat(dropped).isEqualTo(Json.tree("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"temperature\":0,\"x\":1}"));
  }

  @Test
  void nimRenamesAlwaysAndKeepsOnlyItsSupportedSetWhenDropping() {
    ObjectNode b = body("{\"model\":\"m\",\"messages\":[],\"max_completion_tokens\":50,\"user\":\"u\",\"seed\":1,\"stream\":true}");
    new NvidiaNimDialect().adaptRequest(b, false);
    assertThat(b.get("max_tokens").asInt()).isEqualTo(50);
    assertThat(b.has("user")).isTrue();
    new NvidiaNimDialect().adaptRequest(b, true);
    assertThat(b).isEqualTo(Json.tree("{\"model\":\"m\",\"messages\":[],\"seed\":1,\"stream\":true,\"max_tokens\":50}"));
  }

  @Test
  void geminiAndCerebrasDropLists() {
    ObjectNode g = body("{\"model\":\"m\",\"frequency_penalty\":1,\"seed\":1,\"top_k\":3,\"reasoning_effort\":\"low\",\"thinking\":{}}");
    new GeminiDialect().adaptRequest(g, true);
    assertThat(g).isEqualTo(Json.tree("{\"model\":\"m\",\"reasoning_effort\":\"low\"}"));
    ObjectNode c = body("{\"model\":\"m\",\"max_completion_tokens\":9,\"parallel_tool_calls\":false,\"seed\":1}");
    new CerebrasDialect().adaptRequest(c, true);
    assertThat(c).isEqualTo(Json.tree("{\"model\":\"m\",\"seed\":1,\"max_tokens\":9}"));
  }

  @Test
  void cerebrasNamedWindows() {
    RateSignal s = new CerebrasDialect().signal(Map.of(
        "x-ratelimit-limit-requests-day", "1000000000", "x-ratelimit-limit-tokens-minute", "1000000000",
        "x-ratelimit-remaining-requests-day", "999997455", "x-ratelimit-remaining-tokens-minute", "999998298",
        "x-ratelimit-reset-requests-day", "33011.382867097855", "x-ratelimit-reset-tokens-minute", "11.382867097854614"), NOW);
    assertThat(s.requests().scope()).isEqualTo(RateScope.DAY);
    assertThat(s.requests().remaining()).isEqualTo(999997455L);
    assertThat(s.requests().resetAt()).isEqualTo(NOW.plusSeconds(33011).plusNanos(382_867_098));
    assertThat(s.tokens().scope()).isEqualTo(RateScope.MINUTE);
    assertThat(s.tokens().resetAt()).isEqualTo(NOW.plusSeconds(11).plusNanos(382_867_098));
  }

  @Test
  void anEmptiedBucketHasRoomForTheNextRequestAfterOneRequestsRefillNotAtItsReset() {
    // Groq: 1,000 requests a day, none left, back to full in 5 h: the next request fits after 86.4 s.
    RateSignal g = new GroqDialect().signal(Map.of("x-ratelimit-limit-requests", "1000", "x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "5h0m0s", "x-ratelimit-limit-tokens", "6000", "x-ratelimit-remaining-tokens", "0",
        "x-ratelimit-reset-tokens", "7.66s"), NOW);
    assertThat(g.requests().exhausted()).isTrue();
    assertThat(g.requests().resetAt()).isEqualTo(NOW.plusMillis(86_400));
    assertThat(g.tokens().resetAt()).as("a token window: what the next request needs is unknown here").isEqualTo(NOW.plusMillis(7_660));
    // a reset sooner than one request's refill stays as sent; a window with room left is not touched
    RateSignal soon = new GroqDialect().signal(Map.of("x-ratelimit-limit-requests", "1000", "x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "20s"), NOW);
    assertThat(soon.requests().resetAt()).isEqualTo(NOW.plusSeconds(20));
    RateSignal room = new GroqDialect().signal(Map.of("x-ratelimit-limit-requests", "1000", "x-ratelimit-remaining-requests", "3",
        "x-ratelimit-reset-requests", "5h0m0s"), NOW);
    assertThat(room.requests().resetAt()).isEqualTo(NOW.plusSeconds(5 * 3600));
    // Cerebras' day bucket the same way
    RateSignal c = new CerebrasDialect().signal(Map.of("x-ratelimit-limit-requests-day", "14400",
        "x-ratelimit-remaining-requests-day", "0", "x-ratelimit-reset-requests-day", "33011.5"), NOW);
    assertThat(c.requests().resetAt()).isEqualTo(NOW.plusMillis(6_000));
    // a provider whose windows reset whole (OpenRouter) keeps its reset
    RateSignal o = new OpenAiDialect().signal(Map.of("x-ratelimit-limit-requests", "1000", "x-ratelimit-remaining-requests", "0",
        "x-ratelimit-reset-requests", "5h0m0s"), NOW);
    assertThat(o.requests().resetAt()).isEqualTo(NOW.plusSeconds(5 * 3600));
  }

  @Test
  void mistralCurrentAndLegacyHeaders() {
    RateSignal cur = new MistralDialect().signal(Map.of("x-ratelimit-limit-tokens-minute", "5000000",
        "x-ratelimit-remaining-tokens-minute", "4999911", "x-ratelimit-tokens-query-cost", "52",
        "x-ratelimit-limit-req-minute", "720", "x-ratelimit-remaining-req-minute", "717"), NOW);
    assertThat(cur.requests()).isEqualTo(new RateSignal.Window(720L, 717L, null, RateScope.MINUTE));
    assertThat(cur.tokens()).isEqualTo(new RateSignal.Window(5000000L, 4999911L, null, RateScope.MINUTE));
    RateSignal legacy = new MistralDialect().signal(Map.of("ratelimitbysize-limit", "500000", "ratelimitbysize-remaining", "0",
        "ratelimitbysize-reset", "42"), NOW);
    assertThat(legacy.tokens()).isEqualTo(new RateSignal.Window(500000L, 0L, NOW.plusSeconds(42), RateScope.UNKNOWN));
  }

  @Test
  void togetherPerSecondAndOpenRouterDailyHeaders() {
    RateSignal t = new TogetherAiDialect().signal(Map.of("x-ratelimit-limit", "10", "x-ratelimit-remaining", "9",
        "x-ratelimit-reset", "1", "x-tokenlimit-limit", "2000", "x-tokenlimit-remaining", "1500"), NOW);
    assertThat(t.requests()).isEqualTo(new RateSignal.Window(10L, 9L, NOW.plusSeconds(1), RateScope.SECOND));
    assertThat(t.tokens().scope()).isEqualTo(RateScope.SECOND);
    RateSignal o = new OpenRouterDialect().signal(Map.of("x-ratelimit-limit", "50", "x-ratelimit-remaining", "0",
        "x-ratelimit-reset", "1788912000000", "retry-after", "43200"), NOW);
    assertThat(o.requests().scope()).isEqualTo(RateScope.DAY);
    assertThat(o.retryAfter()).isEqualTo(Duration.ofHours(12));
    assertThat(new GeminiDialect().signal(Map.of(), NOW).isEmpty()).isTrue();
  }

  @Test
  void modelListsPerDialect() {
    List<ModelListing> or = new OpenRouterDialect().parseModels(Json.tree("{\"data\":["
        + "{\"id\":\"meta-llama/llama-3.3-70b-instruct:free\",\"context_length\":131072,\"architecture\":{\"output_modalities\":[\"text\"]},\"pricing\":{\"prompt\":\"0\",\"completion\":\"0\"}},"
        + "{\"id\":\"openai/gpt-4o\",\"context_length\":128000,\"pricing\":{\"prompt\":\"0.0000025\",\"completion\":\"0.00001\"}},"
        + "{\"id\":\"google/lyria-2:free\",\"pricing\":{\"prompt\":\"0\",\"completion\":\"0\"}},"
        + "{\"id\":\"img/gen\",\"architecture\":{\"output_modalities\":[\"image\"]},\"pricing\":{\"prompt\":\"0\",\"completion\":\"0\"}}],\"total_count\":4}"));
    assertThat(or).extracting(ModelListing::chat).containsExactly(true, true, false, false);
    assertThat(or).extracting(ModelListing::free).containsExactly(true, false, true, true);
    assertThat(or.get(0).contextWindow()).isEqualTo(131072);

    List<ModelListing> together = new TogetherAiDialect().parseModels(Json.tree("[{\"id\":\"meta-llama/Llama-3.3-70B-Instruct-Turbo-Free\","
        + "\"type\":\"chat\",\"context_length\":131072,\"pricing\":{\"hourly\":0,\"input\":0,\"output\":0}},"
        + "{\"id\":\"BAAI/bge\",\"type\":\"embedding\",\"pricing\":{\"hourly\":0,\"input\":0.02,\"output\":0}}]"));
    assertThat(together).extracting(ModelListing::chat, ModelListing::free)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(true, true), org.assertj.core.groups.Tuple.tuple(false, false));

    List<ModelListing> nim = new NvidiaNimDialect().parseModels(Json.tree("{\"data\":[{\"id\":\"meta/llama-3.3-70b-instruct\"},"
        + "{\"id\":\"nvidia/nv-embedqa-e5-v5\"},{\"id\":\"nvidia/llama-3.1-nemoguard-8b-content-safety\"},{\"id\":\"meta/llama-3.2-90b-vision-instruct\"}]}"));
    assertThat(nim).extracting(ModelListing::chat).containsExactly(true, false, false, false);
    assertThat(nim.get(0).contextWindow()).isNull();

    assertThat(new HostedVllmDialect().parseModels(Json.tree("{\"object\":\"list\",\"data\":[{\"id\":\"meta-llama/Llama-3.1-8B-Instruct\","
        + "\"max_model_len\":8192}]}")).get(0).contextWindow()).isEqualTo(8192);
    assertThat(new GeminiDialect().parseModels(Json.tree("{\"data\":[{\"id\":\"models/gemini-2.5-pro\"},{\"id\":\"models/text-embedding-004\"}]}")))
        .extracting(ModelListing::id, ModelListing::chat)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("gemini-2.5-pro", true), org.assertj.core.groups.Tuple.tuple("text-embedding-004", false));
    assertThat(new MistralDialect().parseModels(Json.tree("{\"data\":[{\"id\":\"mistral-medium-2508\",\"capabilities\":{\"completion_chat\":true},"
        + "\"max_context_length\":131072},{\"id\":\"mistral-embed\",\"capabilities\":{\"completion_chat\":false}}]}")))
        .extracting(ModelListing::chat, ModelListing::contextWindow)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(true, 131072), org.assertj.core.groups.Tuple.tuple(false, null));
    assertThat(new HuggingFaceDialect().parseModels(Json.tree("{\"data\":[{\"id\":\"Qwen/Qwen3-8B\",\"providers\":[{\"provider\":\"a\","
        + "\"context_length\":32768},{\"provider\":\"b\",\"context_length\":40960}]}]}")).get(0).contextWindow()).isEqualTo(40960);
  }
}
