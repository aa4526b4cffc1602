package io.llmrouter.core.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The keys a config may hold that llm-router does not read: LiteLLM settings it does not implement
 * (callbacks, caching, the proxy's database and budgets ...), known so they are reported as such, and how an
 * unknown key is reported (with the nearest known key of its mapping, so a typo such as
 * {@code num_retires} says {@code did you mean num_retries?}). A report names the key path only, never a
 * value. Stateless.
 */
final class IgnoredKeys {
  /** Top-level sections of LiteLLM's proxy config that llm-router does not implement. */
  static final Set<String> TOP = Set.of("guardrails", "callback_settings", "credential_list", "mcp_servers",
      "files_settings", "finetune_settings", "assistant_settings", "vector_store_registry", "search_tools", "prompts");

  /** LiteLLM {@code router_settings} llm-router does not implement. */
  static final Set<String> ROUTER = Set.of("cache_responses",
      "cache_kwargs", "caching_groups", "routing_strategy_args", "model_group_alias", "provider_budget_config",
      "enable_tag_filtering", "tag_filtering_match_any", "polling_interval", "client_ttl", "alerting_config",
      "default_litellm_params", "default_max_parallel_requests", "default_priority", "assistants_config",
      "optional_pre_call_checks", "model_group_retry_policy", "disable_cooldowns", "ignore_invalid_deployments",
      "cooldown_time_per_model", "stream_timeout", "max_retries");

  /** LiteLLM {@code litellm_settings} llm-router does not implement. */
  static final Set<String> LITELLM = Set.of("callbacks", "success_callback", "failure_callback", "service_callback",
      "input_callback", "cache", "cache_params", "turn_off_message_logging", "redact_messages_in_exceptions",
      "redact_user_api_key_info", "json_logs", "telemetry", "max_budget", "budget_duration", "default_team_settings",
      "upperbound_key_generate_params", "default_key_generate_params", "default_internal_user_params", "modify_params",
      "max_internal_user_budget", "internal_user_budget_duration", "ssl_verify", "force_ipv4",
      "enable_json_schema_validation", "disable_end_user_cost_tracking", "return_response_headers",
      "langfuse_default_tags", "enable_preview_features", "disable_add_transform_inline_image_block",
      "stream_timeout", "max_retries", "default_fallbacks_per_model", "model_alias_map", "allowed_openai_params",
      "additional_drop_params");

  /** LiteLLM {@code general_settings} llm-router does not implement. */
  static final Set<String> GENERAL = Set.of("database_url", "database_connection_pool_limit",
      "database_connection_timeout", "store_model_in_db", "alerting", "alerting_threshold", "alert_types",
      "alert_to_webhook_url", "proxy_batch_write_at", "disable_spend_logs", "allow_requests_on_db_unavailable",
      "custom_auth", "max_parallel_requests", "global_max_parallel_requests", "infer_model_from_keys",
      "ui_access_mode", "allowed_routes", "public_routes", "admin_only_routes", "enforce_user_param",
      "disable_master_key_return", "disable_reset_budget", "litellm_key_header_name",
      "maximum_spend_logs_retention_period", "health_check_details", "pass_through_endpoints", "key_management_system",
      "key_management_settings", "use_redis_transaction_buffer", "disable_prisma_schema_update", "forward_client_headers_to_llm_api",
      "master_key_hash", "user_header_name", "enable_jwt_auth", "litellm_jwtauth", "allowed_ips", "use_x_forwarded_for");

  /** LiteLLM keys of a {@code model_list} entry, beside model_name / litellm_params / model_info. */
  static final Set<String> MODEL_ENTRY = Set.of("model_group_alias");

  private IgnoredKeys() {}

  /**
   * The report for {@code key} at {@code path}: a LiteLLM setting not implemented here, or an unknown key
   * with the nearest of {@code known} and {@code notImplemented} when one is close enough.
   */
  static String report(String path, String key, Collection<String> known, Set<String> notImplemented) {
    if (notImplemented.contains(key)) return path + ": LiteLLM setting not implemented by llm-router; ignored";
    List<String> candidates = new ArrayList<>(known);
    candidates.addAll(notImplemented);
    String near = nearest(key, candidates);
    return path + ": unknown key; " + (near == null ? "ignored" : "did you mean " + near + "?");
  }

  /** The candidate closest to {@code key} within a small edit distance (ties: the first in order), or null. */
  static String nearest(String key, Collection<String> candidates) {
    String k = key.toLowerCase(Locale.ROOT).replace('-', '_');
    int limit = Math.min(3, Math.max(1, k.length() / 4));
    String best = null;
    int bestD = Integer.MAX_VALUE;
    for (String c : candidates.stream().sorted().toList()) {
      int d = distance(k, c);
      if (d <= limit && d < bestD) {
        best = c;
        bestD = d;
      }
    }
    return best;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) d[i][0] = i;
    for (int j = 0; j <= b.length(); j++) d[0][j] = j;
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
