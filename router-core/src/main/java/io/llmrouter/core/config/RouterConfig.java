package io.llmrouter.core.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A whole, validated router configuration. Produced by {@code LiteLlmConfigReader} from a LiteLLM
 * {@code config.yaml} or by {@link RouterConfigBuilder}; both produce the same thing and run the same
 * validation. Immutable.
 *
 * @param deployments every deployment, in file order
 * @param router {@code router_settings}
 * @param general {@code general_settings}
 * @param litellm {@code litellm_settings}
 */
public record RouterConfig(
    List<DeploymentConfig> deployments, RouterSettings router, GeneralSettings general, LitellmSettings litellm) {

  public RouterConfig {
    deployments = List.copyOf(deployments);
  }

  /** Starts a fluent builder. */
  public static RouterConfigBuilder builder() {
    return new RouterConfigBuilder();
  }

  /** The distinct model group names, in first-appearance order. */
  public List<String> modelNames() {
    LinkedHashSet<String> names = new LinkedHashSet<>();
    for (DeploymentConfig d : deployments) names.add(d.modelName());
    return new ArrayList<>(names);
  }

  /**
   * The effective retry count, LiteLLM's precedence ({@code num_retries or litellm.num_retries}):
   * {@code router_settings.num_retries} when given, else {@code litellm_settings.num_retries}. The reader
   * already folds the latter into {@link RouterSettings#numRetries()} when the former is absent.
   */
  public int effectiveNumRetries() {
    return router.numRetries();
  }
}
