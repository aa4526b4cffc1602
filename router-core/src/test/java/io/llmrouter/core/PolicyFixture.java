package io.llmrouter.core;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.RequestHandle;
import io.llmrouter.api.RouterListener;
import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.state.DeploymentStateFactory;
import io.llmrouter.core.state.InMemoryStateStore;
import io.llmrouter.testing.ScriptedProvider;
import io.llmrouter.testing.TestClock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hand-built collaborators for the direct policy tests: a {@link TestClock}, a {@link ScriptedProvider}
 * with the default prefix table (groq, nvidia_nim, openrouter need keys; GROQ_API_KEY is set), an in-memory
 * state store, and listeners that record events as short strings.
 */
final class PolicyFixture {
  final TestClock clock = new TestClock();
  final ScriptedProvider provider = new ScriptedProvider(clock);
  final InMemoryStateStore store = new InMemoryStateStore();
  final List<String> events = new CopyOnWriteArrayList<>();
  final Listeners listeners = new Listeners(List.of(recorder()));
  Env env = Env.of(Map.of("GROQ_API_KEY", "gsk-test-secret"));
  private long ids;

  long now() {
    return clock.millis();
  }

  DeploymentRegistry registry(RouterConfig config) {
    return new DeploymentRegistry(config, env, provider, DeploymentStateFactory.inMemory(store));
  }

  static DeploymentBuilder dep(String group, String id) {
    return DeploymentBuilder.of(group, "groq/model-" + id).id(id);
  }

  static Deployment byId(DeploymentRegistry registry, String id) {
    return registry.deployments().stream().filter(d -> d.id.equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("no deployment " + id));
  }

  static ChatRequest.Builder ask(String group) {
    return ChatRequest.builder().model(group).messages(ChatMessage.user("hi"));
  }

  RequestState request(String group) {
    return request(ask(group).build());
  }

  RequestState request(ChatRequest r) {
    return new RequestState(new RequestHandle(++ids, r.model(), clock.millis()), r, clock.millis(), 60);
  }

  private RouterListener recorder() {
    return new RouterListener() {
      @Override
      public void onAdmissionSkip(RequestHandle request, String group, String id, NoDeploymentAvailableException.Kind why, Instant until) {
        events.add("skip " + group + "/" + id + " " + why + (until == null ? "" : " until " + until));
      }

      @Override
      public void onFallback(RequestHandle request, String from, String to, String kind, LlmRouterException cause) {
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
      public void onRetry(RequestHandle request, String group, int n, long delay, LlmRouterException cause) {
        events.add("retry " + group + " #" + n + " " + delay + "ms");
      }
    };
  }
}
