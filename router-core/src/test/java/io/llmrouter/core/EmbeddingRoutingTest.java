package io.llmrouter.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.Embedding;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.InvalidRequestException;
import io.llmrouter.api.Json;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestEnd;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.Usage;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * {@code Router.embed} through the engine's policies: fallbacks, retries, rpm/tpm admission with the input's
 * token estimate, cooldowns, listener events, {@code model_info.mode}, and request validation.
 */
class EmbeddingRoutingTest extends EngineTestSupport {
  private final Map<String, Deque<RuntimeException>> failures = new ConcurrentHashMap<>();
  private final List<EmbeddingCall> embedCalls = new CopyOnWriteArrayList<>();
  private final List<RequestEnd> ends = new CopyOnWriteArrayList<>();
  private volatile boolean sendUsage = true;

  /** The shared scripted provider for chat, plus scripted embeddings: a vector per input, or a queued failure. */
  private final ProviderClient client = new ProviderClient() {
    @Override
    public java.util.Set<String> prefixes() {
      return provider.prefixes();
    }

    @Override
    public ProviderInfo info(String prefix) {
      return provider.info(prefix);
    }

    @Override
    public ProviderResponse<ChatResponse> chat(ProviderCall call) {
      return provider.chat(call);
    }

    @Override
    public ProviderStream stream(ProviderCall call) {
      return provider.stream(call);
    }

    @Override
    public ProviderResponse<EmbeddingResponse> embed(EmbeddingCall call) {
      embedCalls.add(call);
      Deque<RuntimeException> q = failures.get(call.endpoint().deploymentId());
      RuntimeException e = q == null ? null : q.poll();
      if (e != null) throw e;
      int n = call.request().inputCount();
      List<Embedding> data = new ArrayList<>();
      for (int i = 0; i < n; i++) data.add(Embedding.builder().object("embedding").index(i).vector(new float[] {i, 0.5f}).build());
      EmbeddingResponse.Builder b = EmbeddingResponse.builder().object("list").data(data).model(call.endpoint().model());
      if (sendUsage) b.usage(Usage.builder().promptTokens(7 * n).totalTokens(7 * n).build());
      return new ProviderResponse<>(b.build(), 200, Map.of("x-ratelimit-remaining-requests", "3"), RateSignal.none(clock.instant()));
    }

    @Override
    public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
      return provider.listModels(endpoint, timeout);
    }

