package io.llmrouter.providers.internal.dialect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.BadRequestException;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ContentPolicyException;
import io.llmrouter.api.ContextWindowExceededException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderInfo.CatalogHints;
import io.llmrouter.providers.internal.ratelimit.Durations;
import io.llmrouter.providers.internal.ratelimit.RateHeaders;
import io.llmrouter.providers.internal.ratelimit.RateValues;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What the client needs to know about one provider prefix: where it lives, which environment variables
 * hold its key and base URL, how to adapt a request to it, how to read its rate headers and model list,
 * and how to turn its error bodies into the router's exception types. The shared OpenAI-compatible
 * behaviour lives here; each subclass overrides the hooks where its provider differs, so every provider's
 * error mapping is read in one class.
 *
 * <p>Dialects are immutable and thread-safe.
 */
public abstract class Dialect {

  /** What kind of failure an error body describes; each maps to one exception type. */
  protected enum Kind {
    RATE_LIMIT, CONTEXT_WINDOW, TOO_LARGE, MODEL_NOT_FOUND, AUTH, BAD_REQUEST, CONTENT_POLICY, UNAVAILABLE, TIMEOUT, MALFORMED
  }

  // The union from provider-formats.md section 14.6, plus the OpenRouter typed vocabulary.
  private static final List<Pattern> CONTEXT_PATTERNS = List.of(
      Pattern.compile("context_length_exceeded"),
      Pattern.compile("maximum context length is \\d+"),
      Pattern.compile("please reduce the length of the messages"),
      Pattern.compile("current length is \\d+ while limit is \\d+"),
      Pattern.compile("too large for model with \\d+ maximum context length"),
      Pattern.compile("endpoint's maximum context length"),
      Pattern.compile("`inputs` tokens \\+ `max_new_tokens` must be <= \\d+"),
      Pattern.compile("'max_tokens' or 'max_completion_tokens' is too large"),
      Pattern.compile("input token count.{0,40}exceeds the maximum number of tokens"),
      Pattern.compile("exceeds? (?:the )?(?:model'?s? )?(?:maximum )?context (?:window|length)"),
      Pattern.compile("\\b(?:max_tokens_exceeded|token_limit_exceeded)\\b"));
  private static final Pattern RATE_WORDS = Pattern.compile(
      "\\b(?:rate_limit_exceeded|rate_limited|rate_limit_error|request_quota_exceeded|token_quota_exceeded|too_many_requests"
          + "|too_many_requests_error|too_many_tokens_error|resource_exhausted|queue_exceeded|dynamic_request_limited"
          + "|dynamic_token_limited)\\b|rate limit (?:exceeded|reached)|rate-limited|too many requests");
  private static final Pattern MODEL_MISSING = Pattern.compile(
      "\\b(?:model_not_found|model_decommissioned)\\b|has been decommissioned|model[^.]{0,160}does not exist"
          + "|not found for account|no such model|invalid model id|is not a valid model id|not supported by any provider"
          + "|model not found|unknown model");
  private static final Pattern NO_CAPABLE_ENDPOINT = Pattern.compile(
      "no endpoints found that support|no endpoints available matching");
  private static final Pattern CONTENT_WORDS = Pattern.compile(
      "\\b(?:content_filter|content_policy_violation|content_policy|refusal|prohibited_content)\\b|content policy"
          + "|request blocked");
  private static final Pattern AUTH_WORDS = Pattern.compile(
      "invalid api key|incorrect api key|api key not valid|api_key_invalid|invalid_api_key|no auth credentials");
  private static final Pattern DAY = Pattern.compile("per day|\\((?:rpd|tpd|asd)\\)|per-day|perday|daily|limit_rpd/");
  private static final Pattern MONTH = Pattern.compile("per month|monthly|permonth");
  private static final Pattern HOUR = Pattern.compile("per hour|\\((?:rph|tph|ash)\\)|perhour");
  private static final Pattern MINUTE = Pattern.compile(
      "per minute|\\((?:rpm|tpm|itpm|otpm)\\)|perminute|limit_rpm/|queries per minute|per-min(?:ute)?\\b");
  private static final Pattern SECOND = Pattern.compile("per second");
  /** Words in model ids that mark models a chat completion cannot use. */
  protected static final List<String> NON_CHAT_WORDS = List.of(
      "embed", "rerank", "whisper", "tts", "speech", "transcribe", "moderation", "guard", "dall-e", "ocr", "clip");

