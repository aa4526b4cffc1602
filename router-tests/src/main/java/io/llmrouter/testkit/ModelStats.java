package io.llmrouter.testkit;

import java.util.Map;

/**
 * A snapshot of what one simulated model has seen, for test assertions.
 *
 * @param provider the provider
 * @param model the model id
 * @param received chat requests that reached the model (every outcome except unknown-model)
 * @param served requests answered with a full completion
 * @param rateLimited 429s sent by exhausted window
 * @param errors other non-2xx answers and injected faults
 * @param requestsLastMinute admitted requests in the last minute of virtual time
 * @param requestsLastDay admitted requests in the last 24 hours of virtual time
 * @param tokensLastMinute tokens charged in the last minute of virtual time
 * @param tokensLastDay tokens charged in the last 24 hours of virtual time
 */
public record ModelStats(
    SimProvider provider,
    String model,
    long received,
    long served,
    Map<Limit, Long> rateLimited,
    long errors,
    long requestsLastMinute,
    long requestsLastDay,
    long tokensLastMinute,
    long tokensLastDay) {

  public ModelStats {
    rateLimited = Map.copyOf(rateLimited);
  }

  /** All 429s sent for this model, any window. */
  public long rateLimitedTotal() {
    return rateLimited.values().stream().mapToLong(Long::longValue).sum();
  }

  /** 429s sent for {@code limit}. */
  public long rateLimited(Limit limit) {
    return rateLimited.getOrDefault(limit, 0L);
  }
}
