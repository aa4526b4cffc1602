package io.llmrouter.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one provider puts on the wire: its quota algorithm, headers, error bodies in its own wording,
 * listing shape and streaming quirks. The {@link ProviderSimulator} decides <em>what</em> happens; a Wire
 * decides <em>how it looks</em>. Sources: {@code shared/reference/provider-formats.md}.
 * Stateless; thread-safe.
 */
abstract class Wire {
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** Per-request facts the rendering needs. */
  record Ctx(long seq, Instant now, Duration latency) {
    String hex() {
      return String.format("%016x", seq * 0x9E3779B97F4A7C15L);
    }
  }

  /** What the model will answer, decided before admission so its tokens can be charged. */
  record Plan(String text, String toolName, String toolArgs, String finishReason, int completionTokens) {
    boolean toolCall() {
      return toolName != null;
    }
  }

  final SimProvider provider;

  Wire(SimProvider provider) {
    this.provider = provider;
  }

  static Wire of(SimProvider p) {
    return switch (p) {
      case GROQ -> new Groq();
      case OPENROUTER -> new OpenRouter();
      case NVIDIA_NIM -> new Nim();
      case HOSTED_VLLM -> new Vllm();
      case CEREBRAS -> new Cerebras();
      case GEMINI -> new Gemini();
    };
  }

  // ---------------------------------------------------------------- behaviour hooks

  /** The quota algorithm of this provider for {@code limit}. */
  abstract RateWindow newWindow(Limit limit, long capacity, Instant now);

  /** Whether a missing {@code Authorization} header is refused (a local vLLM without --api-key is open). */
  boolean requiresAuth() {
    return true;
  }

  /** Rate headers on every response about a known model (Groq and Cerebras send them even on errors). */
  void rateHeaders(Reply r, ModelState s, Ctx ctx) {}

  abstract Reply rateLimited(ModelState s, Throttle t, Ctx ctx);

  abstract Reply unknownModel(String id);

  Reply decommissioned(String id) {
    return unknownModel(id);
  }

  Reply notChatModel(SimModel m) {
    return unknownModel(m.id());
  }

  Reply notEntitled(SimModel m) {
    return unknownModel(m.id());
  }

  abstract Reply contextExceeded(SimModel m, ChatCall c);

  abstract Reply unauthorized();

  Reply badRequest(String message) {
    return Reply.json(400, openAiError(message, "invalid_request_error", null, null));
  }

  Reply serverError(int status) {
    return Reply.json(status, openAiError(reason(status), "server_error", null, null));
  }

  Reply unavailable() {
    return serverError(503);
  }

  abstract ObjectNode listing(List<SimModel> models);

  /** Provider-specific fields on a non-streaming completion. */
  void decorateCompletion(ObjectNode body, SimModel m, Plan p, ChatCall c, Ctx ctx) {}

  /** Provider-specific fields on the streaming finish chunk. */
  void decorateFinishChunk(ObjectNode chunk, Plan p, ChatCall c, Ctx ctx) {}

  /** Lines written before the first data event (OpenRouter keep-alive comments). */
  List<String> preamble(int keepAlives) {
    return List.of();
  }

  /** The in-band error event that breaks a stream (OpenAI style unless overridden). */
  ObjectNode midStreamError(ObjectNode chunkTemplate) {
    return openAiError("Upstream connection lost while generating", "server_error", null, "server_error");
  }

  /** Whether {@code stream_options} asks for the usage chunk. */
  boolean includeUsage(ChatCall c) {
    return c.streamOptions != null && c.streamOptions.path("include_usage").asBoolean(false);
  }

  /** Gemini omits {@code index} on tool-call deltas and ends tool turns with "stop". */
  boolean geminiToolQuirks() {
    return false;
  }

  String completionId(Ctx ctx) {
    return "chatcmpl-" + ctx.hex();
  }

  String responseModel(SimModel m) {
    return m.id();
  }

  // ---------------------------------------------------------------- shared rendering

  static ObjectNode openAiError(String message, String type, String param, Object code) {
    ObjectNode err = F.objectNode();
    err.put("message", message);
    if (type != null) {
      err.put("type", type);
    }
    if (param != null) {
      err.put("param", param);
    }
    if (code instanceof Integer i) {
      err.put("code", i);
    } else if (code != null) {
      err.put("code", code.toString());
    }
    ObjectNode root = F.objectNode();
    root.set("error", err);
    return root;
  }

  static String reason(int status) {
    return switch (status) {
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Server Error";
    };
  }

  static long created(SimModel m) {
    return 1_700_000_000L + Math.floorMod(m.id().hashCode(), 50_000_000);
  }

