package io.llmrouter.core;

import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.Secret;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.EndpointResolver;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.core.config.SecretRef;
import io.llmrouter.core.state.DeploymentStateFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deployments and model groups of one configuration, and the only reader of the {@link Env}: it
 * resolves each deployment's base URL and extra headers once, and its key on first use (an unset one stops
 * only its deployment; a key set later arrives with a reload, which builds a new registry), all through one
 * {@link EndpointResolver} that tries every variable a dialect declares. Immutable after construction.
 */
final class DeploymentRegistry {
  private final EndpointResolver resolver;
  private final Map<String, ModelGroup> groups;
  private final List<ModelGroup> groupList;
  private final List<Deployment> deployments;

  DeploymentRegistry(RouterConfig config, Env env, ProviderClient client, DeploymentStateFactory states) {
    this(config, env, client, states, null);
  }

  /**
   * As {@link #DeploymentRegistry(RouterConfig, Env, ProviderClient, DeploymentStateFactory)}, reusing from
   * {@code previous} (a reload) every deployment whose definition did not change: the same id, an equal
   * {@link DeploymentConfig} and the same resolved base URL and extra headers. A reused deployment keeps its
   * whole state (windows, quotas, cooldown, health, latency, in-flight count and parallel permits, which
   * requests still running on the previous configuration share); any other one starts fresh.
   */
  DeploymentRegistry(RouterConfig config, Env env, ProviderClient client, DeploymentStateFactory states, DeploymentRegistry previous) {
    this.resolver = new EndpointResolver(env);
    Map<String, Deployment> before = new HashMap<>();
    if (previous != null) for (Deployment d : previous.deployments) before.put(d.id, d);
    Map<String, List<Deployment>> byGroup = new LinkedHashMap<>();
    List<Deployment> all = new ArrayList<>();
    for (DeploymentConfig dc : config.deployments()) {
      Deployment d = reusable(before.get(dc.id()), dc, client);
      if (d == null) d = newDeployment(dc, client, states);
      all.add(d);
      byGroup.computeIfAbsent(dc.modelName(), k -> new ArrayList<>()).add(d);
    }
    Map<String, ModelGroup> gm = new HashMap<>();
    List<ModelGroup> gl = new ArrayList<>();
    byGroup.forEach((name, ds) -> {
      ModelGroup g = new ModelGroup(name, ds);
      gm.put(name, g);
      gl.add(g);
    });
    this.groups = Map.copyOf(gm);
    this.groupList = List.copyOf(gl);
    this.deployments = List.copyOf(all);
  }

  private Deployment reusable(Deployment old, DeploymentConfig dc, ProviderClient client) {
    if (old == null || !old.config.equals(dc)) return null;
    ProviderInfo info;
    try {
      info = client.info(dc.provider());
    } catch (RuntimeException e) {
      info = null;
    }
    // The same config may resolve differently after a .env change (an api_base variable, a header secret).
    if (!java.util.Objects.equals(resolver.apiBase(info, dc.apiBase()), old.effectiveApiBase)) return null;
    if (!extraHeaders(dc).equals(old.extraHeaders)) return null;
    return old;
  }

  private Map<String, String> extraHeaders(DeploymentConfig dc) {
    Map<String, String> headers = new LinkedHashMap<>();
    Object eh = dc.extraParams().get("extra_headers");
    if (eh instanceof Map<?, ?> m) {
      m.forEach((k, v) -> {
        // A header such as an api-key given as os.environ/NAME arrives as a SecretRef: send its value, never the reference.
        String value = v instanceof SecretRef ref ? ref.resolve(resolver.env()).map(Secret::reveal).orElse(null) : String.valueOf(v);
        if (value != null) headers.put(String.valueOf(k), value);
      });
    }
    return Map.copyOf(headers);
  }

  private Deployment newDeployment(DeploymentConfig dc, ProviderClient client, DeploymentStateFactory states) {
    ProviderInfo info = null;
    String noDialect = null;
    try {
      info = client.info(dc.provider());
    } catch (RuntimeException e) {
      noDialect = "no provider dialect for '" + dc.provider() + "'";
    }
    String base = resolver.apiBase(info, dc.apiBase());
    return new Deployment(dc, info, noDialect, base, extraHeaders(dc), states.create(dc));
  }

  /** The group named {@code name}, or null. */
  ModelGroup group(String name) {
    return groups.get(name);
  }

  boolean has(String name) {
    return groups.containsKey(name);
  }

  List<ModelGroup> groups() {
    return groupList;
  }

  List<Deployment> deployments() {
    return deployments;
  }

  /** The unset key variable(s) of {@code d} ("A" or "A or B"), or null when it has what it needs. */
  String keyMissing(Deployment d) {
    return resolver.missingKey(d.info, d.config.apiKey());
  }

  /**
   * The key to send now, or null when none is configured or set. Resolved once per deployment and registry:
   * an {@link Env} is immutable (its layers are copied when it is built, and the process environment does
   * not change under a running JVM), so every later read would give the same answer; a changed key or
   * {@code .env} file arrives with a reload, which builds a new registry that resolves again.
   */
  Secret key(Deployment d) {
    Resolved r = d.resolved;
    if (r != null && r.owner == resolver) return r.key;
    return resolve(d).key;
  }

  /** Where and how to call {@code d}: the client receives everything resolved and reads no environment. */
  Endpoint endpoint(Deployment d, Secret key) {
    // The usual case: the key admission resolved is the one cached with its endpoint (one object per deployment).
    Resolved r = d.resolved;
    if (r == null || r.owner != resolver) r = resolve(d);
    if (r.key == key) return r.endpoint;
    return new Endpoint(d.id, d.config.provider(), d.config.providerModel(), d.effectiveApiBase, key, d.extraHeaders);
  }

  private Resolved resolve(Deployment d) {
    Secret key = resolver.apiKey(d.info, d.config.apiKey()).orElse(null);
    Resolved r = new Resolved(resolver, key,
        new Endpoint(d.id, d.config.provider(), d.config.providerModel(), d.effectiveApiBase, key, d.extraHeaders));
    d.resolved = r;
    return r;
  }

  /**
   * A deployment's key and endpoint as {@code owner} (one registry's resolver, which holds only its Env)
   * resolved them; immutable. Tagged with the resolver rather than the registry, so a deployment a reload
   * kept and nobody called since holds no retired registry (and through it older deployments) in memory.
   */
  static final class Resolved {
    final EndpointResolver owner;
    final Secret key;
    final Endpoint endpoint;

    Resolved(EndpointResolver owner, Secret key, Endpoint endpoint) {
      this.owner = owner;
      this.key = key;
      this.endpoint = endpoint;
    }
  }

  /**
   * Epoch ms at which {@code d} would admit a request of {@code estTokens}: {@code now} when it would now,
   * {@link Long#MAX_VALUE} when waiting cannot help (no dialect, no key).
   */
  long availableAt(Deployment d, long now, long estTokens) {
    if (d.noDialect != null || keyMissing(d) != null) return Long.MAX_VALUE;
    return d.state.availableAt(now, estTokens);
  }

  /** {@link #availableAt(Deployment, long, long)} for {@code rs}, weighed as its admission weighs it. */
  long availableAt(Deployment d, long now, RequestState rs) {
    if (d.noDialect != null || keyMissing(d) != null) return Long.MAX_VALUE;
    return d.state.availableAt(now, rs.promptTokens, rs.completionCap(), rs.tools);
  }
}