  /**
   * Id fragments the model catalog never probes, for every provider whose dialect filters at all: embedders,
   * rerankers, speech, guards, OCR, image generation (the guide's Appendix A). A second, defensive layer on
   * top of {@link #isChat}; dialects add their own through {@link #catalogHints()}.
   */
  protected static final List<String> CATALOG_NON_CHAT_WORDS = List.of(
      "embed", "rerank", "whisper", "tts", "speech", "transcribe", "audio", "guard", "safety", "moderation",
      "ocr", "retriever", "parse", "stable-diffusion", "flux", "sdxl", "image-gen", "reward");

  private final String prefix;
  private final String defaultApiBase;
  private final List<String> apiKeyEnvs;
  private final List<String> apiBaseEnvs;
  private final boolean keyRequired;
  private final Set<String> rejectedParams;

  /**
   * @param prefix the LiteLLM prefix
   * @param defaultApiBase the default base URL, or null when a deployment must name one; it may hold
   *     {@code ${NAME}} placeholders filled from the environment by the router (Cloudflare's account id)
   * @param apiKeyEnvs the key's environment variables, primary first (LiteLLM's name), then aliases
   * @param apiBaseEnvs the base URL's environment variables, {@code <PREFIX>_API_BASE} first, then only
   *     aliases the provider itself documents; never a key variable
   * @param keyRequired whether the provider refuses calls without a key
   * @param rejectedParams top-level request parameters removed when {@code drop_params} is on
   * @throws IllegalArgumentException when a base variable is also a key variable, or the primary base
   *     variable is not {@code <PREFIX>_API_BASE}
   */
  protected Dialect(String prefix, String defaultApiBase, List<String> apiKeyEnvs, List<String> apiBaseEnvs,
      boolean keyRequired, Set<String> rejectedParams) {
    this.prefix = prefix;
    this.defaultApiBase = defaultApiBase;
    this.apiKeyEnvs = List.copyOf(apiKeyEnvs);
    this.apiBaseEnvs = List.copyOf(apiBaseEnvs);
    // Deriving base names from key names once turned HF_TOKEN into a base-URL variable: the token was then
    // used as a URL. Every name is declared, and the two lists may never share one.
    String primaryBase = prefix.toUpperCase(Locale.ROOT) + "_API_BASE";
    if (this.apiBaseEnvs.isEmpty() || !this.apiBaseEnvs.get(0).equals(primaryBase)) {
      throw new IllegalArgumentException(prefix + ": the first base variable must be " + primaryBase + ", got " + this.apiBaseEnvs);
    }
    for (String b : this.apiBaseEnvs) {
      if (this.apiKeyEnvs.contains(b) || b.endsWith("_API_KEY") || b.endsWith("_TOKEN")) {
        throw new IllegalArgumentException(prefix + ": " + b + " is a key variable, not a base-URL variable");
      }
    }
    this.keyRequired = keyRequired;
    this.rejectedParams = Set.copyOf(rejectedParams);
  }

  /** The primary base variable alone: {@code <PREFIX>_API_BASE}. */
  protected static List<String> baseEnv(String prefix) {
    return List.of(prefix.toUpperCase(Locale.ROOT) + "_API_BASE");
  }

  /** The LiteLLM prefix, such as {@code groq}. */
  public final String prefix() {
    return prefix;
  }

