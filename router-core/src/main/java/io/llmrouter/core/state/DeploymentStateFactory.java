package io.llmrouter.core.state;

import io.llmrouter.core.config.DeploymentConfig;

/**
 * Creates the {@link DeploymentState} of each deployment when the router starts. The default,
 * {@link #inMemory(StateStore)}, keeps windows and breakers in this process and cooldown deadlines and
 * daily counters in the given {@link StateStore} (so a file store carries them across restarts).
 */
@FunctionalInterface
public interface DeploymentStateFactory {

  /** The state of {@code deployment}, restored from wherever this factory keeps it. */
  DeploymentState create(DeploymentConfig deployment);

  /** In-process state over {@code store}. */
  static DeploymentStateFactory inMemory(StateStore store) {
    return d -> new InMemoryDeploymentState(d.id(), d.rpm(), d.tpm(), store);
  }
}
