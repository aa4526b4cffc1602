package io.llmrouter.core;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.StateStore;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.ScriptedProvider.StreamScript;
import io.llmrouter.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;

/**
 * The engine tests' setup over the shared fixtures: a {@link TestClock} that is also the sleeper, a
 * {@link ScriptedProvider} (prefixes groq and openrouter at {@code https://<prefix>.example/v1}; an unscripted
 * stream sends "hi", " there" with {@code x-ratelimit-remaining-requests: 5}), recorded events.
 */
abstract class EngineTestSupport {
  final TestClock clock = new TestClock();
  final ScriptedProvider provider = new ScriptedProvider(clock,
      List.of(ScriptedProvider.exampleInfo("groq"), ScriptedProvider.exampleInfo("openrouter")))
      .defaultStream(StreamScript.of(ScriptedProvider.chunk("hi"), ScriptedProvider.chunk(" there"))
          .withHeaders(Map.of("x-ratelimit-remaining-requests", "5")));
  final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
  Env env = Env.of(Map.of("GROQ_API_KEY", "gsk-test-secret"));
  final List<Router> opened = new ArrayList<>();

  RouterListener recorder() {
    return new RouterListener() {
      @Override
      public void onFallback(io.llmrouter.api.RequestHandle request, String from, String to, String kind, io.llmrouter.api.LlmRouterException cause) {
        events.add("fallback " + from + "->" + to + " " + kind);
      }

      @Override
      public void onCooldownStart(String id, Instant until, String reason) {
        events.add("cooldown " + id + " until " + until);
      }

      @Override
      public void onCooldownEnd(String id) {
        events.add("cooldown-end " + id);
      }

      @Override
      public void onRetry(io.llmrouter.api.RequestHandle request, String group, int n, long delay, io.llmrouter.api.LlmRouterException cause) {
        events.add("retry " + group + " #" + n + " " + delay + "ms");
      }

      @Override
      public void onHealthChange(String id, boolean healthy, String error) {
        events.add("health " + id + " " + healthy);
      }
    };
  }

  Router router(RouterConfig config) {
    return router(config, null, new SplittableRandom(7));
  }

  Router router(RouterConfig config, StateStore store, RandomGenerator random) {
    LlmRouter.Builder b = LlmRouter.builder(config).env(env).clock(clock).sleeper(clock::sleep).providerClient(provider)
        .listener(recorder()).listener(new Slf4jRouterListener());
    if (store != null) b.stateStore(store);
    if (random != null) b.random(new SynchronizedRandom(random));
    Router r = b.build();
    opened.add(r);
    return r;
  }

  @AfterEach
  void closeRouters() {
    opened.forEach(Router::close);
  }

  static DeploymentBuilder dep(String group, String id) {
    return DeploymentBuilder.of(group, "groq/model-" + id).id(id);
  }

  static ChatRequest ask(String model) {
    return ChatRequest.builder().model(model).messages(ChatMessage.user("hello")).build();
  }

  RateLimitedException rateLimited(String id, RateScope scope, Duration retryAfter, Instant resetAt) {
    return new RateLimitedException("429 rate limited", ctx(429, id), scope, retryAfter, resetAt);
  }

  /** The error context of a scripted failure of deployment {@code id} (provider groq). */
  static ErrorContext ctx(int status, String id) {
    return ScriptedProvider.errorContext(status, "groq", id);
  }

  /** SplittableRandom is not thread-safe; the router may share the generator across threads. */
  static final class SynchronizedRandom implements RandomGenerator {
    private final RandomGenerator r;

    SynchronizedRandom(RandomGenerator r) {
      this.r = r;
    }

    @Override
    public synchronized long nextLong() {
      return r.nextLong();
    }
  }
}