  Reply completion(SimModel m, Plan p, ChatCall c, Ctx ctx) {
    ObjectNode body = F.objectNode();
    body.put("id", completionId(ctx));
    body.put("object", "chat.completion");
    body.put("created", ctx.now().getEpochSecond());
    body.put("model", responseModel(m));
    ArrayNode choices = body.putArray("choices");
    ObjectNode choice = choices.addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (p.toolCall()) {
      message.putNull("content");
      ObjectNode call = message.putArray("tool_calls").addObject();
      call.put("id", "call_" + ctx.hex().substring(0, 12));
      call.put("type", "function");
      call.putObject("function").put("name", p.toolName()).put("arguments", p.toolArgs());
    } else {
      message.put("content", p.text());
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finishReason(p));
    body.set("usage", usage(c, p));
    decorateCompletion(body, m, p, c, ctx);
    return Reply.json(200, body);
  }

  private String finishReason(Plan p) {
    if (p.toolCall()) {
      return geminiToolQuirks() ? "stop" : "tool_calls";
    }
    return p.finishReason();
  }

  static ObjectNode usage(ChatCall c, Plan p) {
    ObjectNode u = F.objectNode();
    u.put("prompt_tokens", c.promptTokens);
    u.put("completion_tokens", p.completionTokens());
    u.put("total_tokens", c.promptTokens + p.completionTokens());
    return u;
  }

  /** The whole SSE body; when {@code breakMidway}, it stops after half the content with an in-band error. */
  String stream(SimModel m, Plan p, ChatCall c, Ctx ctx, int keepAlives, boolean breakMidway) {
    StringBuilder sb = new StringBuilder();
    for (String line : preamble(keepAlives)) {
      sb.append(line).append("\n\n");
    }
    boolean usage = includeUsage(c);
    ObjectNode first = chunk(m, ctx, usage);
    ObjectNode d0 = (ObjectNode) first.get("choices").get(0).get("delta");
    d0.put("role", "assistant");
    d0.put("content", "");
    event(sb, first);
    List<ObjectNode> deltas = new ArrayList<>();
    if (p.toolCall()) {
      ObjectNode head = F.objectNode();
      ObjectNode call = head.putArray("tool_calls").addObject();
      if (!geminiToolQuirks()) {
        call.put("index", 0);
      }
      call.put("id", "call_" + ctx.hex().substring(0, 12));
      call.put("type", "function");
      call.putObject("function").put("name", p.toolName()).put("arguments", geminiToolQuirks() ? p.toolArgs() : "");
      deltas.add(head);
      if (!geminiToolQuirks()) {
        for (String piece : pieces(p.toolArgs(), 16)) {
          ObjectNode d = F.objectNode();
          ObjectNode part = d.putArray("tool_calls").addObject();
          part.put("index", 0);
          part.putObject("function").put("arguments", piece);
          deltas.add(d);
        }
      }
    } else {
      for (String piece : pieces(p.text(), 24)) {
        deltas.add(F.objectNode().put("content", piece));
      }
    }
    int cut = breakMidway ? Math.max(1, deltas.size() / 2) : deltas.size();
    for (int i = 0; i < cut; i++) {
      ObjectNode ch = chunk(m, ctx, usage);
      ((ObjectNode) ch.get("choices").get(0)).set("delta", deltas.get(i));
      event(sb, ch);
    }
    if (breakMidway) {
      event(sb, midStreamError(chunk(m, ctx, false)));
      return sb.toString();
    }
    ObjectNode fin = chunk(m, ctx, usage);
    ((ObjectNode) fin.get("choices").get(0)).put("finish_reason", finishReason(p));
    decorateFinishChunk(fin, p, c, ctx);
    event(sb, fin);
    if (usage) {
      ObjectNode u = chunk(m, ctx, false);
      u.putArray("choices");
      u.set("usage", usage(c, p));
      event(sb, u);
    }
    sb.append("data: [DONE]\n\n");
    return sb.toString();
  }

  ObjectNode chunk(SimModel m, Ctx ctx, boolean nullUsage) {
    ObjectNode ch = F.objectNode();
    ch.put("id", completionId(ctx));
    ch.put("object", "chat.completion.chunk");
    ch.put("created", ctx.now().getEpochSecond());
    ch.put("model", responseModel(m));
    ObjectNode choice = ch.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("delta");
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    if (nullUsage) {
      ch.putNull("usage"); // the OpenAI spec: every other chunk carries "usage": null when include_usage is on
    }
    return ch;
  }

  private static void event(StringBuilder sb, JsonNode node) {
    sb.append("data: ").append(Reply.write(node)).append("\n\n");
  }

