package io.llmrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 16: the one list of fields that never go upstream, and what it leaves alone. */
class RouterFieldsTest {

  @Test
  void liteLlmCredentialEndpointHeaderAndMetadataFieldsAreRouterOnly() {
    for (String f : new String[] {"api_key", "api_base", "base_url", "extra_headers", "headers", "metadata", "user_api_key",
        "custom_llm_provider", "api_version", "litellm_metadata", "litellm_credential_name", "mock_response", "fallbacks",
        "timeout", "num_retries", "stream_timeout"}) {
      assertThat(ChatRequest.isRouterField(f)).as(f).isTrue();
    }
  }

  @Test
  void openAiAndProviderFieldsPassThrough() {
    for (String f : new String[] {"model", "messages", "user", "seed", "response_format", "tools", "tool_choice",
        "reasoning_effort", "stream_options", "logprobs", "top_p", "x_groq", "provider", "transforms"}) {
      assertThat(ChatRequest.isRouterField(f)).as(f).isFalse();
    }
  }

  @Test
  void withoutRouterFieldsDropsThemAndKeepsTheRest() {
    ChatRequest r = Json.read("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],\"api_key\":\"sk-x\","
        + "\"extra_headers\":{\"A\":\"b\"},\"litellm_call_id\":\"c\",\"seed\":3}", ChatRequest.class);

    String upstream = Json.write(r.withoutRouterFields());

    assertThat(upstream).doesNotContain("api_key").doesNotContain("extra_headers").doesNotContain("litellm_call_id")
        .contains("\"seed\":3");
  }
}
