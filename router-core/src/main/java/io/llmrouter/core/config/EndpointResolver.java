package io.llmrouter.core.config;

import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.Secret;
import java.util.List;
import java.util.Optional;

/**
 * Turns what a deployment configures and what its provider's dialect declares into the base URL and the
 * key the provider client is given, reading the {@link Env}. It is the one place that decides which
 * environment variable supplies a deployment's base URL or key: every name a dialect declares is tried in
 * order (aliases included: {@code HUGGINGFACE_API_KEY} then {@code HF_TOKEN}), so the engine, the health
 * check and the catalog agree, and the provider client reads no environment at all.
 *
 * <p>Immutable and thread-safe. Never puts a value it reads into a message: only variable names.
 */
public final class EndpointResolver {
  private final Env env;

  /** A resolver over {@code env}. */
  public EndpointResolver(Env env) {
    this.env = java.util.Objects.requireNonNull(env, "env");
  }

  /** The environment this resolver reads. */
  public Env env() {
    return env;
  }

  /**
   * The base URL: the deployment's own {@code api_base}, else the first set variable of
   * {@link ProviderInfo#apiBaseEnvs()}, else the dialect's default (its {@code ${NAME}} placeholders filled
   * from the environment). Trailing slashes are removed.
   *
   * @param info the provider's dialect facts, or null when no dialect is known
   * @param configured the deployment's {@code api_base}, or null
   * @return the base URL, or null when there is none (the provider needs {@code api_base})
   */
  public String apiBase(ProviderInfo info, String configured) {
    String base = nonBlank(configured);
    if (base == null && info != null) {
      base = firstSet(info.apiBaseEnvs());
      if (base == null) base = nonBlank(info.defaultApiBase(env));
    }
    if (base == null) return null;
    base = base.strip();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return base;
  }

  /**
   * The key: the configured one ({@code os.environ/NAME} or a literal), else the first set variable of
   * {@link ProviderInfo#apiKeyEnvs()}.
   *
   * @return the key, or empty when none is configured or set
   */
  public Optional<Secret> apiKey(ProviderInfo info, SecretRef configured) {
    if (configured != null) return configured.resolve(env);
    if (info == null) return Optional.empty();
    String v = firstSet(info.apiKeyEnvs());
    return v == null ? Optional.empty() : Optional.of(Secret.of(v));
  }

  /**
   * The name of the variable {@link #apiKey} takes the key from when nothing is configured: the first set one
   * of {@link ProviderInfo#apiKeyEnvs()} (a name, never its value), or null when none is set.
   */
  public String apiKeyEnv(ProviderInfo info) {
    if (info == null) return null;
    for (String n : info.apiKeyEnvs()) {
      if (nonBlank(env.get(n)) != null) return n;
    }
    return null;
  }

  /**
   * Which variable the deployment is waiting for, when it needs a key and none is set.
   *
   * @return null when a key is present or none is needed; else the variable names, as "A" or "A or B"
   */
  public String missingKey(ProviderInfo info, SecretRef configured) {
    if (configured != null) {
      // Admission asks this on every request: read the variable, build no Secret.
      if (configured.envVar() == null) return null;
      String v = env.get(configured.envVar());
      return v == null || v.isEmpty() ? configured.envVar() : null;
    }
    if (info == null || !info.keyRequired() || info.apiKeyEnvs().isEmpty()) return null;
    return firstSet(info.apiKeyEnvs()) != null ? null : String.join(" or ", info.apiKeyEnvs());
  }

  private String firstSet(List<String> names) {
    for (String n : names) {
      String v = nonBlank(env.get(n));
      if (v != null) return v;
    }
    return null;
  }

  private static String nonBlank(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