    @Override
    public void close() {}
  };

  private Router embedRouter(RouterConfig config) {
    Router r = LlmRouter.builder(config).env(env).clock(clock).sleeper(clock::sleep).providerClient(client).listener(recorder())
        .listener(new RouterListener() {
          @Override
          public void onRequestEnd(RequestHandle request, RequestEnd end) {
            ends.add(end);
          }
        }).build();
    opened.add(r);
    return r;
  }

  private void failNext(String id, RuntimeException e) {
    failures.computeIfAbsent(id, k -> new ArrayDeque<>()).add(e);
  }

  private static EmbeddingRequest embedReq(String model, String... texts) {
    return EmbeddingRequest.builder().model(model).input(List.of(texts)).build();
  }

  @Test
  void embedAsyncWaitsForCapacityInTheSchedulerWithoutAThread() throws Exception {
    VirtualScheduler scheduler = new VirtualScheduler(clock);
    // A direct executor: any wait that blocked a thread would block this test's thread (and the sleeper fails).
    Router router = LlmRouter.builder(RouterConfig.builder().deployment(dep("emb", "a").rpm(1)).build()).env(env).clock(clock)
        .sleeper(d -> {
          throw new AssertionError("embedAsync slept for " + d);
        }).scheduler(scheduler).executor(Runnable::run).providerClient(client).listener(recorder()).build();
    opened.add(router);
    assertThat(router.embedAsync(embedReq("emb", "first")).get(0, java.util.concurrent.TimeUnit.SECONDS).route().deploymentId())
        .isEqualTo("a");
    java.time.Instant free = clock.instant().plusSeconds(60);

    java.util.concurrent.CompletableFuture<EmbeddingResponse> f = router.embedAsync(embedReq("emb", "one", "two"));

    assertThat(f).isNotDone();
    assertThat(scheduler.pending()).isEqualTo(1);
    assertThat(embedCalls).hasSize(1);
    assertThat(scheduler.runNext()).isTrue();
    EmbeddingResponse r = f.get(0, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.data()).hasSize(2);
    assertThat(r.route().deploymentId()).isEqualTo("a");
    assertThat(clock.instant()).isEqualTo(free);

    // A cancelled waiter is not resumed: no call is made for it.
    java.util.concurrent.CompletableFuture<EmbeddingResponse> cancelled = router.embedAsync(embedReq("emb", "three"));
    assertThat(cancelled).isNotDone();
    cancelled.cancel(false);
    scheduler.runNext();
    assertThat(embedCalls).hasSize(2);
  }

  @Test
  void servesAndReportsTheRouteUsageAndEvents() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a")).build());
    EmbeddingResponse r = router.embed(embedReq("emb", "one", "two"));
    assertThat(r.data()).hasSize(2);
    assertThat(r.data().get(1).vector()).containsExactly(1f, 0.5f);
    assertThat(r.model()).isEqualTo("model-a");
    assertThat(r.object()).isEqualTo("list");
    assertThat(r.route().deploymentId()).isEqualTo("a");
    assertThat(r.route().upstreamHeaders()).containsEntry("x-ratelimit-remaining-requests", "3");
    assertThat(r.usage().promptTokens()).isEqualTo(14);
    assertThat(ends).singleElement().satisfies(e -> {
      assertThat(e.outcome()).isEqualTo(RequestEnd.Outcome.SERVED);
      assertThat(e.usage().totalTokens()).isEqualTo(14);
      assertThat(e.route().servedModelGroup()).isEqualTo("emb");
    });
    // The provider sees the model group's deployment, never the router's own fields.
    assertThat(embedCalls).singleElement().satisfies(c -> assertThat(c.endpoint().model()).isEqualTo("model-a"));
  }

  @Test
  void aRateLimitFallsBackAndCoolsTheDeployment() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a")).deployment(dep("emb-backup", "b"))
        .fallbacks("emb", "emb-backup").numRetries(0).build());
    failNext("a", rateLimited("a", RateScope.MINUTE, Duration.ofSeconds(30), null));
    EmbeddingResponse r = router.embed(embedReq("emb", "x"));
    assertThat(r.route().servedModelGroup()).isEqualTo("emb-backup");
    assertThat(r.route().fallbacks()).containsExactly("emb-backup");
    assertThat(r.route().attempts()).extracting(Attempt::deploymentId, Attempt::outcome)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", Attempt.Outcome.FAILED), org.assertj.core.groups.Tuple.tuple("b", Attempt.Outcome.SUCCESS));
    assertThat(events).contains("fallback emb->emb-backup fallbacks");
    assertThat(events).anyMatch(e -> e.startsWith("cooldown a until"));
    // While a cools, the next request goes to the fallback without calling a.
    embedCalls.clear();
    router.embed(embedReq("emb", "y"));
    assertThat(embedCalls).extracting(c -> c.endpoint().deploymentId()).containsExactly("b");
  }

  @Test
  void aServerErrorIsRetriedOnAnotherDeploymentOfTheGroup() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a").order(1)).deployment(dep("emb", "b").order(2))
        .numRetries(1).build());
    failNext("a", new ProviderUnavailableException("500", ctx(500, "a")));
    EmbeddingResponse r = router.embed(embedReq("emb", "x"));
    assertThat(r.route().deploymentId()).isEqualTo("b");
    assertThat(events).anyMatch(e -> e.startsWith("retry emb #1"));
  }

  @Test
  void rpmAdmissionSkipsASpentDeploymentWithoutCallingIt() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a").rpm(1)).deployment(dep("emb-backup", "b"))
        .fallbacks("emb", "emb-backup").build());
    assertThat(router.embed(embedReq("emb", "x")).route().deploymentId()).isEqualTo("a");
    EmbeddingResponse second = router.embed(embedReq("emb", "x"));
    assertThat(second.route().deploymentId()).isEqualTo("b");
    assertThat(second.route().attempts().get(0).outcome()).isEqualTo(Attempt.Outcome.SKIPPED);
    assertThat(second.route().attempts().get(0).error()).startsWith("OVER_RPM");
    assertThat(embedCalls).extracting(c -> c.endpoint().deploymentId()).containsExactly("a", "b");
    // A minute later the window has room again.
    clock.advance(Duration.ofSeconds(61));
    assertThat(router.embed(embedReq("emb", "x")).route().deploymentId()).isEqualTo("a");
  }

  @Test
  void tpmAdmissionCountsTheInputsEstimatedTokens() {
    // 400 characters are ~101 tokens: two such batches of 2 exceed a 300-token minute.
    String text = "w".repeat(400);
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a").tpm(300)).deployment(dep("emb-backup", "b"))
        .fallbacks("emb", "emb-backup").build());
    sendUsage = false; // the reservation stays the estimate (no correction from a provider count)
    assertThat(router.embed(embedReq("emb", text, text)).route().deploymentId()).isEqualTo("a");
    EmbeddingResponse second = router.embed(embedReq("emb", text, text));
    assertThat(second.route().deploymentId()).isEqualTo("b");
    assertThat(second.route().attempts().get(0).error()).startsWith("OVER_TPM").contains("request ~202 tokens");
    // Without provider usage the caller gets the router's estimate.
    assertThat(second.usage().promptTokens()).isEqualTo(202);
    assertThat(RequestState.estimateInputTokens(Json.tree("[[1,2,3],[4,5]]"))).isEqualTo(5);
    assertThat(RequestState.estimateInputTokens(Json.tree("\"abcdefgh\""))).isEqualTo(3);
  }

  @Test
  void modelInfoModeKeepsChatAndEmbeddingDeploymentsApart() {
    Router router = embedRouter(RouterConfig.builder()
        .deployment(dep("mixed", "chatty").mode("chat").order(1)).deployment(dep("mixed", "vec").mode("embedding").order(2))
        .deployment(dep("vectors", "v")).deployment(dep("only-vectors", "ov").mode("embedding")).build());
    EmbeddingResponse r = router.embed(embedReq("mixed", "x"));
    assertThat(r.route().deploymentId()).isEqualTo("vec");
    assertThat(r.route().attempts().get(0).error()).isEqualTo("WRONG_MODE: model_info.mode chat: not an embedding model");
    assertThat(router.chat(ask("mixed")).route().deploymentId()).isEqualTo("chatty");
    // No mode declared: the deployment serves both.
    assertThat(router.embed(embedReq("vectors", "x")).route().deploymentId()).isEqualTo("v");
    assertThatThrownBy(() -> router.chat(ask("only-vectors"))).isInstanceOfSatisfying(InvalidRequestException.class, e -> {
      assertThat(e.field()).isEqualTo("model");
      assertThat(e.getMessage()).contains("/v1/embeddings");
    });
  }

  @Test
  void aGroupOfChatModelsRefusesEmbeddings() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("chat", "c").mode("chat")).build());
    assertThatThrownBy(() -> router.embed(embedReq("chat", "x"))).isInstanceOfSatisfying(InvalidRequestException.class,
        e -> assertThat(e.field()).isEqualTo("model"));
    assertThat(embedCalls).isEmpty();
  }

  @Test
  void malformedInputIsRefusedNamingTheField() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a")).build());
    Object[][] cases = {
        {"{\"model\":\"emb\"}", "input"},
        {"{\"model\":\"emb\",\"input\":\"\"}", "input"},
        {"{\"model\":\"emb\",\"input\":[]}", "input"},
        {"{\"model\":\"emb\",\"input\":[\"a\",3]}", "input[1]"},
        {"{\"model\":\"emb\",\"input\":[[1,2],[3,\"x\"]]}", "input[1][1]"},
        {"{\"model\":\"emb\",\"input\":[1,-2]}", "input[1]"},
        {"{\"model\":\"emb\",\"input\":{\"a\":1}}", "input"},
        {"{\"model\":\"emb\",\"input\":\"a\",\"encoding_format\":\"int8\"}", "encoding_format"},
        {"{\"model\":\"emb\",\"input\":\"a\",\"dimensions\":0}", "dimensions"},
        {"{\"model\":\"emb\",\"input\":\"a\",\"mock_response\":\"x\"}", "mock_response"},
    };
    for (Object[] c : cases) {
      EmbeddingRequest r = Json.read((String) c[0], EmbeddingRequest.class);
      assertThatThrownBy(() -> router.embed(r)).as((String) c[0]).isInstanceOfSatisfying(InvalidRequestException.class,
          e -> assertThat(e.field()).isEqualTo(c[1]));
    }
    assertThat(embedCalls).isEmpty();
  }

  @Test
  void exhaustedChainEndsInNoDeploymentAvailable() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("emb", "a")).numRetries(0).build());
    failNext("a", new ProviderUnavailableException("500", ctx(500, "a")));
    assertThatThrownBy(() -> router.embed(embedReq("emb", "x"))).isInstanceOf(NoDeploymentAvailableException.class);
    assertThat(ends).singleElement().satisfies(e -> assertThat(e.outcome()).isEqualTo(RequestEnd.Outcome.FAILED));
  }

  @Test
  void chatModeHealthChecksProbeEmbeddingModelsWithAnEmbedding() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("vec", "v").mode("embedding")).build());
    io.llmrouter.api.HealthReport report = router.checkHealth(io.llmrouter.api.HealthCheckMode.CHAT);
    assertThat(report.healthy()).extracting(io.llmrouter.api.HealthReport.Endpoint::deploymentId).containsExactly("v");
    assertThat(embedCalls).singleElement().satisfies(c -> assertThat(c.request().inputCount()).isEqualTo(1));
  }

  @Test
  void aDeploymentsLitellmParamsSupplyWhatAnOpenAiClientCannotSend() {
    Router router = embedRouter(RouterConfig.builder().deployment(dep("qa", "nim").extraParam("input_type", "passage")
        .extraParam("dimensions", 256)).build());
    router.embed(embedReq("qa", "doc"));
    router.embed(embedReq("qa", "question").toBuilder().extra("input_type", Json.text("query")).dimensions(64).build());
    assertThat(embedCalls).extracting(c -> c.request().extra().get("input_type").asText()).containsExactly("passage", "query");
    assertThat(embedCalls).extracting(c -> c.request().dimensions()).containsExactly(256, 64);
  }

  @Test
  void liteLlmConfigReadsModelInfoMode() {
    String yaml = """
        model_list:
          - model_name: vectors
            litellm_params: {model: nvidia_nim/nvidia/nv-embedqa-e5-v5}
            model_info: {mode: embedding}
        """;
    RouterConfig config = LiteLlmConfigReader.parse(yaml, Env.of(Map.of())).config();
    DeploymentConfig d = config.deployments().get(0);
    assertThat(d.mode()).isEqualTo("embedding");
    assertThat(d.servesEmbeddings()).isTrue();
    assertThat(d.servesChat()).isFalse();
    assertThatThrownBy(() -> LiteLlmConfigReader.parse(yaml.replace("embedding", "embeddings"), Env.of(Map.of())))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.path()).isEqualTo("model_list[0].model_info.mode");
          assertThat(e.getMessage()).contains("embedding").contains("\"embeddings\"");
        });
  }

  @Test
  void requestJsonRoundTripsAndKeepsProviderExtras() {
    String json = "{\"model\":\"emb\",\"input\":[\"a\",\"b\"],\"encoding_format\":\"base64\",\"dimensions\":64,\"user\":\"u\","
        + "\"input_type\":\"passage\",\"fallbacks\":[\"x\"],\"num_retries\":1}";
    EmbeddingRequest r = Json.read(json, EmbeddingRequest.class);
    assertThat(r.inputCount()).isEqualTo(2);
    assertThat(r.wantsBase64()).isTrue();
    JsonNode upstream = Json.tree(Json.write(r.withoutRouterFields()));
    assertThat(upstream.get("input_type").asText()).isEqualTo("passage");
    assertThat(upstream.has("fallbacks")).isFalse();
    assertThat(upstream.has("num_retries")).isFalse();
    assertThat(Json.tree(Json.write(r))).isEqualTo(Json.tree(json));
  }
}