  /** Environment variables holding the key, primary first. */
  public final List<String> apiKeyEnvs() {
    return apiKeyEnvs;
  }

  /** Environment variables overriding the base URL, primary ({@code <PREFIX>_API_BASE}) first. */
  public final List<String> apiBaseEnvs() {
    return apiBaseEnvs;
  }

  /** Whether the provider refuses calls without a key. */
  public final boolean keyRequired() {
    return keyRequired;
  }

  /**
   * The default base URL, or null when the deployment must name one. It may hold {@code ${NAME}}
   * placeholders; {@link ProviderInfo#defaultApiBase(Function)} fills them. The dialect reads no environment.
   */
  public final String defaultApiBase() {
    return defaultApiBase;
  }

  /** What this dialect knows, for endpoint resolution, configuration checks and catalog work. */
  public ProviderInfo info() {
    return new ProviderInfo(prefix, defaultApiBase, apiKeyEnvs, apiBaseEnvs, keyRequired, rejectedParams, catalogHints(), streamUsage());
  }

  /**
   * Whether the provider answers {@code stream_options: {"include_usage": true}} with a final usage chunk, as
   * OpenAI's API does ({@link ProviderInfo#streamUsage}). False unless a dialect says so: a provider that
   * rejects unknown fields would refuse every stream the router sent it.
   */
  protected boolean streamUsage() {
    return false;
  }

  /**
   * How the model catalog probes this provider. The default is cautious: two probes at once, unpaced, no
   * rpm written, {@link #CATALOG_NON_CHAT_WORDS} excluded.
   */
  protected CatalogHints catalogHints() {
    return new CatalogHints(2, 0, null, null, CATALOG_NON_CHAT_WORDS, false);
  }

  /** {@link #CATALOG_NON_CHAT_WORDS} followed by {@code extra}. */
  protected static List<String> catalogWords(String... extra) {
    List<String> out = new ArrayList<>(CATALOG_NON_CHAT_WORDS);
    out.addAll(List.of(extra));
    return List.copyOf(out);
  }

  /** The URL that lists models, given the resolved base URL (no trailing slash). */
  public String modelsUrl(String apiBase) {
    return apiBase + "/models";
  }

  // ---------------------------------------------------------------- requests

  /**
   * Adapts a request body (model and stream already set) to this provider. Renames that keep the meaning
   * (for example {@code max_completion_tokens} to {@code max_tokens}) always apply, because the provider
   * would reject the original spelling; removals of parameters the provider rejects apply only with
   * {@code dropParams}, as LiteLLM's {@code drop_params}. Unknown fields are left alone.
   */
  public void adaptRequest(ObjectNode body, boolean dropParams) {
    if (dropParams) rejectedParams.forEach(body::remove);
  }

  /**
   * Whether {@link #adaptRequest} could change the body of {@code request}: false lets the client write the
   * request straight to bytes instead of through a JSON tree. Must never say false where
   * {@link #adaptRequest} would change something; a dialect that overrides {@link #adaptRequest} overrides
   * this too (saying true when in doubt). The default: {@code dropParams} and one of the rejected
   * parameters present.
   */
  public boolean adaptsRequest(ChatRequest request, boolean dropParams) {
    if (!dropParams) return false;
    for (String p : rejectedParams) if (has(request, p)) return true;
    return false;
  }

  /**
   * Whether the JSON body of {@code r} has the top-level field {@code name} (an explicit null counts: it
   * is written as {@code null}).
   */
  protected static boolean has(ChatRequest r, String name) {
    if (r.extra().containsKey(name)) return true;
    return switch (name) {
      case "model" -> r.model() != null;
      case "messages" -> r.messages() != null;
      case "tools" -> r.tools() != null;
      case "tool_choice" -> r.toolChoice() != null;
      case "temperature" -> r.temperature() != null;
      case "top_p" -> r.topP() != null;
      case "max_tokens" -> r.maxTokens() != null;
      case "max_completion_tokens" -> r.maxCompletionTokens() != null;
      case "stream" -> r.stream() != null;
      case "stop" -> r.stop() != null;
      case "n" -> r.n() != null;
      case "user" -> r.user() != null;
      case "response_format" -> r.responseFormat() != null;
      case "stream_options" -> r.streamOptions() != null;
      case "fallbacks" -> r.fallbacks() != null;
      case "disable_fallbacks" -> r.disableFallbacks() != null;
      case "timeout" -> r.timeout() != null;
      default -> false;
    };
  }

