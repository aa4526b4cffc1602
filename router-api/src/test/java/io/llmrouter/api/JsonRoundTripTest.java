package io.llmrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class JsonRoundTripTest {

  @Test
  void requestKeepsEveryUnmodelledField() {
    String json = """
        {"model":"groq/llama-3.3-70b","messages":[{"role":"user","content":[{"type":"text","text":"hi"}],"x_note":1}],
         "tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"},"x_fn":true},"x_tool":"t"}],
         "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"}}},
         "stream_options":{"include_usage":true},"seed":42,"reasoning_effort":"low","temperature":1e-8,"top_p":0.1,
         "extra_body":{"a":[1,2.50,null]}}
        """;
    ChatRequest r = Json.read(json, ChatRequest.class);
    assertThat(r.extra()).containsKeys("seed", "reasoning_effort", "extra_body");
    assertThat(r.messages().get(0).text()).isEqualTo("hi");
    assertThat(Json.tree(Json.write(r))).isEqualTo(Json.tree(json));
    assertThat(Json.tree(Json.write(r.toBuilder().build()))).isEqualTo(Json.tree(json));
  }

  @Test
  void responseKeepsProviderExtrasAndNullContent() {
    String json = """
        {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"llama-3.3-70b-versatile",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning":"think",
           "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]},
           "finish_reason":"tool_calls","logprobs":null}],"system_fingerprint":null,
         "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"queue_time":0.01},
         "x_groq":{"id":"req_1"},"service_tier":"on_demand","usage_breakdown":null}
        """;
    ChatResponse r = Json.read(json, ChatResponse.class);
    JsonNode back = Json.tree(Json.write(r));
    assertThat(back).isEqualTo(Json.tree(json));
    assertThat(r.choices().get(0).message().content().isNull()).isTrue();
    assertThat(r.usage().extra()).containsKey("queue_time");
  }

  @Test
  void chunkRoundTrip() {
    String json = """
        {"id":"c","object":"chat.completion.chunk","created":1,"model":"m",
         "choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\\"a"}}]},"finish_reason":null}],
         "x_groq":{"usage":{"prompt_tokens":1}}}
        """;
    ChatChunk c = Json.read(json, ChatChunk.class);
    assertThat(Json.tree(Json.write(c))).isEqualTo(Json.tree(json));
  }

  @Test
  void parseErrorsSayWhereAndWhatWithoutJacksonInternals() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Json.read("{\"model\": \"m\", \"messages\": [}", ChatRequest.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("at line 1, column 29: Unexpected close marker '}'")
        .hasMessageContaining("(for Array starting at line 1, column 28)")
        .hasMessageNotContaining("Source:");
  }
}
