package io.llmrouter.api;

/**
 * A configuration is invalid. The message names the key path ({@code router_settings.fallbacks[2]}) and
 * what was expected; it never contains a secret's value.
 */
public class ConfigException extends LlmRouterException {
  private final String path;

  public ConfigException(String path, String message) {
    super(path == null || path.isEmpty() ? message : path + ": " + message, false);
    this.path = path;
  }

  /** The key path of the offending value, or an empty string for whole-file problems. */
  public String path() {
    return path == null ? "" : path;
  }
}