  /** Moves {@code max_completion_tokens} to {@code max_tokens} unless that is already set. */
  protected static void renameMaxCompletionTokens(ObjectNode body) {
    JsonNode v = body.remove("max_completion_tokens");
    if (v != null && !v.isNull() && !body.hasNonNull("max_tokens")) body.set("max_tokens", v);
  }

  /** Removes {@code name} from every message except function-role messages, which need it. */
  protected static void dropMessageNames(ObjectNode body) {
    JsonNode messages = body.get("messages");
    if (!(messages instanceof ArrayNode arr)) return;
    for (JsonNode m : arr) {
      if (m instanceof ObjectNode o && !"function".equals(o.path("role").asText())) o.remove("name");
    }
  }

  // ---------------------------------------------------------------- embeddings

  /**
   * Whether the provider serves OpenAI's {@code POST /embeddings}. The default is true; a dialect whose
   * provider has no embeddings endpoint says false, and the client refuses the call without sending it.
   */
  public boolean offersEmbeddings() {
    return true;
  }

  /** The embeddings URL, given the resolved base URL (no trailing slash). */
  public String embeddingsUrl(String apiBase) {
    return apiBase + "/embeddings";
  }

  /**
   * Whether the provider honours {@code encoding_format: base64}. When false the client asks it for floats
   * and encodes them itself, so the caller gets the encoding it asked for from any provider.
   */
  public boolean embeddingsBase64() {
    return true;
  }

  /**
   * Adapts an embeddings body (model already set; {@code encoding_format} already chosen by the client) to
   * this provider, with the same rule as {@link #adaptRequest}: renames always, removals only with
   * {@code dropParams}, unknown fields left alone. The default removes {@link #embeddingRejectedParams()}
   * with {@code dropParams}.
   */
  public void adaptEmbeddingRequest(ObjectNode body, boolean dropParams) {
    if (dropParams) embeddingRejectedParams().forEach(body::remove);
  }

  /** Top-level embeddings parameters the provider rejects, removed with {@code drop_params}; none by default. */
  protected Set<String> embeddingRejectedParams() {
    return Set.of();
  }

  // ---------------------------------------------------------------- rate signals

  /**
   * Reads what the response headers say about limits. The default reads OpenAI's header set
   * ({@code x-ratelimit-(limit|remaining|reset)-(requests|tokens)}) with the scopes
   * {@link #requestScope()} and {@link #tokenScope()}, plus {@code retry-after-ms}/{@code retry-after}.
   *
   * @param headers lower-case names
   */
  public RateSignal signal(Map<String, String> headers, Instant now) {
    RateSignal.Window req = RateHeaders.window(headers, "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests", requestScope(), now);
    RateSignal.Window tok = RateHeaders.window(headers, "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens",
        "x-ratelimit-reset-tokens", tokenScope(), now);
    if (refillsContinuously()) req = nextRequestRoom(req, now);
    return new RateSignal(req, tok, RateValues.headerRetryHint(headers, now).orElse(null), now);
  }

  /**
   * True when this provider's windows are token buckets that refill continuously (Groq, Cerebras): their
   * reset header says when a window is back to <em>full</em>, so a requests window with nothing left has room
   * for the next request after one request's refill (window / limit: 86.4 s on a 1,000-per-day model), long
   * before its reset. Read as "nothing until the reset", a day's bucket emptied at noon would keep the
   * deployment out until the next morning.
   */
  protected boolean refillsContinuously() {
    return false;
  }

