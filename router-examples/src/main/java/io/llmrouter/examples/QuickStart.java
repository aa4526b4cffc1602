package io.llmrouter.examples;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.VirtualClock;
import java.time.Duration;
import java.util.Map;

/**
 * The smallest useful program: two Groq models, the bigger one falling back to the smaller, served by
 * the built-in provider simulator so it runs with no API key and no network. To call the real Groq,
 * build the router with {@code Env.system()} (it reads {@code GROQ_API_KEY}) instead of the simulator's
 * environment.
 *
 * <p>Run: {@code mvn -q -DskipTests install && mvn -q -pl router-examples exec:java
 * -Dexec.mainClass=io.llmrouter.examples.QuickStart}
 */
public final class QuickStart {
  private QuickStart() {}

  /** The configuration, as a library user writes it (equal to a LiteLLM config.yaml). */
  static RouterConfig config() {
    return RouterConfig.builder()
        .deployment(DeploymentBuilder.of("fast", "groq/llama-3.1-8b-instant").apiKeyEnv("GROQ_API_KEY").rpm(28).tpm(5_500))
        .deployment(DeploymentBuilder.of("smart", "groq/llama-3.3-70b-versatile").apiKeyEnv("GROQ_API_KEY").rpm(28).tpm(11_000))
        .fallbacks("smart", "fast")
        .cooldownTime(Duration.ofHours(24))
        .build();
  }

  /** Sends one request and one streamed request through a router over {@code env}; returns the first answer. */
  static ChatResponse run(Map<String, String> env, StringBuilder out) {
    try (Router router = LlmRouter.builder(config()).env(Env.of(env)).build()) {
      ChatResponse r = router.chat(ChatRequest.builder()
          .model("smart")
          .messages(ChatMessage.user("Say hello in five words."))
          .maxTokens(32)
          .build());
      out.append(r.text()).append('\n');
      out.append("served by ").append(r.route().servedModelGroup()).append(" / ").append(r.model())
          .append(" after ").append(r.route().callCount()).append(" call(s)\n");

      try (ChatStream stream = router.stream(ChatRequest.builder()
          .model("fast")
          .messages(ChatMessage.user("Count to three."))
          .build())) {
        for (var chunk : stream) {
          if (!chunk.choices().isEmpty() && chunk.choices().get(0).delta() != null) {
            String t = chunk.choices().get(0).delta().text();
            if (t != null) out.append(t);
          }
        }
        out.append('\n');
      }
      return r;
    }
  }

  public static void main(String[] args) {
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.realTime()).build().start()) {
      StringBuilder out = new StringBuilder();
      run(sim.env(), out);
      System.out.print(out);
    }
  }
}
