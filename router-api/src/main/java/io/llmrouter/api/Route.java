package io.llmrouter.api;

import java.util.List;
import java.util.Map;

/**
 * How the router served one request: the group the caller asked for, the group and deployment that
 * served, the provider's own model id, every attempt in order, and the fallback groups taken.
 *
 * @param requestedModel the model group in the request
 * @param servedModelGroup the group that finally served (differs from the requested one after a fallback)
 * @param deploymentId the deployment that served
 * @param provider the provider prefix of that deployment ({@code groq}, {@code openrouter}, ...)
 * @param providerModel the provider's model id that served
 * @param apiBase the base URL that served
 * @param attempts every attempt and skip, in order
 * @param fallbacks the fallback groups entered, in order
 * @param upstreamHeaders rate-limit headers of the serving response ({@code x-ratelimit-*}, {@code retry-after}),
 *     names in lower case; never an authorization header
 */
public record Route(
    String requestedModel,
    String servedModelGroup,
    String deploymentId,
    String provider,
    String providerModel,
    String apiBase,
    List<Attempt> attempts,
    List<String> fallbacks,
    Map<String, String> upstreamHeaders) {

  public Route {
    attempts = List.copyOf(attempts);
    fallbacks = List.copyOf(fallbacks);
    upstreamHeaders = Map.copyOf(upstreamHeaders);
  }

  /** Number of calls that were actually made (skips excluded). */
  public int callCount() {
    int n = 0;
    for (Attempt a : attempts) if (a.outcome() != Attempt.Outcome.SKIPPED) n++;
    return n;
  }
}