  /**
   * {@code w} (a requests window of a {@link #refillsContinuously} provider) with the reset of an exhausted
   * window brought forward to when its bucket has refilled one request; any other window unchanged.
   */
  protected static RateSignal.Window nextRequestRoom(RateSignal.Window w, Instant now) {
    if (w == null || !w.exhausted() || w.resetAt() == null || w.limit() == null || w.limit() <= 0) return w;
    long windowMillis = switch (w.scope()) {
      case SECOND -> 1_000L;
      case MINUTE -> 60_000L;
      case HOUR -> 3_600_000L;
      case DAY -> 86_400_000L;
      default -> 0L;
    };
    if (windowMillis == 0) return w;
    Instant oneRequest = now.plusMillis(-Math.floorDiv(-windowMillis, w.limit()));
    return oneRequest.isBefore(w.resetAt()) ? new RateSignal.Window(w.limit(), w.remaining(), oneRequest, w.scope()) : w;
  }

  /** The window OpenAI-style request headers count over. */
  protected RateScope requestScope() {
    return RateScope.UNKNOWN;
  }

  /** The window OpenAI-style token headers count over. */
  protected RateScope tokenScope() {
    return RateScope.UNKNOWN;
  }

  // ---------------------------------------------------------------- errors

  /**
   * Maps a failed response to the router's exception type. The single mapping site for this provider:
   * subclasses change {@link #kind}, {@link #rateScope} and {@link #bodyRetryHint} rather than this method.
   * Never throws; always returns an exception carrying an {@link ErrorContext}.
   */
  public final ProviderException classify(ErrorInput in) {
    WireError w = WireError.parse(in.body());
    int status = in.status() >= 200 && in.status() < 300 && w.status() != null ? w.status() : in.status();
    RateSignal signal = enrichedSignal(in, w);
    Kind kind = kind(in, w, status);
    ErrorContext ctx = new ErrorContext(in.status(), prefix, in.deploymentId(), in.headers(), in.body(), signal);
    String where = in.midStream() ? " (in stream)" : "";
    String message = w.json()
        ? prefix + " HTTP " + in.status() + where + ": " + w.summary()
        : prefix + " HTTP " + in.status() + where + ": non-JSON body" + (w.message().isEmpty() ? "" : ": " + w.message());
    return switch (kind) {
      case RATE_LIMIT -> {
        RateScope scope = rateScope(in, w, signal);
        yield new RateLimitedException(message, ctx, scope, signal.retryAfter(), resetAt(scope, signal, in.now()));
      }
      case CONTEXT_WINDOW -> new ContextWindowExceededException(message, ctx);
      case TOO_LARGE -> new RequestTooLargeException(message, ctx);
      case MODEL_NOT_FOUND -> new ModelNotFoundException(message, ctx);
      case AUTH -> new AuthenticationException(message, ctx);
      case BAD_REQUEST -> new BadRequestException(message, ctx);
      case CONTENT_POLICY -> new ContentPolicyException(message, ctx);
      case UNAVAILABLE -> new ProviderUnavailableException(message, ctx);
      case TIMEOUT -> new RequestTimeoutException(message, ctx);
      case MALFORMED -> new MalformedResponseException(message, ctx);
    };
  }

