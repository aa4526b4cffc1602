package io.llmrouter.core.config;

import io.llmrouter.api.spi.Secret;
import java.util.Optional;
import java.util.function.Function;

/**
 * A credential as configured: a literal value, or the name of an environment variable
 * ({@code os.environ/GROQ_API_KEY}) resolved late, at the moment a deployment is used or health-checked,
 * so an unset variable stops only that deployment and is reported by name, never by value.
 *
 * @param envVar the variable name, or null for a literal
 * @param literal the literal value, or null when {@code envVar} is set
 */
public record SecretRef(String envVar, Secret literal) {

  /** A reference to an environment variable. */
  public static SecretRef env(String name) {
    return new SecretRef(name, null);
  }

  /** A literal credential. */
  public static SecretRef literal(String value) {
    return new SecretRef(null, Secret.of(value));
  }

  /** Resolves against {@code env} (environment plus {@code .env} file); empty when the variable is unset. */
  public Optional<Secret> resolve(Function<String, String> env) {
    if (envVar == null) return Optional.of(literal);
    String v = env.apply(envVar);
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(Secret.of(v));
  }

  @Override
  public String toString() {
    return envVar != null ? "os.environ/" + envVar : "****";
  }
}