  private static List<String> pieces(String s, int size) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < s.length(); i += size) {
      out.add(s.substring(i, Math.min(s.length(), i + size)));
    }
    if (out.isEmpty()) {
      out.add("");
    }
    return out;
  }

  static ObjectNode plainList(List<SimModel> models, String ownedByOverride) {
    ObjectNode root = F.objectNode();
    root.put("object", "list");
    ArrayNode data = root.putArray("data");
    for (SimModel m : models) {
      ObjectNode o = data.addObject();
      o.put("id", m.id());
      o.put("object", "model");
      o.put("created", created(m));
      o.put("owned_by", ownedByOverride != null ? ownedByOverride : m.ownedBy());
    }
    return root;
  }

  // ================================================================ Groq

  static final class Groq extends Wire {
    Groq() {
      super(SimProvider.GROQ);
    }

    @Override
    RateWindow newWindow(Limit limit, long capacity, Instant now) {
      return new RateWindow.Bucket(limit, capacity, now);
    }

    @Override
    void rateHeaders(Reply r, ModelState s, Ctx ctx) {
      RateWindow rpd = s.window(Limit.RPD);
      RateWindow tpm = s.window(Limit.TPM);
      if (rpd != null) {
        r.header("x-ratelimit-limit-requests", Long.toString(rpd.capacity));
      }
      if (tpm != null) {
        r.header("x-ratelimit-limit-tokens", Long.toString(tpm.capacity));
      }
      if (rpd != null) {
        r.header("x-ratelimit-remaining-requests", Long.toString(rpd.remaining(ctx.now())));
      }
      if (tpm != null) {
        r.header("x-ratelimit-remaining-tokens", Long.toString(tpm.remaining(ctx.now())));
      }
      if (rpd != null) {
        r.header("x-ratelimit-reset-requests", Formats.goDuration(rpd.resetIn(ctx.now())));
      }
      if (tpm != null) {
        r.header("x-ratelimit-reset-tokens", Formats.goDuration(tpm.resetIn(ctx.now())));
      }
      r.header("x-request-id", "req_" + ctx.hex());
    }

    @Override
    Reply rateLimited(ModelState s, Throttle t, Ctx ctx) {
      String unit = switch (t.limit()) {
        case RPM -> "requests per minute (RPM)";
        case RPD -> "requests per day (RPD)";
        case TPM -> "tokens per minute (TPM)";
        case TPD -> "tokens per day (TPD)";
      };
      String msg = "Rate limit reached for model `" + s.model.id() + "` in organization `org_01simulator0000000000000000` "
          + "service tier `on_demand` on " + unit + ": Limit " + t.capacity() + ", Used " + t.used()
          + ", Requested " + t.requested() + ". Please try again in " + Formats.goDuration(t.delay())
          + ". Need more tokens? Upgrade to Dev Tier today at https://console.groq.com/settings/billing";
      Reply r = Reply.json(429, openAiError(msg, t.limit().countsTokens() ? "tokens" : "requests", null, "rate_limit_exceeded"));
      r.header("retry-after", Long.toString(Formats.retryAfterSeconds(t.delay())));
      return r;
    }

    /** Groq's 413: one request larger than the whole per-minute token budget; waiting cannot help. */
    Reply requestTooLarge(SimModel m, long capacity, long requested) {
      String msg = "Request too large for model `" + m.id() + "` in organization `org_01simulator0000000000000000` "
          + "service tier `on_demand` on tokens per minute (TPM): Limit " + capacity + ", Requested " + requested
          + ", please reduce your message size and try again. Need more tokens? Upgrade to Dev Tier today at "
          + "https://console.groq.com/settings/billing";
      return Reply.json(413, openAiError(msg, "tokens", null, "rate_limit_exceeded"));
    }

    @Override
    Reply unknownModel(String id) {
      return Reply.json(404, openAiError("The model `" + id + "` does not exist or you do not have access to it.",
          "invalid_request_error", null, "model_not_found"));
    }

    @Override
    Reply decommissioned(String id) {
      ObjectNode root = F.objectNode();
      root.put("request_id", "req_01simdecommissioned0000000");
      root.put("created_at", "2026-02-27T07:37:56.926Z");
      root.set("error", openAiError("The model `" + id + "` has been decommissioned and is no longer supported. "
          + "Please refer to https://console.groq.com/docs/deprecations for a recommendation on which model to use instead.",
          "invalid_request_error", "", "model_decommissioned").get("error"));
      return Reply.json(400, root);
    }

    @Override
    Reply notChatModel(SimModel m) {
      return Reply.json(400, openAiError("The model `" + m.id() + "` does not support chat completions.",
          "invalid_request_error", "model", "model_not_supported"));
    }

    @Override
    Reply contextExceeded(SimModel m, ChatCall c) {
      return Reply.json(400, openAiError("Please reduce the length of the messages or completion.",
          "invalid_request_error", "messages", "context_length_exceeded"));
    }

    @Override
    Reply unauthorized() {
      return Reply.json(401, openAiError("Invalid API Key", "invalid_request_error", null, "invalid_api_key"));
    }

    @Override
    ObjectNode listing(List<SimModel> models) {
      ObjectNode root = F.objectNode();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      for (SimModel m : models) {
        ObjectNode o = data.addObject();
        o.put("id", m.id());
        o.put("object", "model");
        o.put("created", created(m));
        o.put("owned_by", m.ownedBy());
        o.put("active", true);
        o.put("context_window", m.contextWindow());
        o.putNull("public_apps");
        o.put("max_completion_tokens", m.maxCompletionTokens());
      }
      return root;
    }

    @Override
    void decorateCompletion(ObjectNode body, SimModel m, Plan p, ChatCall c, Ctx ctx) {
      timings((ObjectNode) body.get("usage"), ctx);
      body.putNull("usage_breakdown");
      body.put("system_fingerprint", "fp_sim0000000");
      body.putObject("x_groq").put("id", "req_" + ctx.hex());
      body.put("service_tier", "on_demand");
    }

    @Override
    void decorateFinishChunk(ObjectNode chunk, Plan p, ChatCall c, Ctx ctx) {
      ObjectNode xg = chunk.putObject("x_groq");
      xg.put("id", "req_" + ctx.hex());
      ObjectNode u = usage(c, p);
      timings(u, ctx);
      xg.set("usage", u);
    }

    private static void timings(ObjectNode usage, Ctx ctx) {
      double total = ctx.latency().toNanos() / 1e9;
      usage.put("queue_time", total * 0.1);
      usage.put("prompt_time", total * 0.2);
      usage.put("completion_time", total * 0.7);
      usage.put("total_time", total);
    }
  }

  // ================================================================ OpenRouter

  static final class OpenRouter extends Wire {
    OpenRouter() {
      super(SimProvider.OPENROUTER);
    }

    @Override
    RateWindow newWindow(Limit limit, long capacity, Instant now) {
      // Per-minute limits reset on the minute boundary, daily ones at 00:00 UTC (X-RateLimit-Reset values).
      return new RateWindow.Calendar(limit, capacity, java.time.ZoneOffset.UTC);
    }

    @Override
    String completionId(Ctx ctx) {
      return "gen-" + ctx.now().getEpochSecond() + "-" + ctx.hex();
    }

    @Override
    Reply rateLimited(ModelState s, Throttle t, Ctx ctx) {
      String limit = Long.toString(t.capacity());
      String reset = Long.toString(t.resetAt().toEpochMilli());
      ObjectNode err = F.objectNode();
      ObjectNode meta = F.objectNode();
      ObjectNode hdrs = meta.putObject("headers");
      hdrs.put("X-RateLimit-Limit", limit);
      hdrs.put("X-RateLimit-Remaining", "0");
      hdrs.put("X-RateLimit-Reset", reset);
      if (t.limit() == Limit.RPD) {
        err.put("message", "Rate limit exceeded: free-models-per-day. Add 10 credits to unlock 1000 free model requests per day");
        meta.put("limit_source", "openrouter_free_tier_daily");
      } else {
        err.put("message", "Rate limit exceeded: free-models-per-min. ");
        meta.putNull("provider_name");
      }
      err.put("code", 429);
      err.set("metadata", meta);
      ObjectNode root = F.objectNode();
      root.set("error", err);
      root.put("user_id", "user_2simulator0000000000000000");
      return Reply.json(429, root)
          .header("X-RateLimit-Limit", limit)
          .header("X-RateLimit-Remaining", "0")
          .header("X-RateLimit-Reset", reset);
    }

    Reply upstreamRateLimited(SimModel m) {
      ObjectNode root = F.objectNode();
      ObjectNode err = root.putObject("error");
      err.put("message", "Provider returned error");
      err.put("code", 429);
      ObjectNode meta = err.putObject("metadata");
      meta.put("raw", m.id() + " is temporarily rate-limited upstream. Please retry shortly, or add your own key to "
          + "accumulate your rate limits: https://openrouter.ai/settings/integrations");
      meta.put("provider_name", m.upstreamProvider());
      meta.put("is_byok", false);
      meta.put("retry_after_seconds", 17);
      meta.put("retry_after_seconds_raw", 16.007);
      meta.putObject("headers").put("Retry-After", "17");
      root.put("user_id", "user_2simulator0000000000000000");
      return Reply.json(429, root);
    }

    /**
     * {@code GET /api/v1/key} for a valid key: the key's limits and usage (OpenRouterTeam/docs
     * {@code api/reference/limits.mdx}). The label shows only the start and end of the key, as OpenRouter's does.
     */
    Reply keyInfo(String key) {
      ObjectNode root = F.objectNode();
      ObjectNode data = root.putObject("data");
      String k = key == null ? "" : key;
      data.put("label", k.length() > 12 ? k.substring(0, 9) + "..." + k.substring(k.length() - 3) : "sk-or-v1-...");
      data.putNull("limit");
      data.put("usage", 0);
      data.put("is_free_tier", true);
      data.putNull("limit_remaining");
      data.putNull("limit_reset");
      return Reply.json(200, root);
    }

    Reply userNotFound() {
      ObjectNode root = F.objectNode();
      root.putObject("error").put("message", "User not found.").put("code", 401);
      return Reply.json(401, root);
    }

    Reply paymentRequired(SimModel m, ChatCall c) {
      int asked = c.maxTokens > 0 ? c.maxTokens : m.maxCompletionTokens();
      ObjectNode root = F.objectNode();
      ObjectNode err = root.putObject("error");
      err.put("message", "This request requires more credits, or fewer max_tokens. You requested up to " + asked
          + " tokens, but can only afford 0. To increase, visit https://openrouter.ai/settings/credits and upgrade to a paid account");
      err.put("code", 402);
      err.putObject("metadata").putNull("provider_name");
      root.put("user_id", "user_2simulator0000000000000000");
      return Reply.json(402, root);
    }

    Reply toolsUnsupported() {
      ObjectNode root = F.objectNode();
      root.putObject("error").put("message", "No endpoints found that support tool use. To learn more about provider "
          + "routing, visit: https://openrouter.ai/docs/guides/routing/provider-selection").put("code", 404);
      return Reply.json(404, root);
    }

    @Override
    Reply unknownModel(String id) {
      ObjectNode root = F.objectNode();
      root.putObject("error").put("message", id + " is not a valid model ID").put("code", 400);
      return Reply.json(400, root);
    }

    @Override
    Reply contextExceeded(SimModel m, ChatCall c) {
      int out = c.maxTokens > 0 ? c.maxTokens : 0;
      ObjectNode root = F.objectNode();
      ObjectNode err = root.putObject("error");
      err.put("message", "This endpoint's maximum context length is " + m.contextWindow() + " tokens. However, you requested about "
          + (c.promptTokens + out) + " tokens (" + c.promptTokens + " of text input, " + out + " in the output). "
          + "Please reduce the length of either one, or use the \"middle-out\" transform to compress your prompt automatically.");
      err.put("code", 400);
      err.putObject("metadata").put("provider_name", m.upstreamProvider());
      return Reply.json(400, root);
    }

    @Override
    Reply unauthorized() {
      ObjectNode root = F.objectNode();
      root.putObject("error").put("message", "No auth credentials found").put("code", 401);
      return Reply.json(401, root);
    }

    @Override
    Reply badRequest(String message) {
      ObjectNode root = F.objectNode();
      root.putObject("error").put("message", message).put("code", 400);
      return Reply.json(400, root);
    }

    @Override
    Reply serverError(int status) {
      ObjectNode root = F.objectNode();
      ObjectNode err = root.putObject("error");
      err.put("message", status == 502 || status == 503 ? "Provider returned error" : reason(status));
      err.put("code", status);
      if (status == 502 || status == 503) {
        err.putObject("metadata").put("error_type", status == 502 ? "provider_unavailable" : "provider_overloaded");
      }
      return Reply.json(status, root);
    }

    @Override
    ObjectNode listing(List<SimModel> models) {
      ObjectNode root = F.objectNode();
      ArrayNode data = root.putArray("data");
      for (SimModel m : models) {
        ObjectNode o = data.addObject();
        o.put("id", m.id());
        o.put("canonical_slug", m.id().replace(":free", ""));
        o.put("name", m.id() + (m.free() ? " (free)" : ""));
        o.put("created", created(m));
        o.put("description", "Simulated " + m.id());
        o.put("context_length", m.contextWindow());
        ObjectNode arch = o.putObject("architecture");
        arch.putArray("input_modalities").add("text");
        arch.putArray("output_modalities").add("text");
        arch.put("tokenizer", "Other");
        arch.putNull("instruct_type");
        ObjectNode pricing = o.putObject("pricing");
        pricing.put("prompt", m.free() ? "0" : paidPrompt(m));
        pricing.put("completion", m.free() ? "0" : paidCompletion(m));
        pricing.put("request", "0");
        pricing.put("image", "0");
        pricing.put("web_search", "0");
        pricing.put("internal_reasoning", "0");
        ObjectNode top = o.putObject("top_provider");
        top.put("context_length", m.contextWindow());
        top.put("max_completion_tokens", m.maxCompletionTokens());
        top.put("is_moderated", !m.free());
        o.putNull("per_request_limits");
        ArrayNode params = o.putArray("supported_parameters");
        if (m.supportsTools()) {
          params.add("tools").add("tool_choice");
        }
        params.add("max_tokens").add("temperature").add("top_p").add("stop").add("seed").add("response_format");
        o.putNull("default_parameters");
        o.putNull("expiration_date");
      }
      root.put("total_count", models.size());
      root.putObject("links").putNull("next");
      return root;
    }

    private static String paidPrompt(SimModel m) {
      return m.id().startsWith("anthropic/") ? "0.000003" : m.id().startsWith("openai/") ? "0.0000025" : "0.00000012";
    }

    private static String paidCompletion(SimModel m) {
      return m.id().startsWith("anthropic/") ? "0.000015" : m.id().startsWith("openai/") ? "0.00001" : "0.0000003";
    }

    @Override
    List<String> preamble(int keepAlives) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < keepAlives; i++) {
        lines.add(": OPENROUTER PROCESSING");
      }
      return lines;
    }

    @Override
    ObjectNode midStreamError(ObjectNode chunk) {
      chunk.put("provider", "SimUpstream");
      ObjectNode err = chunk.putObject("error");
      err.put("code", 502);
      err.put("message", "Provider disconnected unexpectedly");
      err.putObject("metadata").put("error_type", "provider_unavailable");
      ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
      choice.putObject("delta").put("content", "");
      choice.put("finish_reason", "error");
      return chunk;
    }

    @Override
    void decorateCompletion(ObjectNode body, SimModel m, Plan p, ChatCall c, Ctx ctx) {
      body.put("provider", m.upstreamProvider());
    }
  }

  // ================================================================ NVIDIA NIM (hosted)

  static final class Nim extends Wire {
    Nim() {
      super(SimProvider.NVIDIA_NIM);
    }

    @Override
    RateWindow newWindow(Limit limit, long capacity, Instant now) {
      return new RateWindow.Sliding(limit, capacity);
    }

    private static Reply problem(int status, String title, String detail) {
      ObjectNode o = F.objectNode();
      o.put("status", status);
      o.put("title", title);
      if (detail != null) {
        o.put("detail", detail);
      }
      return Reply.json(status, o);
    }

    @Override
    Reply rateLimited(ModelState s, Throttle t, Ctx ctx) {
      return problem(429, "Too Many Requests", null); // no headers, no hint: documented NIM behaviour
    }

    @Override
    Reply unknownModel(String id) {
      String fn = java.util.UUID.nameUUIDFromBytes(id.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
      return problem(404, "Not Found", "Function '" + fn + "': Not found for account 'simAccount0000000000'");
    }

    @Override
    Reply contextExceeded(SimModel m, ChatCall c) {
      return Reply.json(400, openAiError("This model's maximum context length is " + m.contextWindow()
          + " tokens. However, your messages resulted in " + (c.promptTokens + c.maxTokens)
          + " tokens. Please reduce the length of the messages.", "Bad Request", null, 400));
    }

    @Override
    Reply unauthorized() {
      return problem(401, "Unauthorized", "Authentication failed");
    }

    @Override
    Reply serverError(int status) {
      return problem(status, reason(status), null);
    }

    @Override
    ObjectNode listing(List<SimModel> models) {
      return plainList(models, null);
    }
  }

  // ================================================================ vLLM

  static final class Vllm extends Wire {
    Vllm() {
      super(SimProvider.HOSTED_VLLM);
    }

    @Override
    RateWindow newWindow(Limit limit, long capacity, Instant now) {
      return new RateWindow.Sliding(limit, capacity);
    }

    @Override
    boolean requiresAuth() {
      return false;
    }

    private static Reply vllmError(int status, String type, String message, String param) {
      ObjectNode root = F.objectNode();
      ObjectNode err = root.putObject("error");
      err.put("message", message);
      err.put("type", type);
      if (param == null) {
        err.putNull("param");
      } else {
        err.put("param", param);
      }
      err.put("code", status);
      return Reply.json(status, root);
    }

    @Override
    Reply rateLimited(ModelState s, Throttle t, Ctx ctx) {
      return vllmError(429, "TooManyRequests", "Too many requests", null);
    }

    @Override
    Reply unknownModel(String id) {
      return vllmError(404, "NotFoundError", "The model `" + id + "` does not exist.", "model");
    }

    @Override
    Reply contextExceeded(SimModel m, ChatCall c) {
      int len = m.contextWindow();
      if (c.promptTokens > len || c.maxTokens == 0) {
        return vllmError(400, "BadRequestError", "This model's maximum context length is " + len + " tokens. However, your request has "
            + c.promptTokens + " input tokens. Please reduce the length of the input messages.", "input_tokens");
      }
      return vllmError(400, "BadRequestError", "'max_tokens' or 'max_completion_tokens' is too large: " + c.maxTokens
          + ". This model's maximum context length is " + len + " tokens and your request has " + c.promptTokens
          + " input tokens (" + c.maxTokens + " > " + len + " - " + c.promptTokens + ").", "max_tokens");
    }

    @Override
    Reply unauthorized() {
      return Reply.json(401, F.objectNode().put("error", "Unauthorized"));
    }

    @Override
    Reply badRequest(String message) {
      return vllmError(400, "BadRequestError", message, null);
    }

    @Override
    Reply serverError(int status) {
      return vllmError(status, "InternalServerError", reason(status), null);
    }

    @Override
    boolean includeUsage(ChatCall c) {
      // vLLM's StreamOptions defaults include_usage to true once stream_options is present at all.
      return c.streamOptions != null && c.streamOptions.path("include_usage").asBoolean(true);
    }

    @Override
    ObjectNode listing(List<SimModel> models) {
      ObjectNode root = F.objectNode();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      for (SimModel m : models) {
        ObjectNode o = data.addObject();
        o.put("id", m.id());
        o.put("object", "model");
        o.put("created", created(m));
        o.put("owned_by", "vllm");
        o.put("root", m.id());
        o.putNull("parent");
        o.put("max_model_len", m.contextWindow());
        ObjectNode perm = o.putArray("permission").addObject();
        perm.put("id", "modelperm-" + Integer.toHexString(m.id().hashCode()));
        perm.put("object", "model_permission");
        perm.put("allow_sampling", true);
        perm.put("allow_view", true);
        perm.put("is_blocking", false);
      }
      return root;
    }
  }

  // ================================================================ Cerebras

  static final class Cerebras extends Wire {
    Cerebras() {
      super(SimProvider.CEREBRAS);
    }

    @Override
    RateWindow newWindow(Limit limit, long capacity, Instant now) {
      return new RateWindow.Bucket(limit, capacity, now); // "token bucket ... replenishes continuously"
    }

    @Override
    void rateHeaders(Reply r, ModelState s, Ctx ctx) {
      header(r, s.window(Limit.RPD), "requests-day", ctx);
      header(r, s.window(Limit.TPM), "tokens-minute", ctx);
    }

    private static void header(Reply r, RateWindow w, String suffix, Ctx ctx) {
      if (w != null) {
        r.header("x-ratelimit-limit-" + suffix, Long.toString(w.capacity));
        r.header("x-ratelimit-remaining-" + suffix, Long.toString(w.remaining(ctx.now())));
        r.header("x-ratelimit-reset-" + suffix, Formats.floatSeconds(w.resetIn(ctx.now())));
      }
    }

    private static Reply flat(int status, String message, String type, String param, String code) {
      ObjectNode o = F.objectNode();
      o.put("message", message);
      o.put("type", type);
      o.put("param", param);
      o.put("code", code);
      return Reply.json(status, o);
    }

    @Override
    Reply rateLimited(ModelState s, Throttle t, Ctx ctx) {
      Reply r = switch (t.limit()) {
        case RPM -> flat(429, "Requests per minute limit exceeded - too many requests sent.", "too_many_requests_error", "quota", "request_quota_exceeded");
        case RPD -> flat(429, "Requests per day limit exceeded - too many requests sent.", "too_many_requests_error", "quota", "request_quota_exceeded");
        case TPM -> flat(429, "Tokens per minute limit exceeded - too many tokens processed.", "too_many_tokens_error", "quota", "token_quota_exceeded");
        case TPD -> flat(429, "Tokens per day limit exceeded - too many tokens processed.", "too_many_tokens_error", "quota", "token_quota_exceeded");
      };
      return r.header("retry-after", Long.toString(Formats.retryAfterSeconds(t.delay())));
    }

    @Override
    Reply unknownModel(String id) {
      return flat(404, "Model " + id + " does not exist or you do not have access to it.", "not_found_error", "model", "model_not_found");
    }

    @Override
    Reply contextExceeded(SimModel m, ChatCall c) {
      return flat(400, "Please reduce the length of the messages or completion. Current length is "
          + (c.promptTokens + c.maxTokens) + " while limit is " + m.contextWindow(), "invalid_request_error", "messages", "context_length_exceeded");
    }

    @Override
    Reply unauthorized() {
      return flat(401, "Wrong API Key", "invalid_request_error", "api_key", "wrong_api_key");
    }

    @Override
    Reply badRequest(String message) {
      return flat(400, message, "invalid_request_error", "body", "bad_request");
    }

    @Override
    Reply serverError(int status) {
      return flat(status, reason(status), "server_error", "", "internal_error");
    }

    @Override
    ObjectNode listing(List<SimModel> models) {
      return plainList(models, null);
    }

    @Override
    void decorateCompletion(ObjectNode body, SimModel m, Plan p, ChatCall c, Ctx ctx) {
      double total = ctx.latency().toNanos() / 1e9;
      ObjectNode t = body.putObject("time_info");
      t.put("queue_time", total * 0.1);
      t.put("prompt_time", total * 0.2);
      t.put("completion_time", total * 0.7);
      t.put("total_time", total);
      t.put("created", ctx.now().toEpochMilli() / 1000.0);
    }
  }

  // ================================================================ Gemini (OpenAI compatibility)

  static final class Gemini extends Wire {
    Gemini() {
      super(SimProvider.GEMINI);
    }

    @Override
    RateWindow newWindow(Limit limit, long capacity, Instant now) {
      // Daily free-tier quota resets at midnight Pacific time; per-minute quota rolls.
      return limit.daily() ? new RateWindow.Calendar(limit, capacity, java.time.ZoneId.of("America/Los_Angeles"))
          : new RateWindow.Sliding(limit, capacity);
    }

    private static Reply googleError(int status, String message, String rpcStatus, ArrayNode details) {
      ObjectNode err = F.objectNode();
      err.put("code", status);
      err.put("message", message);
      err.put("status", rpcStatus);
      if (details != null) {
        err.set("details", details);
      }
      ArrayNode root = F.arrayNode();
      root.addObject().set("error", err);
      return Reply.json(status, root);
    }

    @Override
    Reply rateLimited(ModelState s, Throttle t, Ctx ctx) {
      String quotaId = switch (t.limit()) {
        case RPM -> "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
        case RPD -> "GenerateRequestsPerDayPerProjectPerModel-FreeTier";
        case TPM -> "GenerateContentInputTokensPerModelPerMinute-FreeTier";
        case TPD -> "GenerateContentInputTokensPerModelPerDay-FreeTier";
      };
      String metric = t.limit().countsTokens() ? "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count"
          : "generativelanguage.googleapis.com/generate_content_free_tier_requests";
      ArrayNode details = F.arrayNode();
      ObjectNode qf = details.addObject();
      qf.put("@type", "type.googleapis.com/google.rpc.QuotaFailure");
      ObjectNode v = qf.putArray("violations").addObject();
      v.put("quotaMetric", metric);
      v.put("quotaId", quotaId);
      v.putObject("quotaDimensions").put("location", "global").put("model", s.model.id());
      v.put("quotaValue", Long.toString(t.capacity()));
      ObjectNode help = details.addObject();
      help.put("@type", "type.googleapis.com/google.rpc.Help");
      help.putArray("links").addObject().put("description", "Learn more about Gemini API quotas")
          .put("url", "https://ai.google.dev/gemini-api/docs/rate-limits");
      details.addObject().put("@type", "type.googleapis.com/google.rpc.RetryInfo")
          .put("retryDelay", Formats.retryAfterSeconds(t.delay()) + "s");
      String msg = "You exceeded your current quota, please check your plan and billing details. For more information on this "
          + "error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. * Quota exceeded for metric: " + metric
          + ", limit: " + t.capacity() + ", model: " + s.model.id() + "\nPlease retry in " + Formats.protobufDuration(t.delay()) + ".";
      return googleError(429, msg, "RESOURCE_EXHAUSTED", details);
    }

    @Override
    Reply unknownModel(String id) {
      return googleError(404, "models/" + id + " is not found for API version v1main, or is not supported for generateContent. "
          + "Call ListModels to see the list of available models and their supported methods.", "NOT_FOUND", null);
    }

    @Override
    Reply contextExceeded(SimModel m, ChatCall c) {
      return googleError(400, "The input token count (" + c.promptTokens + ") exceeds the maximum number of tokens allowed ("
          + m.contextWindow() + ").", "INVALID_ARGUMENT", null);
    }

    @Override
    Reply unauthorized() {
      return googleError(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie "
          + "or other valid authentication credential.", "UNAUTHENTICATED", null);
    }

    @Override
    Reply badRequest(String message) {
      return googleError(400, message, "INVALID_ARGUMENT", null);
    }

    @Override
    Reply serverError(int status) {
      return googleError(status, status == 503 ? "The model is overloaded. Please try again later." : "An internal error has occurred.",
          status == 503 ? "UNAVAILABLE" : "INTERNAL", null);
    }

    @Override
    boolean geminiToolQuirks() {
      return true;
    }

    @Override
    ObjectNode listing(List<SimModel> models) {
      ObjectNode root = F.objectNode();
      root.put("object", "list");
      ArrayNode data = root.putArray("data");
      for (SimModel m : models) {
        ObjectNode o = data.addObject();
        o.put("id", "models/" + m.id());
        o.put("object", "model");
        o.put("owned_by", "google");
        o.put("display_name", displayName(m.id()));
      }
      return root;
    }

    private static String displayName(String id) {
      StringBuilder sb = new StringBuilder();
      for (String part : id.split("-")) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
      return sb.toString();
    }
  }
}
