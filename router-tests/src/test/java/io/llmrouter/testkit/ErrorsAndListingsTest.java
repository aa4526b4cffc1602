package io.llmrouter.testkit;

import static io.llmrouter.testkit.SimHttp.chat;
import static io.llmrouter.testkit.SimHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Context-length, unknown/decommissioned-model, auth and payment errors in each provider's wording; /models listings. */
class ErrorsAndListingsTest {
  private static ProviderSimulator sim;

  @BeforeAll
  static void start() {
    sim = ProviderSimulator.builder().build().start();
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
    "GROQ|llama-3.1-8b-instant|140000|400|Please reduce the length of the messages or completion.",
    "OPENROUTER|deepseek/deepseek-r1:free|70000|400|This endpoint's maximum context length is 65536 tokens. However, you requested about 70000 tokens",
    "NVIDIA_NIM|mistralai/mistral-nemo-12b-instruct|130000|400|This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
    "HOSTED_VLLM|Qwen/Qwen2.5-72B-Instruct|40000|400|This model's maximum context length is 32768 tokens. However, your request has 40000 input tokens.",
    "CEREBRAS|llama3.1-8b|9000|400|Current length is 9000 while limit is 8192",
    "GEMINI|gemini-2.5-pro|1100000|400|The input token count (1100000) exceeds the maximum number of tokens allowed (1048576).",
  })
  void contextLengthErrorsUseEachProvidersWording(SimProvider p, String model, int tokens, int status, String expected) {
    SimHttp.Reply r = post(sim, p, chat(model, "x".repeat(tokens * 4)));
    assertThat(r.status()).isEqualTo(status);
    assertThat(r.body()).contains(expected);
    assertThat(sim.events().get(sim.events().size() - 1).outcome()).isEqualTo(Outcome.CONTEXT_EXCEEDED);
  }

  @Test
  void groqContextErrorHasTheOpenAiCodeAndVllmBlamesMaxTokensWhenThePromptFits() {
    SimHttp.Reply groq = post(sim, SimProvider.GROQ, chat("llama-3.3-70b-versatile", "x".repeat(600_000)));
    assertThat(groq.json().at("/error/code").asText()).isEqualTo("context_length_exceeded");
    ObjectNode body = chat(SimCatalog.DEFAULT_VLLM_MODEL, "x".repeat(40_000));
    body.put("max_tokens", 30_000);
    SimHttp.Reply vllm = post(sim, SimProvider.HOSTED_VLLM, body);
    assertThat(vllm.json().at("/error/param").asText()).isEqualTo("max_tokens");
    assertThat(vllm.json().at("/error/code").asInt()).isEqualTo(400);
    assertThat(vllm.json().at("/error/message").asText()).startsWith("'max_tokens' or 'max_completion_tokens' is too large: 30000.");
  }

  @Test
  void unknownAndDecommissionedModels() {
    SimHttp.Reply decommissioned = post(sim, SimProvider.GROQ, chat("deepseek-r1-distill-llama-70b", "hi"));
    assertThat(decommissioned.status()).isEqualTo(400);
    assertThat(decommissioned.json().at("/error/code").asText()).isEqualTo("model_decommissioned");
    assertThat(decommissioned.json().has("request_id")).isTrue();
    SimHttp.Reply groqUnknown = post(sim, SimProvider.GROQ, chat("llama-3.1-405b-reasoning", "hi"));
    assertThat(groqUnknown.status()).isEqualTo(404);
    assertThat(groqUnknown.json().at("/error/code").asText()).isEqualTo("model_not_found");
    assertThat(post(sim, SimProvider.OPENROUTER, chat("free", "hi")).json().at("/error/message").asText())
        .isEqualTo("free is not a valid model ID");
    SimHttp.Reply nim = post(sim, SimProvider.NVIDIA_NIM, chat("meta/llama-3.1-405b-instruct", "hi"));
    assertThat(nim.status()).isEqualTo(404);
    assertThat(nim.json().get("detail").asText()).startsWith("Function '").contains("Not found for account");
    assertThat(post(sim, SimProvider.NVIDIA_NIM, chat("nvidia/nv-embedqa-e5-v5", "hi")).status()).isEqualTo(404);
    assertThat(post(sim, SimProvider.HOSTED_VLLM, chat("other", "hi")).json().at("/error/type").asText()).isEqualTo("NotFoundError");
    assertThat(post(sim, SimProvider.CEREBRAS, chat("gpt-4", "hi")).json().get("code").asText()).isEqualTo("model_not_found");
    assertThat(post(sim, SimProvider.GEMINI, chat("gemini-0", "hi")).json().get(0).at("/error/status").asText()).isEqualTo("NOT_FOUND");
    assertThat(post(sim, SimProvider.GROQ, chat("whisper-large-v3", "hi")).status()).isEqualTo(400);
  }

  @Test
  void openRouterPaymentToolsAndAuthVariants() {
    SimHttp.Reply paid = post(sim, SimProvider.OPENROUTER, chat("openai/gpt-4o", "hi"));
    assertThat(paid.status()).isEqualTo(402);
    assertThat(paid.json().at("/error/message").asText()).startsWith("This request requires more credits");
    ObjectNode withTools = chat("meta-llama/llama-3.2-3b-instruct:free", "hi");
    withTools.putArray("tools").addObject().put("type", "function").putObject("function").put("name", "f");
    SimHttp.Reply tools = post(sim, SimProvider.OPENROUTER, withTools);
    assertThat(tools.status()).isEqualTo(404);
    assertThat(tools.json().at("/error/message").asText()).startsWith("No endpoints found that support tool use");
    SimHttp.Reply noKey = SimHttp.post(SimHttp.CLIENT, sim.baseUrl(SimProvider.OPENROUTER) + "/chat/completions", null,
        chat("qwen/qwen3-coder:free", "hi"));
    assertThat(noKey.status()).isEqualTo(401);
    assertThat(noKey.json().at("/error/message").asText()).isEqualTo("No auth credentials found");
    SimHttp.Reply vllmNoKey = SimHttp.post(SimHttp.CLIENT, sim.baseUrl(SimProvider.HOSTED_VLLM) + "/chat/completions", null,
        chat(SimCatalog.DEFAULT_VLLM_MODEL, "hi"));
    assertThat(vllmNoKey.status()).isEqualTo(200); // a local vLLM without --api-key is open
  }

  private static List<String> ids(JsonNode listing) {
    List<String> ids = new ArrayList<>();
    listing.get("data").forEach(m -> ids.add(m.get("id").asText()));
    return ids;
  }

  @Test
  void listingsCarryTheFieldsRealCatalogsHave() {
    JsonNode groq = SimHttp.get(sim, SimProvider.GROQ, "/models").json();
    assertThat(ids(groq)).contains("llama-3.3-70b-versatile", "whisper-large-v3", "meta-llama/llama-guard-4-12b")
        .doesNotContain("deepseek-r1-distill-llama-70b");
    assertThat(groq.get("data").get(0).get("context_window").asInt()).isEqualTo(131_072);
    assertThat(groq.get("data").get(0).has("max_completion_tokens")).isTrue();

    JsonNode or = SimHttp.get(sim, SimProvider.OPENROUTER, "/models").json();
    JsonNode free = find(or, "deepseek/deepseek-r1:free");
    assertThat(free.at("/pricing/prompt").asText()).isEqualTo("0");
    assertThat(free.at("/pricing/completion").asText()).isEqualTo("0");
    assertThat(free.get("context_length").asInt()).isEqualTo(65_536);
    assertThat(find(or, "openai/gpt-4o").at("/pricing/prompt").asText()).isEqualTo("0.0000025");
    assertThat(find(or, "meta-llama/llama-3.2-3b-instruct:free").get("supported_parameters").toString()).doesNotContain("\"tools\"");

    JsonNode nim = SimHttp.get(sim, SimProvider.NVIDIA_NIM, "/models").json();
    assertThat(ids(nim)).contains("nvidia/nv-embedqa-e5-v5", "nvidia/llama-3.1-nemoguard-8b-content-safety", "meta/llama-3.1-405b-instruct");
    assertThat(nim.get("data").get(0).has("context_length")).isFalse();

    JsonNode vllm = SimHttp.get(sim, SimProvider.HOSTED_VLLM, "/models").json();
    assertThat(vllm.at("/data/0/max_model_len").asInt()).isEqualTo(32_768);
    assertThat(vllm.at("/data/0/owned_by").asText()).isEqualTo("vllm");
    assertThat(vllm.at("/data/0/root").asText()).isEqualTo(SimCatalog.DEFAULT_VLLM_MODEL);

    assertThat(ids(SimHttp.get(sim, SimProvider.GEMINI, "/models").json())).contains("models/gemini-2.0-flash");
    assertThat(ids(SimHttp.get(sim, SimProvider.CEREBRAS, "/models").json())).contains("llama3.1-8b");
  }

  private static JsonNode find(JsonNode listing, String id) {
    for (JsonNode m : listing.get("data")) {
      if (m.get("id").asText().equals(id)) {
        return m;
      }
    }
    throw new AssertionError("no " + id);
  }

  @Test
  void envPointsEveryDialectAtTheSimulator() {
    assertThat(sim.env()).containsKeys("GROQ_API_BASE", "OPENROUTER_API_BASE", "NVIDIA_NIM_API_BASE", "HOSTED_VLLM_API_BASE",
        "CEREBRAS_API_BASE", "GEMINI_API_BASE", "GROQ_API_KEY", "OPENROUTER_API_KEY", "NVIDIA_NIM_API_KEY", "GEMINI_API_KEY");
    assertThat(sim.env().get("GROQ_API_BASE")).startsWith("http://127.0.0.1:").endsWith("/openai/v1");
    assertThat(sim.env().get("OPENROUTER_API_BASE")).endsWith("/api/v1");
    assertThat(sim.env().get("GEMINI_API_BASE")).endsWith("/v1beta/openai");
    assertThat(sim.env().get("GROQ_API_KEY")).startsWith("gsk_");
  }
}
