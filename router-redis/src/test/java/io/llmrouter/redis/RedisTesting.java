package io.llmrouter.redis;

import io.llmrouter.core.config.DeploymentBuilder;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.RouterConfig;
import java.time.Duration;

/** Helpers of the router-redis tests. */
final class RedisTesting {
  private RedisTesting() {}

  /** Waits (bounded) until the shared state joined Redis: infrastructure, never a rate window. */
  static void awaitJoined(RedisSharedState s, long joins) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (s.joins() < joins) {
      if (System.nanoTime() > deadline) throw new AssertionError("shared state never re-joined (joins " + s.joins() + ")");
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static void awaitConnected(RedisSharedState s, boolean connected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (s.connected() != connected) {
      if (System.nanoTime() > deadline) throw new AssertionError("shared state never became " + (connected ? "connected" : "apart"));
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static DeploymentConfig deployment(String id, Integer rpm, Long tpm) {
    DeploymentBuilder b = DeploymentBuilder.of("group", "groq/llama-3.1-8b-instant").id(id);
    if (rpm != null) b.rpm(rpm);
    if (tpm != null) b.tpm(tpm);
    return RouterConfig.builder().deployment(b).build().deployments().get(0);
  }

  static RedisSharedState shared(String url, int instances, String prefix) {
    return RedisSharedState.builder(url).expectedInstances(instances).keyPrefix(prefix)
        .commandTimeout(Duration.ofSeconds(1)).retryInterval(Duration.ofMillis(50)).build();
  }
}
