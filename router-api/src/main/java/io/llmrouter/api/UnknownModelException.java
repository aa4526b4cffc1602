package io.llmrouter.api;

import java.util.List;

/** The request named a model group the configuration does not have. Lists the known ones. */
public class UnknownModelException extends LlmRouterException {
  private final String model;
  private final List<String> knownModels;

  public UnknownModelException(String model, List<String> knownModels) {
    super("Unknown model '" + model + "'. Known models: " + String.join(", ", knownModels), false);
    this.model = model;
    this.knownModels = List.copyOf(knownModels);
  }

  /** The model the request named. */
  public String model() {
    return model;
  }

  /** The configured model groups, in configuration order. */
  public List<String> knownModels() {
    return knownModels;
  }
}
