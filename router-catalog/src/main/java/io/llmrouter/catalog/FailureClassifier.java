package io.llmrouter.catalog;

import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RequestTimeoutException;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a failed probe is permanent (cache it, skip the model next time) or transient (try it
 * again next run). The rules are the guide's Appendix A, tightened where the guide itself admits a hole:
 *
 * <ol>
 *   <li>Transient first, whatever the body says: rate limits (429), 5xx, timeouts, network errors (status 0),
 *       and any non-provider exception. A 429 today is a working model tomorrow.</li>
 *   <li>OpenRouter's 401 is transient: with a $0 balance OpenRouter reports Venice's upstream 429 as
 *       {@code 401 "User not found"} (guide, Troubleshooting). Its body contains "not found", so this rule
 *       must run before the wording rule, or every OpenRouter model would be cached as dead.</li>
 *   <li>A 403 carrying Cloudflare's {@code error code: 1010} is a blocked User-Agent, not a model verdict:
 *       transient.</li>
 *   <li>Other 401s are a bad key for the whole provider, never a verdict on one model: transient.</li>
 *   <li>Permanent: 404, 403, 422, {@link ModelNotFoundException}, or a body/message saying not found,
 *       does not exist, deprecated, decommissioned, not found for account, no endpoints found.</li>
 *   <li>Anything else (a 400 with unknown wording) is transient: caching on a guess would hide a working
 *       model for good.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class FailureClassifier {

  private static final List<String> PERMANENT_WORDING = List.of(
      "not found for account", "not found", "does not exist", "deprecated", "decommissioned",
      "no endpoints found", "model_not_found", "no longer supported", "not available for your account");

  private static final int MAX_REASON = 160;

  private FailureClassifier() {}

  /** Classifies the failure of probing {@code modelId} at {@code provider}. */
  public static ProbeOutcome classify(String provider, String modelId, Integer contextWindow, Throwable error) {
    if (!(error instanceof ProviderException pe)) {
      return new ProbeOutcome(provider, modelId, ProbeOutcome.Kind.TRANSIENT, 0,
          "error: " + error.getClass().getSimpleName(), contextWindow);
    }
    int status = pe.status();
    String body = pe.context() == null || pe.context().body() == null ? "" : pe.context().body();
    String text = (body + " " + (pe.getMessage() == null ? "" : pe.getMessage())).toLowerCase(Locale.ROOT);
    String reason = reason(status, pe, body);
    ProbeOutcome.Kind kind = kind(status, pe, text);
    return new ProbeOutcome(provider, modelId, kind, status, reason, contextWindow);
  }

  private static ProbeOutcome.Kind kind(int status, ProviderException pe, String text) {
    if (pe instanceof RateLimitedException || pe instanceof ProviderUnavailableException
        || pe instanceof RequestTimeoutException || status == 429 || status >= 500 || status == 0) {
      return ProbeOutcome.Kind.TRANSIENT;
    }
    if (status == 401 || (pe instanceof AuthenticationException && status != 403)) {
      // OpenRouter's 401 hides an upstream 429; elsewhere a 401 is a bad key for the whole provider.
      return ProbeOutcome.Kind.TRANSIENT;
    }
    if (status == 403 && text.contains("error code: 1010")) return ProbeOutcome.Kind.TRANSIENT;
    if (pe instanceof ModelNotFoundException || status == 404 || status == 403 || status == 422) {
      return ProbeOutcome.Kind.PERMANENT;
    }
    for (String w : PERMANENT_WORDING) if (text.contains(w)) return ProbeOutcome.Kind.PERMANENT;
    return ProbeOutcome.Kind.TRANSIENT;
  }

  private static String reason(int status, ProviderException pe, String body) {
    String detail = body.isBlank() ? (pe.getMessage() == null ? pe.getClass().getSimpleName() : pe.getMessage()) : body;
    detail = detail.replaceAll("\\s+", " ").strip();
    if (detail.length() > MAX_REASON) detail = detail.substring(0, MAX_REASON) + "…";
    return (status == 0 ? pe.getClass().getSimpleName() : String.valueOf(status)) + ": " + detail;
  }
}
