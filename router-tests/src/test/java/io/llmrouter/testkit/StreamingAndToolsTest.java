package io.llmrouter.testkit;

import static io.llmrouter.testkit.SimHttp.chat;
import static io.llmrouter.testkit.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SSE streaming (keep-alives, usage chunk, [DONE]) and tool calls, streamed and not. */
class StreamingAndToolsTest {
  private static ProviderSimulator sim;

  @BeforeAll
  static void start() {
    sim = ProviderSimulator.builder().openRouterKeepAlives(3).build().start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  private static ObjectNode streaming(String model, String prompt, boolean usage) {
    ObjectNode body = chat(model, prompt);
    body.put("stream", true);
    if (usage) {
      body.putObject("stream_options").put("include_usage", true);
    }
    return body;
  }

  private static String content(List<JsonNode> events) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode e : events) {
      JsonNode c = e.at("/choices/0/delta/content");
      if (c.isTextual()) {
        sb.append(c.asText());
      }
    }
    return sb.toString();
  }

  @Test
  void openRouterStreamStartsWithKeepAlivesAndEndsWithUsageThenDone() {
    String model = "qwen/qwen3-coder:free";
    String prompt = "Explain rolling windows in two sentences, please, with an example about a rate limiter.";
    SimHttp.Reply r = post(sim, SimProvider.OPENROUTER, streaming(model, prompt, true));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers().get("Content-Type")).startsWith("text/event-stream");
    assertThat(r.body()).startsWith(": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: ");
    assertThat(r.body()).endsWith("data: [DONE]\n\n");
    List<JsonNode> events = r.events();
    JsonNode usageChunk = events.get(events.size() - 1);
    assertThat(usageChunk.get("choices")).isEmpty();
    assertThat(events.get(1).get("usage").isNull()).isTrue();
    String nonStreamed = post(sim, SimProvider.OPENROUTER, chat(model, prompt)).json().at("/choices/0/message/content").asText();
    assertThat(content(events)).isEqualTo(nonStreamed);
    assertThat(usageChunk.at("/usage/completion_tokens").asInt()).isEqualTo(SimTokens.count(nonStreamed));
    assertThat(usageChunk.at("/usage/prompt_tokens").asInt()).isEqualTo(SimTokens.count(prompt));
    assertThat(events.get(events.size() - 2).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void usageChunkOnlyWhenAskedExceptVllmDefaultsItOn() {
    List<JsonNode> groq = post(sim, SimProvider.GROQ, streaming("qwen/qwen3-32b", "hello there", false)).events();
    assertThat(groq).noneMatch(e -> e.has("usage"));
    assertThat(groq.get(groq.size() - 1).at("/x_groq/usage/total_tokens").asInt()).isPositive();
    ObjectNode vllmBody = streaming(SimCatalog.DEFAULT_VLLM_MODEL, "hello there", false);
    vllmBody.putObject("stream_options");
    List<JsonNode> vllm = post(sim, SimProvider.HOSTED_VLLM, vllmBody).events();
    assertThat(vllm.get(vllm.size() - 1).get("choices")).isEmpty();
    assertThat(vllm.get(vllm.size() - 1).at("/usage/total_tokens").asInt()).isPositive();
  }

  private static ObjectNode withWeatherTool(String model) {
    ObjectNode body = chat(model, "What is the weather in Paris?");
    ObjectNode fn = body.putArray("tools").addObject().put("type", "function").putObject("function");
    fn.put("name", "get_weather");
    ObjectNode props = fn.putObject("parameters").put("type", "object").putObject("properties");
    props.putObject("city").put("type", "string");
    props.putObject("days").put("type", "integer");
    return body;
  }

  @Test
  void toolsAreAnsweredWithAToolCallAndAToolResultWithText() throws Exception {
    SimHttp.Reply r = post(sim, SimProvider.GROQ, withWeatherTool("llama-3.3-70b-versatile"));
    JsonNode choice = r.json().at("/choices/0");
    assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
    JsonNode call = choice.at("/message/tool_calls/0");
    assertThat(call.get("type").asText()).isEqualTo("function");
    assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
    JsonNode args = SimHttp.JSON.readTree(call.at("/function/arguments").asText());
    assertThat(args.get("city").asText()).isEqualTo("What is the weather in Paris?");
    assertThat(args.get("days").asInt()).isEqualTo(1);

    ObjectNode followUp = withWeatherTool("llama-3.3-70b-versatile");
    followUp.withArray("messages").addObject().put("role", "assistant").set("tool_calls", choice.at("/message/tool_calls"));
    followUp.withArray("messages").addObject().put("role", "tool").put("tool_call_id", call.get("id").asText()).put("content", "sunny");
    JsonNode answer = post(sim, SimProvider.GROQ, followUp).json().at("/choices/0");
    assertThat(answer.get("finish_reason").asText()).isEqualTo("stop");
    assertThat(answer.at("/message/content").asText()).isNotEmpty();
  }

  @Test
  void streamedToolCallDeltasReassembleAndGeminiKeepsItsQuirks() throws Exception {
    ObjectNode body = withWeatherTool("meta/llama-3.3-70b-instruct");
    body.put("stream", true);
    List<JsonNode> events = post(sim, SimProvider.NVIDIA_NIM, body).events();
    StringBuilder args = new StringBuilder();
    for (JsonNode e : events) {
      for (JsonNode tc : e.at("/choices/0/delta/tool_calls")) {
        assertThat(tc.get("index").asInt()).isZero();
        args.append(tc.at("/function/arguments").asText(""));
      }
    }
    assertThat(SimHttp.JSON.readTree(args.toString()).get("city").asText()).isEqualTo("What is the weather in Paris?");
    assertThat(events.get(events.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");

    ObjectNode gem = withWeatherTool("gemini-2.5-flash");
    gem.put("stream", true);
    List<JsonNode> gemEvents = post(sim, SimProvider.GEMINI, gem).events();
    JsonNode toolDelta = gemEvents.stream().filter(e -> e.at("/choices/0/delta/tool_calls").isArray()).findFirst().orElseThrow();
    assertThat(toolDelta.at("/choices/0/delta/tool_calls/0").has("index")).isFalse();
    assertThat(gemEvents.get(gemEvents.size() - 1).at("/choices/0/finish_reason").asText()).isEqualTo("stop");
  }

  @Test
  void toolChoiceNoneAndNamedToolAreHonoured() {
    ObjectNode none = withWeatherTool("llama-3.1-8b-instant");
    none.put("tool_choice", "none");
    assertThat(post(sim, SimProvider.GROQ, none).json().at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    ObjectNode named = withWeatherTool("llama-3.1-8b-instant");
    named.withArray("tools").addObject().put("type", "function").putObject("function").put("name", "search");
    named.putObject("tool_choice").put("type", "function").putObject("function").put("name", "search");
    assertThat(post(sim, SimProvider.GROQ, named).json().at("/choices/0/message/tool_calls/0/function/name").asText())
        .isEqualTo("search");
  }
}
