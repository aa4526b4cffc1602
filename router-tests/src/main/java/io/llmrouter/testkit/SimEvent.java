package io.llmrouter.testkit;

import java.time.Duration;
import java.time.Instant;

/**
 * One chat request as the simulator saw it, in arrival order ({@code seq}).
 *
 * @param seq the arrival number, from 1, across all providers
 * @param time the virtual time the request arrived
 * @param provider the provider it reached
 * @param model the model id requested (as sent)
 * @param outcome what the simulator did
 * @param status the HTTP status sent (0 when the connection was reset)
 * @param limit the exhausted window for {@link Outcome#RATE_LIMITED}; null otherwise
 * @param fault the injected fault, or null
 * @param promptTokens prompt tokens counted ({@link SimTokens})
 * @param completionTokens completion tokens generated (0 unless served or cut mid-stream)
 * @param stream whether the request asked for SSE streaming
 * @param tools whether the request carried tools
 * @param latency the simulated latency: recorded only in manual-clock mode, really waited (scaled) in running mode
 */
public record SimEvent(
    long seq,
    Instant time,
    SimProvider provider,
    String model,
    Outcome outcome,
    int status,
    Limit limit,
    Fault.Kind fault,
    int promptTokens,
    int completionTokens,
    boolean stream,
    boolean tools,
    Duration latency) {

  /** Prompt plus completion tokens: what the request charged to the token windows. */
  public int totalTokens() {
    return promptTokens + completionTokens;
  }

  /** True when this request was admitted against the quota windows (served, or admitted then faulted mid-stream or stalled). */
  public boolean admitted() {
    return outcome == Outcome.SERVED || fault == Fault.Kind.MID_STREAM_ERROR;
  }
}
