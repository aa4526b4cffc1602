package io.llmrouter.core.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/** Gives every deployment a stable id: {@code model_info.id} when set, else a hash of what identifies it. */
final class DeploymentIds {
  private DeploymentIds() {}

  static List<DeploymentConfig> assign(List<DeploymentConfig> in) {
    List<DeploymentConfig> out = new ArrayList<>(in.size());
    Set<String> used = new HashSet<>();
    for (DeploymentConfig d : in) {
      String id = d.id() != null ? d.id() : derive(d);
      String unique = id;
      for (int n = 2; !used.add(unique); n++) unique = id + "-" + n;
      out.add(unique.equals(d.id()) ? d : withId(d, unique));
    }
    return out;
  }

  // Stable across restarts so persisted cooldowns and counters find their deployment again.
  private static String derive(DeploymentConfig d) {
    String key = d.modelName() + "|" + d.model() + "|" + (d.apiBase() == null ? "" : d.apiBase());
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DeploymentConfig withId(DeploymentConfig d, String id) {
    return new DeploymentConfig(d.modelName(), d.model(), d.provider(), d.providerModel(), d.apiBase(), d.apiKey(),
        d.rpm(), d.tpm(), d.weight(), d.order(), d.timeout(), d.maxParallelRequests(), id, d.description(),
        d.maxInputTokens(), d.extraParams(), d.mode());
  }
}
