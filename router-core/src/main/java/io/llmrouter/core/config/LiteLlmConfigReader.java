package io.llmrouter.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.llmrouter.api.ConfigException;
import io.llmrouter.api.HealthCheckMode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads a LiteLLM proxy {@code config.yaml} into a validated {@link RouterConfig}, the same value
 * {@link RouterConfigBuilder} produces for the same settings, checked by the same {@link ConfigValidator}.
 *
 * <p>What it honours: {@code model_list[]} ({@code model_name}; {@code litellm_params} {@code model},
 * {@code api_base}, {@code api_key}, {@code rpm}, {@code tpm}, {@code weight}, {@code order}, {@code timeout},
 * {@code max_parallel_requests}, every other param kept in {@link DeploymentConfig#extraParams()};
 * {@code model_info} {@code id}, {@code description}, {@code max_input_tokens}), {@code router_settings},
 * {@code general_settings}, {@code litellm_settings} (including the router settings LiteLLM also reads from
 * there: {@code fallbacks}, {@code default_fallbacks}, {@code context_window_fallbacks},
 * {@code content_policy_fallbacks}, {@code allowed_fails}, {@code num_retries}; {@code router_settings} wins
 * when both give one) and {@code environment_variables}.
 *
 * <p>Values:
 * <ul>
 *   <li>{@code os.environ/NAME} works in any string value and is typed by the key it sits under
 *       ({@code rpm: os.environ/GROQ_RPM} gives an integer). {@code api_key}, {@code master_key} and any
 *       other secret-named param ({@code *_key}, {@code *secret*}, {@code *password*}, {@code *token},
 *       {@code authorization}, {@code *credentials*}) become a {@link SecretRef} resolved late, so an unset key
 *       variable stops only the deployment that needs it. Any other unset variable fails the load, naming the
 *       key path and the variable. Values read from the environment never appear in a message.</li>
 *   <li>Durations are numbers of seconds; fractions are allowed.</li>
 *   <li>Fallbacks are LiteLLM's list of single-key maps, {@code - {"a": ["b", "c"]}}; order is kept.</li>
 * </ul>
 *
 * <p>Errors are {@link ConfigException}s whose path is the offending key
 * ({@code model_list[3].litellm_params.rpm: expected an integer, got "abc"}); malformed YAML reports line
 * and column; a known key in the wrong section names the section it belongs in
 * ({@code router_settings.enable_health_check_routing: belongs in general_settings}); a key given twice in one
 * mapping is an error, because YAML would silently keep only the last. Other keys are ignored, and each is
 * reported once, at WARN and in {@link LoadedConfig#warnings()}, with its path: a LiteLLM setting this library
 * does not implement ({@code litellm_settings.callbacks: LiteLLM setting not implemented by llm-router;
 * ignored}) or an unknown key with the nearest known one ({@code router_settings.num_retires: unknown key;
 * did you mean num_retries?}). Reports never hold a value. Keys under {@code model_info} are free-form
 * metadata in LiteLLM and are logged at debug only.
 *
 * <p>Stateless and thread-safe.
 */
public final class LiteLlmConfigReader {
  private static final Logger LOG = LoggerFactory.getLogger(LiteLlmConfigReader.class);
  private static final String ENV_PREFIX = "os.environ/";
  private static final Pattern VAR_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.\\-]*");
  private static final Pattern INTEGER = Pattern.compile("[-+]?\\d+");
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(1_000_000_000_000L);
  private static final BigDecimal NANO = new BigDecimal("1e-9");
  private static final BigDecimal ONE_BYTE_IN_MIB = BigDecimal.ONE.divide(BigDecimal.valueOf(1024L * 1024));
  private static final Pattern DECIMAL = Pattern.compile("[-+]?(\\d+\\.\\d*|\\.\\d+|\\d+)([eE][-+]?\\d+)?");

  private static final YAMLMapper MAPPER = YAMLMapper.builder(YAMLFactory.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
      .build();

  private static final String ROUTER = "router_settings";
  private static final String GENERAL = "general_settings";
  private static final String LITELLM = "litellm_settings";

  // Keys each section actually uses here. A key outside this set but in HOME belongs elsewhere.
  private static final Set<String> ROUTER_KEYS = Set.of("routing_strategy", "num_retries", "retry_after",
      "allowed_fails", "cooldown_time", "fallbacks", "default_fallbacks", "context_window_fallbacks",
      "content_policy_fallbacks", "retry_policy", "allowed_fails_policy", "enable_pre_call_checks", "max_fallbacks",
      "timeout", "set_verbose", "redis_url", "redis_host", "redis_port", "redis_password", "redis_expected_instances",
      "redis_key_prefix", "redis_timeout");
  private static final Set<String> GENERAL_KEYS = Set.of("master_key", "background_health_checks",
      "health_check_interval", "enable_health_check_routing", "health_check_mode", "max_response_size_mb");
  private static final Set<String> LITELLM_KEYS = Set.of("drop_params", "request_timeout", "num_retries",
      "set_verbose", "fallbacks", "default_fallbacks", "context_window_fallbacks", "content_policy_fallbacks",
      "allowed_fails");
  // Router settings LiteLLM also takes from litellm_settings (Router.__init__: `x or litellm.x`).
  private static final List<String> ROUTER_FROM_LITELLM = List.of("fallbacks", "default_fallbacks",
      "context_window_fallbacks", "content_policy_fallbacks", "allowed_fails", "num_retries");
  private static final Map<String, String> HOME = home();

  private static final List<String> TOP_KEYS = List.of("model_list", ROUTER, GENERAL, LITELLM, "environment_variables");
  private static final Set<String> ENTRY_KEYS = Set.of("model_name", "litellm_params", "model_info", "rpm", "tpm");

  private static final Set<String> LITELLM_PARAMS_KEYS = Set.of("model", "api_base", "api_key", "rpm", "tpm",
      "weight", "order", "timeout", "max_parallel_requests");

  private LiteLlmConfigReader() {}

  private static Map<String, String> home() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String k : GENERAL_KEYS) m.put(k, GENERAL);
    for (String k : ROUTER_KEYS) m.put(k, ROUTER);
    m.remove("timeout"); // also a litellm_params / litellm_settings name; too ambiguous to redirect
    m.put("drop_params", LITELLM);
    m.put("request_timeout", LITELLM);
    m.put("set_verbose", LITELLM);
    return Collections.unmodifiableMap(m);
  }

  /**
   * Loads {@code configYaml} against the process environment. When {@code envFileOrNull} is null and a
   * {@code .env} file exists beside the config, that file is read; process variables win over it.
   *
   * @param configYaml the LiteLLM {@code config.yaml}
   * @param envFileOrNull a {@code .env} file to read, or null for the one beside the config (if any)
   * @return the validated configuration, its environment and source
   * @throws ConfigException when a file cannot be read or the configuration is invalid (the path names the key)
   */
  public static LoadedConfig load(Path configYaml, Path envFileOrNull) {
    return load(configYaml, envFileOrNull, Env.system());
  }

  /**
   * As {@link #load(Path, Path)}, with {@code processEnv} standing in for the process environment (tests,
   * applications that manage their own variables).
   *
   * @throws ConfigException when a file cannot be read or the configuration is invalid
   */
  public static LoadedConfig load(Path configYaml, Path envFileOrNull, Env processEnv) {
    String yaml;
    try {
      yaml = Files.readString(configYaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(configYaml.toString(), "cannot read config file (" + e.getClass().getSimpleName() + ")");
    }
    Env env = processEnv;
    if (envFileOrNull != null) {
      env = env.withDotEnv(envFileOrNull);
    } else {
      Path beside = configYaml.toAbsolutePath().resolveSibling(".env");
      if (Files.isRegularFile(beside)) env = env.withDotEnv(beside);
    }
    LoadedConfig read = read(yaml, env);
    return new LoadedConfig(read.config(), read.env(), configYaml, read.warnings());
  }

  /**
   * Parses a LiteLLM config given as text, resolving {@code os.environ/} against {@code env}.
   *
   * @return the validated configuration and its environment; {@code source} is null
   * @throws ConfigException when the configuration is invalid (the path names the key)
   */
  public static LoadedConfig parse(String yaml, Env env) {
    return read(yaml, env);
  }

  private static LoadedConfig read(String yaml, Env env) {
    JsonNode root;
    try {
      root = MAPPER.readTree(yaml);
    } catch (JacksonException e) {
      throw malformed(e);
    }
    if (root == null || root.isMissingNode() || root.isNull())
      throw new ConfigException("", "the configuration is empty; expected a mapping with model_list");
    if (!root.isObject())
      throw new ConfigException("", "expected a mapping at the top level (model_list, router_settings, ...), got " + kind(root));
    LoadedConfig read = new Reading(env).read(root);
    for (String w : read.warnings()) LOG.warn("config: {}", w);
    return read;
  }

  // SnakeYAML's own message embeds a snippet of the offending line, which could hold a literal key;
  // report only its problem text and position.
  private static ConfigException malformed(JacksonException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof MarkedYAMLException m) {
        Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        String where = mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
        String what = m.getProblem() != null ? m.getProblem() : "syntax error";
        if (m.getContext() != null) what = m.getContext() + ": " + what;
        return new ConfigException("", "malformed YAML" + where + ": " + what);
      }
    }
    JsonLocation loc = e.getLocation();
    String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
    String what = e.getOriginalMessage();
    // Jackson's duplicate-key message names only the key: safe to show.
    return new ConfigException("", "malformed YAML" + where + ": " + (what == null ? "syntax error" : what));
  }

  private static String kind(JsonNode n) {
    if (n.isObject()) return "a mapping";
    if (n.isArray()) return "a list";
    if (n.isTextual()) return "a string";
    if (n.isBoolean()) return "a boolean";
    if (n.isNumber()) return "a number";
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** True for param names that carry credentials, so their values stay {@link SecretRef}s. */
  static boolean secretName(String key) {
    String k = key.toLowerCase(Locale.ROOT).replace('-', '_');
    for (String part : k.split("_")) {
      if (part.equals("key") || part.equals("token") || part.equals("authorization") || part.equals("apikey")
          || part.contains("secret") || part.contains("password") || part.contains("passwd")
          || part.startsWith("credential")) return true;
    }
    return false;
  }

  /** One value after {@code os.environ/} resolution; {@code var} names the variable it came from, if any. */
  private record Value(JsonNode node, String var) {
    String describe() {
      if (var != null) return "the value of " + ENV_PREFIX + var;
      if (node.isTextual()) {
        String t = node.textValue();
        return "\"" + (t.length() > 60 ? t.substring(0, 57) + "..." : t) + "\"";
      }
      if (node.isNumber() || node.isBoolean()) return node.asText();
      return kind(node);
    }

    boolean isText() {
      return node.isTextual();
    }

    String text() {
      return node.textValue().strip();
    }
  }

  /** The state of one read: the environment, which grows by {@code environment_variables}. */
  private static final class Reading {
    private Env env;
    private final List<String> warnings = new ArrayList<>();

    Reading(Env env) {
      this.env = env;
    }

    LoadedConfig read(JsonNode root) {
      JsonNode envVars = root.get("environment_variables");
      if (envVars != null && !envVars.isNull()) env = env.withOverrides(environmentVariables(envVars));

      RouterConfigBuilder b = RouterConfig.builder();
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        switch (k) {
          case "model_list", ROUTER, GENERAL, LITELLM, "environment_variables" -> { }
          case "include" -> throw new ConfigException("include",
              "not supported; copy the included files' model_list entries and settings into this file");
          default -> {
            if (HOME.containsKey(k)) throw new ConfigException(k, "belongs in " + HOME.get(k));
            warnings.add(IgnoredKeys.report(k, k, TOP_KEYS, IgnoredKeys.TOP));
          }
        }
      }
      JsonNode models = root.get("model_list");
      if (models == null || models.isNull()) throw new ConfigException("model_list", "missing; expected a list of models");
      if (!models.isArray()) throw new ConfigException("model_list", "expected a list of models, got " + kind(models));
      for (int i = 0; i < models.size(); i++) b.deployment(deployment(models.get(i), "model_list[" + i + "]"));

      Map<String, JsonNode> router = section(root, ROUTER, ROUTER_KEYS, IgnoredKeys.ROUTER);
      Map<String, JsonNode> general = section(root, GENERAL, GENERAL_KEYS, IgnoredKeys.GENERAL);
      Map<String, JsonNode> litellm = section(root, LITELLM, LITELLM_KEYS, IgnoredKeys.LITELLM);
      routerSettings(b, router, litellm);
      b.general(generalSettings(general));
      b.litellm(litellmSettings(b, router, litellm));
      return new LoadedConfig(b.build(), env, null, warnings);
    }

    private Map<String, String> environmentVariables(JsonNode node) {
      if (!node.isObject()) throw new ConfigException("environment_variables", "expected a mapping of NAME: value, got " + kind(node));
      Map<String, String> out = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> {
        String p = "environment_variables." + e.getKey();
        Value v = value(p, e.getValue());
        if (v == null) return;
        if (!v.node().isValueNode()) throw new ConfigException(p, "expected a string, got " + v.describe());
        out.put(e.getKey(), v.node().asText());
      });
      return out;
    }

    /** The section's keys in file order; a key known to belong elsewhere is an error, others are reported. */
    private Map<String, JsonNode> section(JsonNode root, String name, Set<String> used, Set<String> notImplemented) {
      JsonNode node = root.get(name);
      if (node == null || node.isNull()) return Map.of();
      if (!node.isObject()) throw new ConfigException(name, "expected a mapping, got " + kind(node));
      Map<String, JsonNode> out = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> {
        String k = e.getKey();
        if (used.contains(k)) {
          if (!e.getValue().isNull()) out.put(k, e.getValue());
        } else if (HOME.containsKey(k)) {
          throw new ConfigException(name + "." + k, "belongs in " + HOME.get(k));
        } else {
          warnings.add(IgnoredKeys.report(name + "." + k, k, used, notImplemented));
        }
      });
      return out;
    }

    // ---------------------------------------------------------------- model_list

    private DeploymentBuilder deployment(JsonNode entry, String p) {
      if (entry == null || !entry.isObject())
        throw new ConfigException(p, "expected a mapping with model_name and litellm_params, got " + (entry == null ? "nothing" : kind(entry)));
      String modelName = string(p + ".model_name", entry.get("model_name"));
      JsonNode params = entry.get("litellm_params");
      if (params == null || params.isNull())
        throw new ConfigException(p + ".litellm_params", "missing; expected a mapping with at least \"model\"");
      if (!params.isObject()) throw new ConfigException(p + ".litellm_params", "expected a mapping, got " + kind(params));
      JsonNode info = entry.get("model_info");
      if (info != null && !info.isNull() && !info.isObject())
        throw new ConfigException(p + ".model_info", "expected a mapping, got " + kind(info));
      if (info == null || info.isNull()) info = MAPPER.createObjectNode();
      entry.fieldNames().forEachRemaining(k -> {
        if (!ENTRY_KEYS.contains(k)) warnings.add(IgnoredKeys.report(p + "." + k, k, ENTRY_KEYS, IgnoredKeys.MODEL_ENTRY));
      });

      String lp = p + ".litellm_params";
      DeploymentBuilder d = DeploymentBuilder.of(modelName, string(lp + ".model", params.get("model")));
      String apiBase = string(lp + ".api_base", params.get("api_base"));
      if (apiBase != null) d.apiBase(apiBase);
      SecretRef key = secret(lp + ".api_key", params.get("api_key"));
      if (key != null) d.apiKey(key);
      // LiteLLM also reads rpm/tpm from the entry itself and from model_info; litellm_params wins.
      Integer rpm = firstInt(new String[] {lp + ".rpm", p + ".rpm", p + ".model_info.rpm"},
          params.get("rpm"), entry.get("rpm"), info.get("rpm"));
      if (rpm != null) d.rpm(rpm);
      Long tpm = firstLong(new String[] {lp + ".tpm", p + ".tpm", p + ".model_info.tpm"},
          params.get("tpm"), entry.get("tpm"), info.get("tpm"));
      if (tpm != null) d.tpm(tpm);
      Double weight = number(lp + ".weight", params.get("weight"));
      if (weight != null) d.weight(weight);
      Integer order = integer(lp + ".order", params.get("order"));
      if (order != null) d.order(order);
      Duration timeout = seconds(lp + ".timeout", params.get("timeout"));
      if (timeout != null) d.timeout(timeout);
      Integer mpr = integer(lp + ".max_parallel_requests", params.get("max_parallel_requests"));
      if (mpr != null) d.maxParallelRequests(mpr);
      // LiteLLM's stream_timeout: a stream attempt's time to its first chunk. Kept with the other params,
      // checked here so a bad value names its key.
      Duration streamTimeout = seconds(lp + ".stream_timeout", params.get("stream_timeout"));
      if (streamTimeout != null) {
        if (streamTimeout.isZero() || streamTimeout.isNegative()) {
          throw new ConfigException(lp + ".stream_timeout", "expected a positive number of seconds, got " + streamTimeout.toMillis() / 1000.0);
        }
        d.extraParam("stream_timeout", streamTimeout.toNanos() / 1e9);
      }
      params.fields().forEachRemaining(e -> {
        if (LITELLM_PARAMS_KEYS.contains(e.getKey()) || e.getKey().equals("stream_timeout")) return;
        Object v = extra(lp + "." + e.getKey(), e.getKey(), e.getValue());
        if (v != null) d.extraParam(e.getKey(), v);
      });

      String mi = p + ".model_info";
      String id = string(mi + ".id", info.get("id"));
      if (id != null) d.id(id);
      String description = string(mi + ".description", info.get("description"));
      if (description != null) d.description(description);
      Integer window = integer(mi + ".max_input_tokens", info.get("max_input_tokens"));
      if (window != null) d.maxInputTokens(window);
      String mode = string(mi + ".mode", info.get("mode"));
      if (mode != null) d.mode(mode);
      info.fieldNames().forEachRemaining(k -> {
        if (!Set.of("id", "description", "max_input_tokens", "rpm", "tpm", "mode").contains(k))
          LOG.debug("{}.{}: not used by llm-router; ignored", mi, k);
      });
      return d;
    }

    private Integer firstInt(String[] paths, JsonNode... nodes) {
      for (int i = 0; i < nodes.length; i++) {
        Integer v = integer(paths[i], nodes[i]);
        if (v != null) return v;
      }
      return null;
    }

    private Long firstLong(String[] paths, JsonNode... nodes) {
      for (int i = 0; i < nodes.length; i++) {
        Long v = longInteger(paths[i], nodes[i]);
        if (v != null) return v;
      }
      return null;
    }

    /** Any other litellm_params value, as plain Java values, with os.environ/ resolved (secrets kept late). */
    private Object extra(String p, String key, JsonNode node) {
      if (node == null || node.isNull()) return null;
      if (node.isTextual() && secretName(key)) return secret(p, node);
      if (node.isObject()) {
        Map<String, Object> m = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
          Object v = extra(p + "." + e.getKey(), e.getKey(), e.getValue());
          if (v != null) m.put(e.getKey(), v);
        });
        return Collections.unmodifiableMap(m);
      }
      if (node.isArray()) {
        List<Object> l = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) l.add(extra(p + "[" + i + "]", key, node.get(i)));
        return Collections.unmodifiableList(l);
      }
      Value v = value(p, node);
      if (v.var() != null) return inferScalar(v.node().textValue());
      return scalar(v.node());
    }

    // ---------------------------------------------------------------- settings

    private void routerSettings(RouterConfigBuilder b, Map<String, JsonNode> router, Map<String, JsonNode> litellm) {
      Map<String, JsonNode> r = new LinkedHashMap<>(router);
      Map<String, String> paths = new LinkedHashMap<>();
      for (String k : r.keySet()) paths.put(k, ROUTER + "." + k);
      for (String k : ROUTER_FROM_LITELLM) {
        if (!r.containsKey(k) && litellm.containsKey(k)) {
          r.put(k, litellm.get(k));
          paths.put(k, LITELLM + "." + k);
          b.sourcePath(k, LITELLM + "." + k);
        }
      }
      String strategy = string(path(paths, "routing_strategy"), r.get("routing_strategy"));
      if (strategy != null) b.routingStrategy(strategy);
      Integer numRetries = integer(path(paths, "num_retries"), r.get("num_retries"));
      if (numRetries != null) b.numRetries(numRetries);
      Duration retryAfter = seconds(path(paths, "retry_after"), r.get("retry_after"));
      if (retryAfter != null) b.retryAfter(retryAfter);
      Integer allowedFails = integer(path(paths, "allowed_fails"), r.get("allowed_fails"));
      if (allowedFails != null) b.allowedFails(allowedFails);
      Duration cooldown = seconds(path(paths, "cooldown_time"), r.get("cooldown_time"));
      if (cooldown != null) b.cooldownTime(cooldown);
      chains(path(paths, "fallbacks"), r.get("fallbacks")).forEach((g, c) -> b.fallbacks(g, c.toArray(String[]::new)));
      chains(path(paths, "context_window_fallbacks"), r.get("context_window_fallbacks"))
          .forEach((g, c) -> b.contextWindowFallbacks(g, c.toArray(String[]::new)));
      chains(path(paths, "content_policy_fallbacks"), r.get("content_policy_fallbacks"))
          .forEach((g, c) -> b.contentPolicyFallbacks(g, c.toArray(String[]::new)));
      List<String> defaults = stringList(path(paths, "default_fallbacks"), r.get("default_fallbacks"));
      if (defaults != null) b.defaultFallbacks(defaults.toArray(String[]::new));
      policy(path(paths, "retry_policy"), r.get("retry_policy")).forEach(b::retryPolicy);
      policy(path(paths, "allowed_fails_policy"), r.get("allowed_fails_policy")).forEach(b::allowedFailsPolicy);
      Boolean preCall = bool(path(paths, "enable_pre_call_checks"), r.get("enable_pre_call_checks"));
      if (preCall != null) b.enablePreCallChecks(preCall);
      Integer maxFallbacks = integer(path(paths, "max_fallbacks"), r.get("max_fallbacks"));
      if (maxFallbacks != null) b.maxFallbacks(maxFallbacks);
      b.sharedState(sharedState(r));
    }

    // LiteLLM's redis_* keys (redis_url wins over host/port/password, as in LiteLLM) plus our own three.
    private SharedStateSettings sharedState(Map<String, JsonNode> r) {
      SecretRef url = secret(ROUTER + ".redis_url", r.get("redis_url"));
      String host = string(ROUTER + ".redis_host", r.get("redis_host"));
      if (host != null && host.isBlank()) throw new ConfigException(ROUTER + ".redis_host", "expected a host name, got an empty string");
      Integer port = integer(ROUTER + ".redis_port", r.get("redis_port"));
      if (port != null && (port < 1 || port > 65535)) throw new ConfigException(ROUTER + ".redis_port", "expected a port 1..65535, got " + port);
      SecretRef password = secret(ROUTER + ".redis_password", r.get("redis_password"));
      Integer instances = integer(ROUTER + ".redis_expected_instances", r.get("redis_expected_instances"));
      if (instances != null && instances < 1) {
        throw new ConfigException(ROUTER + ".redis_expected_instances", "expected an integer >= 1, got " + instances);
      }
      String prefix = string(ROUTER + ".redis_key_prefix", r.get("redis_key_prefix"));
      if (prefix != null && (prefix.isEmpty() || prefix.contains("{") || prefix.contains("}"))) {
        throw new ConfigException(ROUTER + ".redis_key_prefix", "expected a non-empty prefix without { or }");
      }
      Duration timeout = seconds(ROUTER + ".redis_timeout", r.get("redis_timeout"));
      if (timeout != null && (timeout.isZero() || timeout.isNegative())) {
        throw new ConfigException(ROUTER + ".redis_timeout", "expected a positive number of seconds, got " + timeout.toMillis() / 1000.0);
      }
      if (url == null && host == null) {
        for (String k : List.of("redis_port", "redis_password")) {
          if (r.containsKey(k)) throw new ConfigException(ROUTER + "." + k, "needs router_settings.redis_host or redis_url");
        }
        // Our own three stay: serve --redis-url (or a later sharedState(...)) switches Redis on with them.
        return new SharedStateSettings(null, null, null, null, instances == null ? 1 : instances, prefix, timeout, null);
      }
      String source = url != null ? ROUTER + ".redis_url" : ROUTER + ".redis_host";
      return new SharedStateSettings(url, url != null ? null : host, url != null ? null : port, url != null ? null : password,
          instances == null ? 1 : instances, prefix, timeout, source);
    }

    private static String path(Map<String, String> paths, String key) {
      return paths.getOrDefault(key, ROUTER + "." + key);
    }

    private GeneralSettings generalSettings(Map<String, JsonNode> g) {
      GeneralSettings d = GeneralSettings.defaults();
      SecretRef masterKey = secret(GENERAL + ".master_key", g.get("master_key"));
      Boolean background = bool(GENERAL + ".background_health_checks", g.get("background_health_checks"));
      Duration interval = seconds(GENERAL + ".health_check_interval", g.get("health_check_interval"));
      Boolean routing = bool(GENERAL + ".enable_health_check_routing", g.get("enable_health_check_routing"));
      HealthCheckMode mode = healthCheckMode(GENERAL + ".health_check_mode", g.get("health_check_mode"));
      Long maxResponse = mebibytes(GENERAL + ".max_response_size_mb", g.get("max_response_size_mb"));
      return new GeneralSettings(masterKey != null ? masterKey : d.masterKey(),
          background != null ? background : d.backgroundHealthChecks(),
          interval != null ? interval : d.healthCheckInterval(),
          routing != null ? routing : d.enableHealthCheckRouting(),
          mode != null ? mode : d.healthCheckMode(),
          maxResponse);
    }

    /**
     * A size in MiB as LiteLLM's {@code max_*_size_mb} (fractions allowed: {@code 0.5} is 512 KiB), as
     * bytes: more than 0 and at most {@link GeneralSettings#MAX_RESPONSE_BYTES_LIMIT}.
     */
    private Long mebibytes(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      BigDecimal mb = null;
      String expected = "expected a size in MiB greater than 0 and at most " + (GeneralSettings.MAX_RESPONSE_BYTES_LIMIT >> 20)
          + " (for example 16 or 0.5)";
      if (v.node().isNumber() && !(v.node().isFloatingPointNumber() && !Double.isFinite(v.node().doubleValue()))) mb = v.node().decimalValue();
      else if (v.isText() && DECIMAL.matcher(v.text()).matches()) mb = new BigDecimal(v.text());
      if (mb == null) throw new ConfigException(p, expected + ", got " + v.describe());
      // Compare before scaling: 1e99999999 must not be multiplied out.
      if (mb.signum() <= 0 || mb.compareTo(BigDecimal.valueOf(GeneralSettings.MAX_RESPONSE_BYTES_LIMIT >> 20)) > 0) {
        throw new ConfigException(p, expected + ", got " + v.describe());
      }
      // 1 byte is 2^-20 MiB exactly; below it (1e-99999999 too) is refused before any scaling.
      if (mb.compareTo(ONE_BYTE_IN_MIB) < 0) throw new ConfigException(p, expected + ", got " + v.describe() + " (less than one byte)");
      return mb.multiply(BigDecimal.valueOf(1024L * 1024)).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    }

    private HealthCheckMode healthCheckMode(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      String expected = "expected one of " + HealthCheckMode.allowedNames();
      if (!v.node().isTextual()) throw new ConfigException(p, expected + ", got " + v.describe());
      HealthCheckMode m = HealthCheckMode.fromConfigName(v.node().asText());
      if (m == null) throw new ConfigException(p, expected + ", got " + v.describe());
      return m;
    }

    private LitellmSettings litellmSettings(RouterConfigBuilder b, Map<String, JsonNode> router, Map<String, JsonNode> l) {
      LitellmSettings d = LitellmSettings.defaults();
      Boolean drop = bool(LITELLM + ".drop_params", l.get("drop_params"));
      Duration timeout = seconds(LITELLM + ".request_timeout", l.get("request_timeout"));
      if (timeout == null) {
        // LiteLLM's router timeout (`timeout or litellm.request_timeout`) is the same per-attempt default.
        timeout = seconds(ROUTER + ".timeout", router.get("timeout"));
        if (timeout != null) b.sourcePath("request_timeout", ROUTER + ".timeout");
      }
      Integer retries = integer(LITELLM + ".num_retries", l.get("num_retries"));
      Boolean verbose = bool(LITELLM + ".set_verbose", l.get("set_verbose"));
      if (verbose == null) verbose = bool(ROUTER + ".set_verbose", router.get("set_verbose"));
      return new LitellmSettings(drop != null ? drop : d.dropParams(), timeout != null ? timeout : d.requestTimeout(),
          retries, verbose != null ? verbose : d.setVerbose());
    }

    /** LiteLLM's fallback form: a list of single-key maps, group to ordered list of groups. */
    private Map<String, List<String>> chains(String p, JsonNode node) {
      if (node == null || node.isNull()) return Map.of();
      String expected = "expected a list of {\"group\": [\"fallback\", ...]} entries";
      if (!node.isArray()) throw new ConfigException(p, expected + ", got " + kind(node));
      Map<String, List<String>> out = new LinkedHashMap<>();
      Map<String, Integer> seenAt = new LinkedHashMap<>();
      for (int i = 0; i < node.size(); i++) {
        String pi = p + "[" + i + "]";
        JsonNode entry = node.get(i);
        if (!entry.isObject() || entry.size() != 1)
          throw new ConfigException(pi, "expected a single-key mapping like {\"group\": [\"fallback\", ...]}, got "
              + (entry.isObject() ? "a mapping with " + entry.size() + " keys" : kind(entry)));
        Map.Entry<String, JsonNode> e = entry.fields().next();
        String group = e.getKey();
        Integer before = seenAt.putIfAbsent(group, i);
        if (before != null)
          throw new ConfigException(pi, "\"" + group + "\" already has a fallback list at " + p + "[" + before + "]; merge them into one");
        List<String> chain = stringList(pi + ".\"" + group + "\"", e.getValue());
        if (chain == null) throw new ConfigException(pi + ".\"" + group + "\"", "expected a list of model_names, got nothing");
        out.put(group, chain);
      }
      return out;
    }

    private Map<String, Integer> policy(String p, JsonNode node) {
      if (node == null || node.isNull()) return Map.of();
      if (!node.isObject()) throw new ConfigException(p, "expected a mapping of error kind to count, got " + kind(node));
      Map<String, Integer> out = new LinkedHashMap<>();
      node.fields().forEachRemaining(e -> {
        Integer n = integer(p + "." + e.getKey(), e.getValue());
        if (n != null) out.put(e.getKey(), n);
      });
      return out;
    }

    // ---------------------------------------------------------------- typed values

    /** Resolves {@code os.environ/NAME}; null for an absent or null node. Unset variables fail here. */
    private Value value(String p, JsonNode node) {
      if (node == null || node.isNull() || node.isMissingNode()) return null;
      String var = envVar(p, node);
      if (var == null) return new Value(node, null);
      String v = env.get(var);
      if (v == null) throw new ConfigException(p, "environment variable " + var + " is not set");
      return new Value(com.fasterxml.jackson.databind.node.TextNode.valueOf(v), var);
    }

    private static String envVar(String p, JsonNode node) {
      if (!node.isTextual()) return null;
      String t = node.textValue().strip();
      if (!t.startsWith(ENV_PREFIX)) return null;
      String name = t.substring(ENV_PREFIX.length()).strip();
      if (!VAR_NAME.matcher(name).matches())
        throw new ConfigException(p, "expected os.environ/ followed by a variable name, got \"" + t + "\"");
      return name;
    }

    private String string(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      if (v.isText()) return v.text();
      if (v.node().isNumber()) return v.node().asText();
      throw new ConfigException(p, "expected a string, got " + v.describe());
    }

    private List<String> stringList(String p, JsonNode node) {
      if (node == null || node.isNull()) return null;
      if (!node.isArray()) throw new ConfigException(p, "expected a list of model_names, got " + kind(node));
      List<String> out = new ArrayList<>(node.size());
      for (int i = 0; i < node.size(); i++) {
        String s = string(p + "[" + i + "]", node.get(i));
        if (s == null || s.isEmpty()) throw new ConfigException(p + "[" + i + "]", "expected a model_name, got nothing");
        out.add(s);
      }
      return out;
    }

    private SecretRef secret(String p, JsonNode node) {
      if (node == null || node.isNull()) return null;
      String var = envVar(p, node);
      if (var != null) return SecretRef.env(var); // resolved late: unset stops only what needs it
      if (node.isTextual() || node.isNumber()) return SecretRef.literal(node.asText());
      // Never echo what was there: it may be a mistyped credential.
      throw new ConfigException(p, "expected a string or os.environ/NAME, got " + kind(node));
    }

    private Integer integer(String p, JsonNode node) {
      Long l = longInteger(p, node);
      if (l == null) return null;
      if (l < Integer.MIN_VALUE || l > Integer.MAX_VALUE) throw new ConfigException(p, "expected an integer, got " + l + " (too large)");
      return l.intValue();
    }

    private Long longInteger(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      JsonNode n = v.node();
      try {
        if (n.isIntegralNumber() && n.canConvertToLong()) return n.longValue();
        if (n.isFloatingPointNumber()) return n.decimalValue().longValueExact();
        if (n.isTextual() && DECIMAL.matcher(v.text()).matches()) return new BigDecimal(v.text()).longValueExact();
      } catch (ArithmeticException e) {
        // a fraction or out of range: reported below
      }
      throw new ConfigException(p, "expected an integer, got " + v.describe());
    }

    private Double number(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      if (v.node().isNumber()) return v.node().doubleValue();
      if (v.isText() && DECIMAL.matcher(v.text()).matches()) return Double.valueOf(v.text());
      throw new ConfigException(p, "expected a number, got " + v.describe());
    }

    private Boolean bool(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      if (v.node().isBoolean()) return v.node().booleanValue();
      if (v.isText()) {
        switch (v.text().toLowerCase(Locale.ROOT)) {
          case "true", "yes", "on", "1" -> { return true; }
          case "false", "no", "off", "0" -> { return false; }
          default -> { }
        }
      }
      throw new ConfigException(p, "expected true or false, got " + v.describe());
    }

    /** A number of seconds, fractions allowed. */
    private Duration seconds(String p, JsonNode node) {
      Value v = value(p, node);
      if (v == null) return null;
      BigDecimal s = null;
      // YAML reads 1e99999999 as an infinite double, which has no decimal value.
      if (v.node().isNumber() && !(v.node().isFloatingPointNumber() && !Double.isFinite(v.node().doubleValue()))) s = v.node().decimalValue();
      else if (v.node().isNumber()) throw new ConfigException(p, "expected a number of seconds, got " + v.describe() + " (out of range)");
      else if (v.isText() && DECIMAL.matcher(v.text()).matches()) s = new BigDecimal(v.text());
      if (s == null) throw new ConfigException(p, "expected a number of seconds, got " + v.describe());
      // Compare before rescaling: setScale on 1e99999999 or 1e-99999999 would run for minutes.
      if (s.abs().compareTo(MAX_SECONDS) > 0) throw new ConfigException(p, "expected a number of seconds, got " + v.describe() + " (out of range)");
      if (s.abs().compareTo(NANO) < 0) return Duration.ZERO;
      try {
        BigDecimal whole = s.setScale(0, java.math.RoundingMode.FLOOR);
        long nanos = s.subtract(whole).movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        return Duration.ofSeconds(whole.longValueExact(), nanos);
      } catch (ArithmeticException e) {
        throw new ConfigException(p, "expected a number of seconds, got " + v.describe() + " (out of range)");
      }
    }
  }

  /** A YAML scalar as a plain Java value. */
  private static Object scalar(JsonNode n) {
    if (n.getNodeType() == JsonNodeType.BOOLEAN) return n.booleanValue();
    if (n.isInt()) return n.intValue();
    if (n.isLong()) return n.longValue();
    if (n.isBigInteger()) return n.bigIntegerValue();
    if (n.isNumber()) return n.doubleValue();
    return n.asText();
  }

  /** Types a value read from the environment the way YAML would type the same plain scalar. */
  private static Object inferScalar(String s) {
    String t = s.strip();
    if (t.equalsIgnoreCase("true")) return true;
    if (t.equalsIgnoreCase("false")) return false;
    if (INTEGER.matcher(t).matches()) {
      try {
        long l = Long.parseLong(t);
        return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? (Object) (int) l : (Object) l;
      } catch (NumberFormatException e) {
        return s;
      }
    }
    if (DECIMAL.matcher(t).matches()) return Double.valueOf(t);
    return s;
  }
}
