package io.llmrouter.facade;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.Choice;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.api.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * A test-only {@link Router}: scripted answers, streams and errors per request, configurable model groups
 * and health, and a record of every request it saw. Unknown model groups throw {@link UnknownModelException}
 * like the real engine. Thread-safe.
 */
final class ScriptedRouter implements Router {
  volatile Function<ChatRequest, ChatResponse> onChat = r -> reply(r, "hello from " + r.model(), route(r.model(), "dep-1", "provider-model"));
  volatile Function<ChatRequest, ChatStream> onStream = r -> new ScriptedStream(route(r.model(), "dep-1", "provider-model"))
      .chunk(chunk("provider-model", "Hel")).chunk(chunk("provider-model", "lo")).end();
  volatile List<ModelGroupStatus> groups = List.of(
      new ModelGroupStatus("fast", "small and quick", 131072, 2, true, null),
      new ModelGroupStatus("smart", null, null, 1, false, Instant.parse("2026-01-01T00:01:00Z")));
  volatile HealthReport health = HealthReport.empty();
  volatile HealthReport checkHealth = HealthReport.empty();
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  final AtomicBoolean closed = new AtomicBoolean();

  @Override
  public ChatResponse chat(ChatRequest request) {
    requests.add(request);
    checkKnown(request.model());
    return onChat.apply(request);
  }

  @Override
  public ChatStream stream(ChatRequest request) {
    requests.add(request);
    checkKnown(request.model());
    return onStream.apply(request);
  }

  @Override
  public AutoCloseable stream(ChatRequest request, StreamListener listener) {
    ChatStream s = stream(request);
    listener.onOpen(s.route());
    for (ChatChunk c : s) listener.onChunk(c);
    listener.onComplete(s.route());
    return s;
  }

  @Override
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    return CompletableFuture.supplyAsync(() -> chat(request));
  }

  @Override
  public List<ModelGroupStatus> modelGroups() {
    return groups;
  }

  /** What {@link #status()} reports; null: the interface's default (groups only). */
  volatile io.llmrouter.api.RouterStatus status;

  @Override
  public io.llmrouter.api.RouterStatus status() {
    io.llmrouter.api.RouterStatus s = status;
    return s != null ? s : Router.super.status();
  }

  /** What {@link #cooldowns()} reports; {@link #clearCooldowns} removes entries and makes their groups available. */
  volatile List<CooldownStatus> cooldowns = List.of();
  final List<String> clearCalls = new CopyOnWriteArrayList<>();

  @Override
  public List<CooldownStatus> cooldowns() {
    return cooldowns;
  }

  @Override
  public synchronized int clearCooldowns(String name) {
    clearCalls.add(name);
    boolean all = "all".equals(name);
    if (!all && groups.stream().noneMatch(g -> g.name().equals(name)) && cooldowns.stream().noneMatch(c -> c.deploymentId().equals(name))) {
      throw new UnknownModelException(name, groups.stream().map(ModelGroupStatus::name).toList());
    }
    List<CooldownStatus> cleared = new ArrayList<>();
    List<CooldownStatus> kept = new ArrayList<>();
    for (CooldownStatus c : cooldowns) {
      (all || c.modelGroup().equals(name) || c.deploymentId().equals(name) ? cleared : kept).add(c);
    }
    cooldowns = List.copyOf(kept);
    groups = groups.stream().map(g -> cleared.stream().anyMatch(c -> c.modelGroup().equals(g.name()))
        && kept.stream().noneMatch(c -> c.modelGroup().equals(g.name()))
        ? new ModelGroupStatus(g.name(), g.description(), g.contextWindow(), g.deployments(), true, null) : g).toList();
    return (int) cleared.stream().map(CooldownStatus::deploymentId).distinct().count();
  }

  @Override
  public HealthReport health() {
    return health;
  }

  @Override
  public HealthReport checkHealth() {
    return checkHealth;
  }

  @Override
  public HealthReport checkHealth(io.llmrouter.api.HealthCheckMode mode) {
    return checkHealth;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private void checkKnown(String model) {
    List<String> names = new ArrayList<>();
    for (ModelGroupStatus g : groups) names.add(g.name());
    if (!names.contains(model)) throw new UnknownModelException(model, names);
  }

  // ---- builders for scripted values ----

  static Route route(String group, String deployment, String providerModel) {
    return route(group, deployment, providerModel, Map.of(), List.of());
  }

  static Route route(String group, String deployment, String providerModel, Map<String, String> upstream, List<String> fallbacks) {
    Attempt ok = new Attempt(group, deployment, providerModel, Attempt.Outcome.SUCCESS, 200, null, Instant.EPOCH, Duration.ofMillis(5));
    return new Route(group, group, deployment, "groq", providerModel, "http://127.0.0.1:1/v1", List.of(ok), fallbacks, upstream);
  }

  static ChatResponse reply(ChatRequest request, String text, Route route) {
    return ChatResponse.builder()
        .id("chatcmpl-1").object("chat.completion").created(1700000000L).model(route.providerModel())
        .choices(Choice.builder().index(0).message(ChatMessage.assistant(text)).finishReason("stop").build())
        .usage(Usage.builder().promptTokens(3).completionTokens(2).totalTokens(5).build())
        .route(route).build();
  }

  static ChatChunk chunk(String model, String text) {
    return ChatChunk.builder().id("chatcmpl-s").object("chat.completion.chunk").created(1700000000L).model(model)
        .choices(ChunkChoice.builder().index(0).delta(ChatMessage.builder().role("assistant").content(text).build()).build())
        .build();
  }
}
