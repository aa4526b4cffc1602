package io.llmrouter.providers.internal.dialect;

import io.llmrouter.api.RateSignal;
import java.time.Instant;
import java.util.Map;

/**
 * One failed response as a dialect sees it.
 *
 * @param deploymentId the deployment called, or null
 * @param status the HTTP status (200 for an error inside a 2xx body or stream)
 * @param headers all response headers, lower-case names (credentials are removed later by {@link io.llmrouter.api.ErrorContext})
 * @param body the response body or the stream event's data (credentials already masked), or null
 * @param signal what the response headers said about limits
 * @param now when the response was received
 * @param midStream true when the error arrived as an event after the stream had started
 */
public record ErrorInput(
    String deploymentId, int status, Map<String, String> headers, String body, RateSignal signal, Instant now, boolean midStream) {
  public ErrorInput {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
    if (signal == null) signal = RateSignal.none(now);
  }
}
