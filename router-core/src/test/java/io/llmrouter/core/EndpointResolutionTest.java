package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.SecretRef;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Regression test: extra_headers given as os.environ/NAME reach the client as values (base URLs: ApiBaseFromRouterEnvTest). */
class EndpointResolutionTest extends EngineTestSupport {

  private Endpoint lastEndpoint() {
    return provider.calls().get(provider.calls().size() - 1).call().endpoint();
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
