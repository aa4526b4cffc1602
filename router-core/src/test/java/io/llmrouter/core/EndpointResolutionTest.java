package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.SecretRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regression tests: what the engine hands the provider client as the endpoint of a call. */
class EndpointResolutionTest extends EngineTestSupport {

  private Endpoint lastEndpoint() {
    return provider.calls.get(provider.calls.size() - 1).call().endpoint();
  }

  @Test
  void baseUrlComesFromTheRoutersEnvWhenTheDeploymentHasNone() {
    // The router's Env (a .env file, or a simulator's variables) is not the process environment the
    // client can see; the engine must resolve <PREFIX>_API_BASE itself.
    env = Env.of(Map.of("GROQ_API_KEY", "k", "GROQ_API_BASE", "http://127.0.0.1:9/openai/v1"));
    var router = router(RouterConfig.builder().deployment(dep("g", "a")).deployment(dep("h", "b").apiBase("http://own/v1")).build());
    router.chat(ask("g"));
    assertThat(lastEndpoint().apiBase()).isEqualTo("http://127.0.0.1:9/openai/v1");
    router.chat(ask("h"));
    assertThat(lastEndpoint().apiBase()).isEqualTo("http://own/v1");
  }

  @Test
  void baseUrlFallsBackToTheDialectDefault() {
    var router = router(RouterConfig.builder().deployment(dep("g", "a")).build());
    router.chat(ask("g"));
    assertThat(lastEndpoint().apiBase()).isEqualTo("https://groq.example/v1");
  }

  @Test
  void extraHeaderSecretsAreResolvedNotSentAsReferences() {
    env = Env.of(Map.of("GROQ_API_KEY", "k", "PORTKEY_KEY", "pk-secret"));
    var router = router(RouterConfig.builder()
        .deployment(dep("g", "a").extraParam("extra_headers", Map.of("x-portkey-api-key", SecretRef.env("PORTKEY_KEY"), "x-app", "demo")))
        .build());
    router.chat(ask("g"));
    assertThat(lastEndpoint().extraHeaders()).containsEntry("x-portkey-api-key", "pk-secret").containsEntry("x-app", "demo");
  }
}
