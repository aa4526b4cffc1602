package io.llmrouter.api.spi;

import java.util.Objects;

/**
 * An API key or other credential. {@link #toString()} never shows the value, so a secret can sit in a
 * record, a log line or an exception message without leaking; only {@link #reveal()} returns it, at the
 * moment a request header is written.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = Objects.requireNonNull(value, "value");
  }

  /** Wraps a credential value. */
  public static Secret of(String value) {
    return new Secret(value);
  }

  /** Returns the credential itself. Call only where it is sent, never to log or print. */
  public String reveal() {
    return value;
  }

  /** True for an empty value or a placeholder such as LiteLLM's {@code none} for keyless local servers. */
  public boolean isPlaceholder() {
    return value.isBlank() || value.equalsIgnoreCase("none");
  }

  @Override
  public String toString() {
    return "Secret[****]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && java.security.MessageDigest.isEqual(
        s.value.getBytes(java.nio.charset.StandardCharsets.UTF_8), value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }
}
