package io.llmrouter.api;

import java.util.Locale;

/**
 * How a health check probes a deployment ({@code general_settings.health_check_mode}).
 */
public enum HealthCheckMode {
  /**
   * The cheap probe (the default): the provider's model listing, no tokens spent; a one-token completion
   * only when the provider has no listing endpoint. It cannot see a model that is listed but unusable
   * (NVIDIA NIM's "Not found for account", a spent daily quota, OpenRouter's 401 "User not found").
   */
  LIST,
  /**
   * A real chat completion with {@code max_tokens: 1} per deployment, as LiteLLM's {@code /health} does:
   * it costs one request (and a few tokens) of the deployment's quota, and fails whenever a request would.
   */
  CHAT;

  /** The name used in configuration and on the command line: {@code list} or {@code chat}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a configuration name ({@code list}, {@code chat}; case-insensitive).
   *
   * @return the mode, or null when {@code name} is none of them
   */
  public static HealthCheckMode fromConfigName(String name) {
    if (name == null) return null;
    for (HealthCheckMode m : values()) if (m.configName().equalsIgnoreCase(name.trim())) return m;
    return null;
  }

  /** The allowed configuration names, for messages: {@code list, chat}. */
  public static String allowedNames() {
    StringBuilder b = new StringBuilder();
    for (HealthCheckMode m : values()) b.append(b.length() == 0 ? "" : ", ").append(m.configName());
    return b.toString();
  }
}
