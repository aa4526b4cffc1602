package io.llmrouter.core.state;

import java.time.Clock;

/**
 * Per-deployment state shared by several router instances (one free-tier budget for all of them): the seam
 * between the engine and an implementation such as {@code router-redis}'s {@code RedisSharedState}. The core
 * depends on no client library; {@code LlmRouter.builder(config).sharedState(...)} takes an instance, and a
 * config that names Redis finds one through {@link SharedStateProvider} ({@link java.util.ServiceLoader}).
 *
 * <p>Implementations are thread-safe, never fail a request because the shared backend is unavailable (they
 * fall back to local state) and never put a secret in a message.
 */
public interface SharedState extends AutoCloseable {

  /**
   * The factory of the deployments' states.
   *
   * @param localStore the router's own store: daily counters and cooldowns of the local fallback
   * @param clock the router's clock: every window and deadline is computed on it, never on the backend's
   */
  DeploymentStateFactory deploymentStates(StateStore localStore, Clock clock);

  /** Whether the shared backend answers now, for {@code /health/readiness} and the {@code health} command. */
  Status status();

  /** Releases the connection. Idempotent. */
  @Override
  void close();

  /**
   * A readiness answer.
   *
   * @param backend what is shared through, e.g. {@code redis 127.0.0.1:6379} (never a password)
   * @param connected true when the backend answered its last command in time
   * @param detail why not, or null when connected
   */
  record Status(String backend, boolean connected, String detail) {}
}
