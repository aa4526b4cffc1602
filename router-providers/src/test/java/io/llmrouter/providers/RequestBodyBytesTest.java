package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.Json;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.providers.internal.dialect.Dialect;
import io.llmrouter.providers.internal.dialect.Dialects;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: the request body is written straight from the value when the dialect has nothing to change,
 * and that body is the same JSON as the tree path's, for every dialect, request shape, {@code drop_params}
 * and stream setting.
 */
class RequestBodyBytesTest {
  private static final List<String> REQUESTS = List.of(
      "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
      "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}],\"temperature\":0.7,"
          + "\"max_completion_tokens\":12,\"n\":2,\"seed\":7,\"user\":\"u\",\"stream\":true,\"stream_options\":{\"include_usage\":true}}",
      "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":null,\"stream_options\":null,"
          + "\"max_tokens\":null,\"x_vendor\":{\"a\":[1,2.5,\"s\"]},\"logit_bias\":{\"50256\":-100},\"top_p\":1}",
      "{\"model\":\"g\",\"messages\":[{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"x\"}]}],"
          + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}],"
          + "\"tool_choice\":\"required\",\"response_format\":{\"type\":\"json_object\"},\"stop\":[\"a\"],"
          + "\"presence_penalty\":0.1,\"frequency_penalty\":0.2,\"parallel_tool_calls\":false,\"reasoning_effort\":\"low\"}",
      "{\"model\":\"g\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"fallbacks\":[\"x\"],\"timeout\":3,"
          + "\"metadata\":{\"k\":1},\"api_key\":\"sk-client\",\"mock_response\":\"m\",\"max_completion_tokens\":5}");

  private static final Comparator<JsonNode> NUMERIC = (a, b) -> {
    if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
    return a.equals(b) ? 0 : 1;
  };

  @Test
  void theDirectBodyIsTheSameJsonAsTheTreeBodyForEveryDialect() throws Exception {
    List<String> checked = new ArrayList<>();
    for (String prefix : Dialects.prefixes()) {
      Dialect d = Dialects.forPrefix(prefix);
      for (String json : REQUESTS) {
        ChatRequest r = Json.read(json, ChatRequest.class);
        for (boolean drop : new boolean[] {false, true}) {
          for (boolean stream : new boolean[] {false, true}) {
            ProviderCall call = new ProviderCall(Endpoint.of("d", prefix, "provider-model", "http://127.0.0.1:1/v1", Secret.of("k")),
                r, Duration.ofSeconds(5), drop);
            JsonNode direct = Json.mapper().readTree(OpenAiCompatibleClient.bodyBytes(call, d, stream));
            // What the tree path sends, read back the same way (the wire, not the in-memory node types).
            JsonNode tree = Json.mapper().readTree(Json.mapper().writeValueAsBytes(OpenAiCompatibleClient.body(call, d, stream)));
            // Numbers compare by value: the tree path writes a whole double as 1, the direct path as 1.0.
            assertThat(direct.equals(NUMERIC, tree)).as("%s drop=%s stream=%s %s:%n%s%n%s", prefix, drop, stream, json, direct, tree)
                .isTrue();
            checked.add(prefix);
          }
        }
      }
    }
    assertThat(checked).hasSize(Dialects.prefixes().size() * REQUESTS.size() * 4);
  }

  @Test
  void theDirectBodyCarriesTheProviderModelAndTheStreamSettingAndNoRouterField() throws Exception {
    ChatRequest r = Json.read(REQUESTS.get(4), ChatRequest.class);
    ProviderCall call = new ProviderCall(Endpoint.of("d", "hosted_vllm", "provider-model", "http://127.0.0.1:1/v1", null), r,
        Duration.ofSeconds(5), false);
    Dialect d = Dialects.forPrefix("hosted_vllm");
    assertThat(d.adaptsRequest(r.withoutRouterFields(), false)).as("the direct path is the one taken").isFalse();
    JsonNode streamed = Json.mapper().readTree(OpenAiCompatibleClient.bodyBytes(call, d, true));
    assertThat(streamed.path("model").asText()).isEqualTo("provider-model");
    assertThat(streamed.path("stream").asBoolean()).isTrue();
    assertThat(streamed.has("fallbacks") || streamed.has("timeout") || streamed.has("metadata") || streamed.has("api_key")
        || streamed.has("mock_response")).isFalse();
    JsonNode plain = Json.mapper().readTree(OpenAiCompatibleClient.bodyBytes(call, d, false));
    assertThat(plain.has("stream")).isFalse();
    assertThat(plain.path("max_completion_tokens").asInt()).isEqualTo(5);
  }
}
