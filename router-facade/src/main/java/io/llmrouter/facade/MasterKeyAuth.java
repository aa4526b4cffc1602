package io.llmrouter.facade;

import io.llmrouter.api.spi.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * Checks the caller's key against the master key in constant time. Both sides are hashed first, so
 * neither the content nor the length of the key leaks through response timing. Thread-safe.
 */
final class MasterKeyAuth {
  private final byte[] expectedDigest;

  /** @param masterKey the key to require, or null to let everyone in */
  MasterKeyAuth(Secret masterKey) {
    this.expectedDigest = masterKey == null ? null : sha256(masterKey.reveal());
  }

  /** True when no key is configured. */
  boolean open() {
    return expectedDigest == null;
  }

  /**
   * True when the key is not required or one of the presented headers carries it.
   *
   * @param authorization the {@code Authorization} header, or null ({@code Bearer <key>}, any case)
   * @param apiKey the {@code x-api-key} header, or null
   */
  boolean accepts(String authorization, String apiKey) {
    if (expectedDigest == null) return true;
    boolean ok = false;
    String bearer = bearerToken(authorization);
    // Evaluate both without short-circuit so the work done does not depend on which header matched.
    if (bearer != null) ok |= MessageDigest.isEqual(expectedDigest, sha256(bearer));
    if (apiKey != null) ok |= MessageDigest.isEqual(expectedDigest, sha256(apiKey.strip()));
    return ok;
  }

  private static String bearerToken(String authorization) {
    if (authorization == null) return null;
    String v = authorization.strip();
    if (v.length() > 7 && v.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) return v.substring(7).strip();
    return null;
  }

  // One digest per thread: MessageDigest.getInstance looks the provider up on every call, which cost more
  // than the hashing itself on the request path (JFR, issue 14). digest() resets it for the next use.
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  });

  private static byte[] sha256(String s) {
    return SHA256.get().digest(s.getBytes(StandardCharsets.UTF_8));
  }
}
