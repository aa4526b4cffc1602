package io.llmrouter.testkit;

import java.util.Map;

/**
 * One chat request exactly as it reached the simulator: what a provider would see, for tests that check what
 * the router sends (fields it must strip, headers it must not let a caller choose).
 *
 * @param provider the provider it reached
 * @param pathAndQuery the request path and query, as sent
 * @param headers every request header, names in lower case (the last value when repeated)
 * @param body the raw request body
 */
public record SimRequest(SimProvider provider, String pathAndQuery, Map<String, String> headers, String body) {
  /** Copies the headers. */
  public SimRequest {
    headers = Map.copyOf(headers);
  }
}
