package com.example.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

// snippet:openai-java-imports
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
// end:openai-java-imports
import com.openai.errors.BadRequestException;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import io.llmrouter.facade.FacadeOptions;
import io.llmrouter.facade.FacadeServer;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import io.llmrouter.testkit.scenario.DayReplay;
import org.junit.jupiter.api.Test;

/** The README's OpenAI Java client example, run against the facade serving the guide's config over the simulator. */
class FacadeClientTest {
  static final String MASTER_KEY = "sk-my-local-key";

  // snippet:openai-java
  static ChatCompletion hello(String baseUrl, String masterKey) {   // baseUrl: http://127.0.0.1:4000/v1
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(masterKey).build();
    try {
      ChatCompletion c = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("groq/llama-3.3-70b")                               // a model_name of the guide's config
          .addUserMessage("Hello")
          .build());
      System.out.println(c.model() + ": " + c.choices().get(0).message().content().orElse(""));
      return c;
    } finally {
      client.close();
    }
  }
  // end:openai-java

  @Test
  void theOpenAiJavaClientGetsAnAnswerForAModelNameOfTheGuideConfig() throws Exception {
    VirtualClock clock = VirtualClock.manual();
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(clock).seed(3)
        .model(SimModel.builder(SimProvider.HOSTED_VLLM, "YOUR_QWEN_MODEL_NAME").build())
        .build().start()) {
      Env env = Env.of(sim.env());
      String yaml = DayReplay.guideConfigYaml().replace("http://DGX_IP:8000/v1", sim.baseUrl(SimProvider.HOSTED_VLLM));
      LoadedConfig loaded = LiteLlmConfigReader.parse(yaml, env);
      try (Router router = LlmRouter.builder(loaded.config()).env(env).clock(clock).build();
          FacadeServer server = new FacadeServer(router,
              FacadeOptions.builder().host("127.0.0.1").port(0).masterKey(Secret.of(MASTER_KEY)).build())) {
        server.start();

        ChatCompletion c = hello(server.baseUri().toString(), MASTER_KEY);

        assertThat(c.model()).isEqualTo("llama-3.3-70b-versatile");   // the provider model that served
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        // What the facade examples used to send: not a model_name of the guide's config, so a 400.
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(server.baseUri().toString()).apiKey(MASTER_KEY)
            .maxRetries(0).build();
        try {
          assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
              .model("fast").addUserMessage("Hello").build()))
              .isInstanceOf(BadRequestException.class);
        } finally {
          client.close();
        }
      }
    }
  }
}