  /**
   * Decides the kind of failure. The default is the OpenAI-compatible reading shared by most providers;
   * subclasses check their own codes first and fall back to this.
   *
   * @param status the HTTP status, or the status written in the body when the HTTP status was 2xx
   */
  protected Kind kind(ErrorInput in, WireError w, int status) {
    String text = w.searchText();
    if (!w.json() && status >= 200 && status < 300) return Kind.MALFORMED;
    if (status == 413) return Kind.TOO_LARGE;
    if (status != 429 && matchesContext(text)) return Kind.CONTEXT_WINDOW;
    if (status == 429 || RATE_WORDS.matcher(text).find()) return Kind.RATE_LIMIT;
    if (status == 402) return Kind.RATE_LIMIT;
    if (CONTENT_WORDS.matcher(text).find()) return Kind.CONTENT_POLICY;
    if (status == 401 || status == 403 || AUTH_WORDS.matcher(text).find()) return Kind.AUTH;
    if (NO_CAPABLE_ENDPOINT.matcher(text).find()) return Kind.BAD_REQUEST;
    if (status == 404 || status == 410 || MODEL_MISSING.matcher(text).find()) return Kind.MODEL_NOT_FOUND;
    if (status == 408 || status == 504) return Kind.TIMEOUT;
    if (status >= 500 || status == 498 || status == 499) return Kind.UNAVAILABLE;
    if (status >= 400) return Kind.BAD_REQUEST;
    // An error object inside a 2xx body or stream without a usable status: the upstream failed mid-way.
    return Kind.UNAVAILABLE;
  }

  /** True when {@code lowerText} says the prompt does not fit the context window, in any provider's words. */
  protected static boolean matchesContext(String lowerText) {
    for (Pattern p : CONTEXT_PATTERNS) {
      if (p.matcher(lowerText).find()) return true;
    }
    return false;
  }

  /**
   * Which window a rate-limit error refers to. The default reads the words of the message
   * ({@code per day (RPD)}, {@code PerMinute}, ...), then falls back to an exhausted header window.
   */
  protected RateScope rateScope(ErrorInput in, WireError w, RateSignal signal) {
    RateScope fromText = scopeFromText(w.searchText() + " " + quotaIds(w));
    if (fromText != RateScope.UNKNOWN) return fromText;
    return exhaustedScope(signal);
  }

  /** The scope named in {@code lowerText}, or UNKNOWN. */
  protected static RateScope scopeFromText(String lowerText) {
    String t = lowerText.toLowerCase(Locale.ROOT);
    if (DAY.matcher(t).find()) return RateScope.DAY;
    if (MONTH.matcher(t).find()) return RateScope.MONTH;
    if (HOUR.matcher(t).find()) return RateScope.HOUR;
    if (MINUTE.matcher(t).find()) return RateScope.MINUTE;
    if (SECOND.matcher(t).find()) return RateScope.SECOND;
    return RateScope.UNKNOWN;
  }

  /** The longest scope among exhausted header windows, or UNKNOWN. */
  protected static RateScope exhaustedScope(RateSignal s) {
    RateScope best = RateScope.UNKNOWN;
    for (RateSignal.Window win : new RateSignal.Window[] {s.requests(), s.tokens()}) {
      if (win != null && win.exhausted() && win.scope() != RateScope.UNKNOWN
          && (best == RateScope.UNKNOWN || win.scope().ordinal() > best.ordinal())) {
        best = win.scope();
      }
    }
    return best;
  }

