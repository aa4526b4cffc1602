package io.llmrouter.testkit.scenario;

import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.testkit.ForwardingProviderClient;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link ProviderClient} decorator that records every chat call a routing policy makes: when, to which
 * deployment, how it ended, and what the response said about limits. The scenario suite checks the
 * policies' upstream behaviour against it ("no call after the headers said remaining 0").
 *
 * <p>Thread-safety: thread-safe; the delegate must be too.
 */
public final class RecordingProviderClient extends ForwardingProviderClient {

  /**
   * One chat call.
   *
   * @param at the virtual time the call started
   * @param deploymentId the deployment called
   * @param stream whether it was a streamed call
   * @param status the HTTP status (200 on success, 0 when there was no response)
   * @param error the exception's simple class name, or null on success
   * @param signal what the response said about limits (null when there was no response)
   */
  public record Call(Instant at, String deploymentId, boolean stream, int status, String error, RateSignal signal) {}

  private final Clock clock;
  private final List<Call> calls = new ArrayList<>();

  /** Records the calls made through {@code delegate}, timed by {@code clock}. */
  public RecordingProviderClient(ProviderClient delegate, Clock clock) {
    super(delegate);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** A snapshot of the calls so far, in the order they ended. */
  public List<Call> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  @Override
  public ProviderResponse<ChatResponse> chat(ProviderCall call) {
    Instant at = clock.instant();
    try {
      ProviderResponse<ChatResponse> r = delegate().chat(call);
      record(new Call(at, call.endpoint().deploymentId(), false, r.status(), null, r.signal()));
      return r;
    } catch (ProviderException e) {
      record(new Call(at, call.endpoint().deploymentId(), false, e.status(), e.getClass().getSimpleName(), e.rateSignal()));
      throw e;
    } catch (RuntimeException e) {
      record(new Call(at, call.endpoint().deploymentId(), false, 0, e.getClass().getSimpleName(), null));
      throw e;
    }
  }

  @Override
  public ProviderStream stream(ProviderCall call) {
    Instant at = clock.instant();
    try {
      ProviderStream s = delegate().stream(call);
      record(new Call(at, call.endpoint().deploymentId(), true, s.status(), null, s.signal()));
      return s;
    } catch (ProviderException e) {
      record(new Call(at, call.endpoint().deploymentId(), true, e.status(), e.getClass().getSimpleName(), e.rateSignal()));
      throw e;
    } catch (RuntimeException e) {
      record(new Call(at, call.endpoint().deploymentId(), true, 0, e.getClass().getSimpleName(), null));
      throw e;
    }
  }

  private void record(Call c) {
    synchronized (calls) {
      calls.add(c);
    }
  }
}
