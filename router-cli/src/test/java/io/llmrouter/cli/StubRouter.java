package io.llmrouter.cli;

import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.ModelGroupStatus;
import io.llmrouter.api.Router;
import io.llmrouter.api.StreamListener;
import io.llmrouter.api.UnknownModelException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The router the command tests load: two model groups, a scripted health check, and a flag that says
 * whether the command closed it. Chat is out of scope here (the facade's own tests script it), so every
 * chat call is refused as an unknown model. Thread-safe.
 */
final class StubRouter implements Router {
  volatile List<ModelGroupStatus> groups = List.of(
      new ModelGroupStatus("fast", "small and quick", 131072, 2, true, null),
      new ModelGroupStatus("smart", null, null, 1, false, Instant.parse("2026-01-01T00:01:00Z")));
  volatile HealthReport checkHealth = HealthReport.empty();
  /** The mode the last {@code checkHealth(mode)} asked for; null while only {@code checkHealth()} ran. */
  volatile io.llmrouter.api.HealthCheckMode checkedMode;
  final AtomicBoolean closed = new AtomicBoolean();

  @Override
  public ChatResponse chat(ChatRequest request) {
    throw unknown(request);
  }

  @Override
  public ChatStream stream(ChatRequest request) {
    throw unknown(request);
  }

  @Override
  public AutoCloseable stream(ChatRequest request, StreamListener listener) {
    throw unknown(request);
  }

  @Override
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    return CompletableFuture.failedFuture(unknown(request));
  }

  @Override
  public List<ModelGroupStatus> modelGroups() {
    return groups;
  }

  @Override
  public List<CooldownStatus> cooldowns() {
    return List.of();
  }

  @Override
  public int clearCooldowns(String name) {
    if ("all".equals(name) || groups.stream().anyMatch(g -> g.name().equals(name))) return 0;
    throw new UnknownModelException(name, groups.stream().map(ModelGroupStatus::name).toList());
  }

  @Override
  public HealthReport health() {
    return HealthReport.empty();
  }

  @Override
  public HealthReport checkHealth() {
    return checkHealth;
  }

  @Override
  public HealthReport checkHealth(io.llmrouter.api.HealthCheckMode mode) {
    checkedMode = mode;
    return checkHealth;
  }

  @Override
  public void close() {
    closed.set(true);
  }

  static String chatBody(String model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  private UnknownModelException unknown(ChatRequest request) {
    return new UnknownModelException(request.model(), groups.stream().map(ModelGroupStatus::name).toList());
  }
}