  /** Gemini {@code QuotaFailure.violations[].quotaId} values joined, or an empty string. */
  protected static String quotaIds(WireError w) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode d : w.error().path("details")) {
      for (JsonNode v : d.path("violations")) {
        String id = WireError.text(v.get("quotaId"));
        if (id != null) sb.append(id).append(' ');
      }
    }
    return sb.toString();
  }

  /**
   * When the quota comes back: for long (day, month) windows the later of the retry hint and the reset of an
   * exhausted window of that scope, since a short hint there would only buy another refusal; otherwise the
   * hint, else the reset. A window of the scope that still has room did not refuse (Groq's requests-per-day
   * beside a tokens-per-day refusal, whose reset is when the whole day's use has refilled): its reset is used
   * only when there is no hint.
   */
  protected Instant resetAt(RateScope scope, RateSignal signal, Instant now) {
    Instant hintAt = signal.retryAt();
    Instant windowAt = null;
    Instant exhaustedAt = null;
    for (RateSignal.Window win : new RateSignal.Window[] {signal.requests(), signal.tokens()}) {
      if (win == null || win.resetAt() == null) continue;
      if (win.scope() == scope || (win.scope() == RateScope.UNKNOWN && win.exhausted())) {
        if (windowAt == null || win.resetAt().isAfter(windowAt)) windowAt = win.resetAt();
        if (win.exhausted() && (exhaustedAt == null || win.resetAt().isAfter(exhaustedAt))) exhaustedAt = win.resetAt();
      }
    }
    if (scope.isLong()) {
      if (hintAt == null) return windowAt;
      return exhaustedAt == null || hintAt.isAfter(exhaustedAt) ? hintAt : exhaustedAt;
    }
    return hintAt != null ? hintAt : windowAt;
  }

  /** The next 00:00 UTC after {@code now}, when daily free quotas return. */
  protected static Instant nextUtcMidnight(Instant now) {
    return now.atZone(ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
  }

  /** The header signal, completed with what the body says: copied headers and a retry hint. */
  private RateSignal enrichedSignal(ErrorInput in, WireError w) {
    RateSignal s = in.signal();
    JsonNode copied = w.metadata().path("headers");
    if (copied.isObject() && copied.size() > 0) {
      Map<String, String> h = new TreeMap<>();
      copied.fields().forEachRemaining(e -> h.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
      RateSignal b = signal(h, in.now());
      s = new RateSignal(s.requests() != null ? s.requests() : b.requests(), s.tokens() != null ? s.tokens() : b.tokens(),
          s.retryAfter() != null ? s.retryAfter() : b.retryAfter(), s.observedAt());
    }
    if (s.retryAfter() == null) {
      Duration hint = bodyRetryHint(w, in.now()).orElse(null);
      if (hint != null) s = new RateSignal(s.requests(), s.tokens(), hint, s.observedAt());
    }
    RateSignal.Window refused = refusedTokenWindow(w.message(), s.retryAt());
    if (refused != null) s = new RateSignal(s.requests(), refused, s.retryAfter(), s.observedAt());
    return s;
  }

  /**
   * Groq's token refusals state the budget: {@code ... on tokens per day (TPD): Limit 500000, Used 499983,
   * Requested 149. Please try again in 22.656s}. That is the token window which refused, with what was
   * left in it: a smaller request would have been served. Digits are capped at 18 (no overflow, bounded
   * matching); anything else, or numbers that do not explain the refusal (requested within what is left),
   * read as absent.
   *
   * @param retryAt when the refused request would fit, from the message's own hint, or null
   */
  static RateSignal.Window refusedTokenWindow(String message, Instant retryAt) {
    if (message == null || message.length() > 4_096) return null;
    java.util.regex.Matcher m = TOKEN_REFUSAL.matcher(message);
    if (!m.find()) return null;
    long limit = Long.parseLong(m.group(2));
    long used = Long.parseLong(m.group(3));
    long requested = Long.parseLong(m.group(4));
    // Numbers that do not explain the refusal (Groq once said "Used 0, Requested ~4251" of 5000) say nothing.
    if (limit <= 0 || used < 0 || requested <= Math.max(0, limit - used)) return null;
    RateScope scope = m.group(1).equalsIgnoreCase("TPD") ? RateScope.DAY : RateScope.MINUTE;
    return new RateSignal.Window(limit, Math.max(0, limit - used), retryAt, scope);
  }

  private static final Pattern TOKEN_REFUSAL = Pattern.compile(
      "\\((TPM|TPD)\\):\\s{0,4}Limit\\s{1,4}(\\d{1,18}),\\s{0,4}Used\\s{1,4}(\\d{1,18}),\\s{0,4}Requested\\s{1,4}~?(\\d{1,18})",
      Pattern.CASE_INSENSITIVE);

  /**
   * A retry hint written in the body, in the order of section 14.2: OpenRouter
   * {@code metadata.retry_after_seconds_raw}, then {@code retry_after_seconds}; Gemini
   * {@code RetryInfo.retryDelay} and {@code ErrorInfo.metadata.quotaResetDelay}; then the message text
   * ("try again in 4.77s", "Please retry in 58.9s").
   */
  protected Optional<Duration> bodyRetryHint(WireError w, Instant now) {
    JsonNode md = w.metadata();
    for (String f : new String[] {"retry_after_seconds_raw", "retry_after_seconds"}) {
      Optional<Duration> d = Durations.parseSecondsOrDuration(WireError.text(md.get(f)));
      if (d.isPresent()) return d;
    }
    for (JsonNode d : w.error().path("details")) {
      String type = d.path("@type").asText("");
      if (type.endsWith("RetryInfo")) {
        Optional<Duration> r = Durations.parseSecondsOrDuration(WireError.text(d.get("retryDelay")));
        if (r.isPresent()) return r;
      }
      if (type.endsWith("ErrorInfo")) {
        Optional<Duration> r = Durations.parseSecondsOrDuration(WireError.text(d.path("metadata").get("quotaResetDelay")));
        if (r.isPresent()) return r;
      }
    }
    Optional<Duration> m = Durations.findInMessage(w.message());
    if (m.isPresent()) return m;
    JsonNode raw = md.get("raw");
    return raw == null ? Optional.empty() : Durations.findInMessage(raw.isTextual() ? raw.textValue() : raw.toString());
  }

  // ---------------------------------------------------------------- model lists

  /**
   * Reads a model-list body ({@code {"data":[...]}}, a bare array, or Cloudflare's {@code {"result":[...]}})
   * into listings marked chat or not, free or not, with their context window when the listing says it.
   */
  public List<ModelListing> parseModels(JsonNode body) {
    JsonNode items = body.isArray() ? body : body.has("data") ? body.get("data") : body.has("result") ? body.get("result") : body.path("models");
    List<ModelListing> out = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Iterator<JsonNode> it = items.elements(); it.hasNext(); ) {
      JsonNode item = it.next();
      String id = modelId(item);
      if (id == null || !seen.add(id)) continue;
      out.add(new ModelListing(id, contextWindow(item), isChat(id, item), free(item), item));
    }
    return out;
  }

  /** The id callers use in a model string. */
  protected String modelId(JsonNode item) {
    return WireError.text(item.get("id"));
  }

  /** The context window the listing states, or null. */
  protected Integer contextWindow(JsonNode item) {
    for (String f : new String[] {"context_window", "context_length", "max_model_len", "max_context_length"}) {
      Integer v = positiveInt(item.get(f));
      if (v != null) return v;
    }
    return positiveInt(item.path("top_provider").get("context_length"));
  }

  /** Whether the model can serve a chat completion; the default excludes {@link #NON_CHAT_WORDS}. */
  protected boolean isChat(String id, JsonNode item) {
    return !containsAny(id, NON_CHAT_WORDS);
  }

  /** Whether the model is free, or null when the listing has no pricing. */
  protected Boolean free(JsonNode item) {
    return null;
  }

  /** True when {@code id}, lower-cased, contains any of {@code words}. */
  protected static boolean containsAny(String id, List<String> words) {
    String l = id.toLowerCase(Locale.ROOT);
    for (String w : words) {
      if (l.contains(w)) return true;
    }
    return false;
  }

  /** A positive integer from a number or numeric string, or null. */
  protected static Integer positiveInt(JsonNode n) {
    if (n == null || n.isNull()) return null;
    Long v = n.isNumber() ? Long.valueOf(n.asLong()) : RateValues.count(n.asText()).orElse(null);
    return v == null || v <= 0 || v > Integer.MAX_VALUE ? null : v.intValue();
  }

  @Override
  public String toString() {
    return "Dialect[" + prefix + "]";
  }
}
