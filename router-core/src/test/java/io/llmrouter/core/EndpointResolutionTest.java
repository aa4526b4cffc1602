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

  @Test
  void theKeyAndEndpointAreResolvedOncePerDeploymentAndEachDeploymentGetsItsOwn() {
    env = Env.of(Map.of("GROQ_API_KEY", "k-dialect", "OTHER_KEY", "k-other"));
    var router = router(RouterConfig.builder().numRetries(0)
        .deployment(dep("g", "a")).deployment(dep("h", "b").apiKeyEnv("OTHER_KEY")).build());
    router.chat(ask("g"));
    Endpoint first = lastEndpoint();
    router.chat(ask("g"));
    assertThat(lastEndpoint()).isSameAs(first);
    assertThat(first.apiKey().reveal()).isEqualTo("k-dialect");
    assertThat(first.deploymentId()).isEqualTo("a");
    router.chat(ask("h"));
    assertThat(lastEndpoint().deploymentId()).isEqualTo("b");
    assertThat(lastEndpoint().apiKey().reveal()).isEqualTo("k-other");
  }

  @Test
  void aReloadWithANewEnvironmentSendsTheNewKeyOnAKeptDeployment() {
    env = Env.of(Map.of("GROQ_API_KEY", "k-old"));
    RouterConfig config = RouterConfig.builder().numRetries(0).deployment(dep("g", "a")).build();
    ReloadableRouter r = LlmRouter.builder(config).env(env).clock(clock).sleeper(clock::sleep).providerClient(provider).buildReloadable();
    try {
      r.chat(ask("g"));
      assertThat(lastEndpoint().apiKey().reveal()).isEqualTo("k-old");
      ReloadableRouter.Result result = r.reload(config, Env.of(Map.of("GROQ_API_KEY", "k-new")));
      assertThat(result.kept()).containsExactly("a");
      r.chat(ask("g"));
      assertThat(lastEndpoint().apiKey().reveal()).isEqualTo("k-new");
      // And back: the deployment object is shared, the key belongs to the registry that resolved it.
      r.reload(config, Env.of(Map.of("GROQ_API_KEY", "k-old")));
      r.chat(ask("g"));
      assertThat(lastEndpoint().apiKey().reveal()).isEqualTo("k-old");
    } finally {
      r.close();
    }
  }
}
