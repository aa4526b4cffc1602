// snippet:assistant
package com.example.agent;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import java.nio.file.Path;

/** An application's own class: one question in, one answer out, over whatever the config routes to. */
public final class Assistant implements AutoCloseable {
  private final Router router;

  /** Takes a router built by the caller (tests give it the simulator's environment and a clock). */
  public Assistant(Router router) {
    this.router = router;
  }

  /** Reads a LiteLLM {@code config.yaml} (and the {@code .env} beside it) against the process environment. */
  public static Assistant fromConfig(Path configYaml) {
    LoadedConfig loaded = LiteLlmConfigReader.load(configYaml, null);
    return new Assistant(LlmRouter.builder(loaded.config()).env(loaded.env()).build());
  }

  /** Asks {@code groq/llama-3.3-70b}, a model group of the guide's config; its fallbacks apply. */
  public ChatResponse ask(String question) {
    return router.chat(ChatRequest.builder()
        .model("groq/llama-3.3-70b")
        .messages(ChatMessage.user(question))
        .maxTokens(256)
        .build());
  }

  @Override
  public void close() {
    router.close();
  }
}
// end:assistant
