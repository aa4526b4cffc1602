package io.llmrouter.issues;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.Router;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.EndpointResolver;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Regression: base-URL variable names were derived from key names ({@code replaceFirst("_API_KEY$",
 * "_API_BASE")}), so {@code HF_TOKEN} and {@code CLOUDFLARE_API_TOKEN} became base-URL variables. With
 * {@code HUGGINGFACE_API_KEY} and {@code HF_TOKEN} both set, the token was used as the URL ("Expected URL
 * scheme 'http' or 'https' but no scheme was found for hf_ALI...", the token's first characters in the
 * message); with only {@code HF_TOKEN} set the deployment was skipped as "HUGGINGFACE_API_KEY is not set".
 *
 * <p>The table covers every dialect the client registers: each declared key and base variable set alone,
 * then all together, resolved by {@link EndpointResolver} over the dialect's {@link ProviderInfo}; then the
 * reported cases end to end through {@link LlmRouter} and the real client against a loopback server.
 */
class KeyAndBaseVariableAliasesTest {
  static final OpenAiCompatibleClient CLIENT = OpenAiCompatibleClient.builder().build();

  static final String COMPLETION = "{\"id\":\"c-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"m\","
      + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}";

  MockWebServer server;

  @BeforeEach
  void start() throws IOException {
    server = new MockWebServer();
    server.start();
  }

  @AfterEach
  void stop() throws IOException {
    server.shutdown();
  }

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  static Stream<String> prefixes() {
    return CLIENT.prefixes().stream().sorted();
  }

  /** A token value that looks like a real one and is unique per variable. */
  static String token(String var) {
    return "tok_" + var.toLowerCase(Locale.ROOT) + "_S3CRET";
  }

  static String base(String var) {
    return "http://127.0.0.1:9/" + var.toLowerCase(Locale.ROOT) + "/v1";
  }

  static EndpointResolver resolver(Map<String, String> env) {
    return new EndpointResolver(Env.of(env));
  }

  static String key(ProviderInfo info, Map<String, String> env) {
    return resolver(env).apiKey(info, null).map(Secret::reveal).orElse(null);
  }

  // ------------------------------------------------------------------ the table

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixes")
  void declaredVariablesAreDisjointAndThePrimaryBaseIsPrefixApiBase(String prefix) {
    ProviderInfo info = CLIENT.info(prefix);
    assertThat(info.apiBaseEnvs()).isNotEmpty().doesNotContainAnyElementsOf(info.apiKeyEnvs());
    assertThat(info.apiBaseEnv()).isEqualTo(prefix.toUpperCase(Locale.ROOT) + "_API_BASE");
    assertThat(info.apiKeyEnvs()).isNotEmpty();
    assertThat(info.apiKeyEnvs()).doesNotHaveDuplicates();
    assertThat(info.apiBaseEnvs()).doesNotHaveDuplicates();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixes")
  void eachKeyVariableAloneIsTheKeyAndNeverTheBase(String prefix) {
    ProviderInfo info = CLIENT.info(prefix);
    for (String k : info.apiKeyEnvs()) {
      Map<String, String> env = Map.of(k, token(k));
      assertThat(key(info, env)).as(k).isEqualTo(token(k));
      assertThat(resolver(env).missingKey(info, null)).as(k).isNull();
      String base = resolver(env).apiBase(info, null);
      assertThat(base).as(k).isEqualTo(info.defaultApiBase(env::get));
      if (base != null) assertThat(base).as(k).doesNotContain(token(k)).startsWith("https://");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixes")
  void allKeyVariablesSetTakesTheFirstDeclared(String prefix) {
    ProviderInfo info = CLIENT.info(prefix);
    Map<String, String> env = new HashMap<>();
    info.apiKeyEnvs().forEach(k -> env.put(k, token(k)));
    assertThat(key(info, env)).isEqualTo(token(info.apiKeyEnvs().get(0)));
    String base = resolver(env).apiBase(info, null);
    assertThat(base).isEqualTo(info.defaultApiBase(env::get));
    for (String k : info.apiKeyEnvs()) if (base != null) assertThat(base).doesNotContain(token(k));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixes")
  void eachBaseVariableAloneIsTheBaseAndNeverAKey(String prefix) {
    ProviderInfo info = CLIENT.info(prefix);
    for (String b : info.apiBaseEnvs()) {
      Map<String, String> env = Map.of(b, base(b) + "/");
      assertThat(resolver(env).apiBase(info, null)).as(b).isEqualTo(base(b));
      assertThat(key(info, env)).as(b).isNull();
      if (info.keyRequired()) assertThat(resolver(env).missingKey(info, null)).isEqualTo(String.join(" or ", info.apiKeyEnvs()));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixes")
  void everythingSetTakesTheFirstKeyAndTheFirstBase(String prefix) {
    ProviderInfo info = CLIENT.info(prefix);
    Map<String, String> env = new HashMap<>();
    info.apiKeyEnvs().forEach(k -> env.put(k, token(k)));
    info.apiBaseEnvs().forEach(b -> env.put(b, base(b)));
    assertThat(key(info, env)).isEqualTo(token(info.apiKeyEnvs().get(0)));
    assertThat(resolver(env).apiBase(info, null)).isEqualTo(base(info.apiBaseEnvs().get(0)));
    // The deployment's own api_base still wins over every variable.
    assertThat(resolver(env).apiBase(info, "http://10.0.0.1:8000/v1/")).isEqualTo("http://10.0.0.1:8000/v1");
  }

  @Test
  void cloudflaresDefaultIsFilledFromTheAccountIdOnly() {
    ProviderInfo info = CLIENT.info("cloudflare");
    assertThat(info.apiKeyEnvs()).containsExactly("CLOUDFLARE_API_KEY", "CLOUDFLARE_API_TOKEN");
    assertThat(info.apiBaseEnvs()).doesNotContain("CLOUDFLARE_API_TOKEN");
    assertThat(info.defaultApiBase()).isEqualTo("https://api.cloudflare.com/client/v4/accounts/${CLOUDFLARE_ACCOUNT_ID}/ai/v1");
    Map<String, String> env = Map.of("CLOUDFLARE_API_TOKEN", token("CLOUDFLARE_API_TOKEN"), "CLOUDFLARE_ACCOUNT_ID", "acc123");
    assertThat(resolver(env).apiBase(info, null)).isEqualTo("https://api.cloudflare.com/client/v4/accounts/acc123/ai/v1");
    assertThat(key(info, env)).isEqualTo(token("CLOUDFLARE_API_TOKEN"));
    assertThat(resolver(Map.of("CLOUDFLARE_API_TOKEN", "x")).apiBase(info, null)).isNull();
  }

  @Test
  void huggingFaceDeclaresHfTokenAsAKeyOnly() {
    ProviderInfo info = CLIENT.info("huggingface");
    assertThat(info.apiKeyEnvs()).containsExactly("HUGGINGFACE_API_KEY", "HF_TOKEN");
    assertThat(info.apiBaseEnvs()).containsExactly("HUGGINGFACE_API_BASE");
  }

  // ------------------------------------------------------------------ end to end

  Router router(String model, Map<String, String> env) {
    return LlmRouter.builder(RouterConfig.builder().deployment(DeploymentBuilder.of("g", model)).build())
        .env(Env.of(env)).providerClient(CLIENT).build();
  }

  static ChatRequest ask() {
    return ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).build();
  }

  /** Chats; whatever fails, no message in the exception chain may contain a token. */
  static ChatResponse chat(Router r, Map<String, String> env) {
    try {
      return r.chat(ask());
    } catch (RuntimeException e) {
      assertNoToken(e, env);
      throw e;
    }
  }

  static void assertNoToken(Throwable e, Map<String, String> env) {
    List<String> texts = new ArrayList<>();
    for (Throwable t = e; t != null; t = t.getCause()) {
      texts.add(String.valueOf(t.getMessage()));
      texts.add(t.toString());
      for (Throwable s : t.getSuppressed()) texts.add(String.valueOf(s.getMessage()));
    }
    env.forEach((k, v) -> {
      if (k.endsWith("_KEY") || k.endsWith("_TOKEN")) {
        for (String text : texts) assertThat(text).doesNotContain(v).doesNotContain(v.substring(0, 6));
      }
    });
  }

  @Test
  void bothHuggingFaceKeysSetUsesTheFirstAndTheDeclaredBase() throws Exception {
    Map<String, String> env = Map.of("HUGGINGFACE_API_KEY", "hf_PRIMARYkey0123456789", "HF_TOKEN", "hf_ALIAStoken0123456789",
        "HUGGINGFACE_API_BASE", server.url("/hf/v1").toString());
    server.enqueue(new MockResponse().setBody(COMPLETION).addHeader("Content-Type", "application/json"));
    try (Router r = router("huggingface/meta-llama/Llama-3.1-8B-Instruct", env)) {
      assertThat(chat(r, env).choices().get(0).message().text()).isEqualTo("ok");
    }
    RecordedRequest rec = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(rec.getPath()).isEqualTo("/hf/v1/chat/completions");
    assertThat(rec.getHeader("Authorization")).isEqualTo("Bearer hf_PRIMARYkey0123456789");
  }

  @Test
  void onlyHfTokenSetIsUsedNotSkippedAsMissing() throws Exception {
    Map<String, String> env = Map.of("HF_TOKEN", "hf_ALIAStoken0123456789", "HUGGINGFACE_API_BASE", server.url("/hf/v1").toString());
    server.enqueue(new MockResponse().setBody(COMPLETION).addHeader("Content-Type", "application/json"));
    try (Router r = router("huggingface/meta-llama/Llama-3.1-8B-Instruct", env)) {
      assertThat(chat(r, env).route().deploymentId()).isNotBlank();
    }
    RecordedRequest rec = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(rec.getHeader("Authorization")).isEqualTo("Bearer hf_ALIAStoken0123456789");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("prefixes")
  void everyDialectEndToEndSendsTheFirstKeyToTheFirstBase(String prefix) throws Exception {
    ProviderInfo info = CLIENT.info(prefix);
    Map<String, String> env = new LinkedHashMap<>();
    info.apiKeyEnvs().forEach(k -> env.put(k, token(k)));
    info.apiBaseEnvs().forEach(b -> env.put(b, server.url("/" + b.toLowerCase(Locale.ROOT) + "/v1").toString()));
    server.enqueue(new MockResponse().setBody(COMPLETION).addHeader("Content-Type", "application/json"));
    try (Router r = router(prefix + "/org/model", env)) {
      assertThat(chat(r, env).choices()).hasSize(1);
    }
    RecordedRequest rec = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(rec.getPath()).isEqualTo("/" + info.apiBaseEnv().toLowerCase(Locale.ROOT) + "/v1/chat/completions");
    assertThat(rec.getHeader("Authorization")).isEqualTo("Bearer " + token(info.apiKeyEnvs().get(0)));
  }

  @Test
  void aBaseThatCannotBeResolvedFailsWithNamesOnly() {
    // Cloudflare without CLOUDFLARE_ACCOUNT_ID or CLOUDFLARE_API_BASE: nothing to call, and the error names
    // variables, never the token.
    Map<String, String> env = Map.of("CLOUDFLARE_API_TOKEN", "cf_TOKENvalue0123456789");
    try (Router r = router("cloudflare/@cf/meta/llama-3.1-8b-instruct", env)) {
      Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> chat(r, env));
      assertThat(t).isNotNull();
      assertNoToken(t, env);
      assertThat(server.getRequestCount()).isZero();
    }
  }
}
