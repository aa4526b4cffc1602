package io.llmrouter.api.spi;

import io.llmrouter.api.RateSignal;
import java.util.Map;

/**
 * A successful provider response with what it said about limits.
 *
 * @param value the parsed body
 * @param status the HTTP status
 * @param headers the response's rate-limit headers ({@code x-ratelimit-*}, {@code retry-after}, ...), lower-case
 *     names, credentials never included
 * @param signal the parsed rate signal
 */
public record ProviderResponse<T>(T value, int status, Map<String, String> headers, RateSignal signal) {
  public ProviderResponse {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }
}
