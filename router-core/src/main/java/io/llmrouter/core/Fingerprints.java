package io.llmrouter.core;

import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.config.DeploymentConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Non-reversible fingerprints stored beside a cooldown so a restart can tell whether its cause was fixed:
 * the key a provider refused and the definition of a deployment whose model was not found. Each is the
 * first 16 hex digits (64 bits) of a SHA-256 over a fixed salt, the deployment id and the value: enough to
 * tell a changed key from the same one, useless for recovering a key, and different for the same key on
 * two deployments.
 */
final class Fingerprints {
  private static final String KEY_SALT = "llm-router/cooldown-key-fingerprint/v1";
  private static final String DEFINITION_SALT = "llm-router/cooldown-definition-fingerprint/v1";

  private Fingerprints() {}

  /** The fingerprint of {@code key} for deployment {@code id}; null when there is no key. */
  static String key(String id, Secret key) {
    return key == null ? null : hash(KEY_SALT, id, key.reveal());
  }

  /** The fingerprint of what the deployment calls: model, base URL, key source and extra parameters. */
  static String definition(DeploymentConfig d) {
    Map<String, String> extra = new TreeMap<>();
    d.extraParams().forEach((k, v) -> extra.put(k, String.valueOf(v)));
    return hash(DEFINITION_SALT, d.id(), d.modelName() + "\n" + d.model() + "\n" + d.apiBase() + "\n" + d.apiKey() + "\n" + extra);
  }

  private static String hash(String salt, String id, String value) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      md.update(id.getBytes(StandardCharsets.UTF_8));
      md.update((byte) 0);
      return HexFormat.of().formatHex(md.digest(value.getBytes(StandardCharsets.UTF_8)), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
