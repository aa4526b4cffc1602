package io.llmrouter.core;

import io.llmrouter.api.Attempt;
import io.llmrouter.api.AuthenticationException;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ModelNotFoundException;
import io.llmrouter.api.NoDeploymentAvailableException.Kind;
import io.llmrouter.api.NoDeploymentAvailableException.Reason;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.ProviderUnavailableException;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.RequestTimeoutException;
import io.llmrouter.api.RequestTooLargeException;
import io.llmrouter.api.Usage;
import io.llmrouter.core.state.DeploymentState;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.core.config.RouterConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/**
 * One call to an admitted deployment, bounded by the per-attempt timeout (the deployment's own, never
 * past the request's deadline), and its bookkeeping: the daily counter, the provider's rate signal, the
 * token correction, the breaker, latency, the attempt log and the listeners. Any failure comes back as a
 * typed {@link ProviderException} naming the deployment, never as a raw exception.
 */
final class AttemptRunner {
  /** The shape of one provider call: chat returns a response, stream an opened stream. */
  interface Call<T> {
    Served<T> invoke(ProviderCall call);

    /** True when the ticket outlives the call (a stream keeps its slot until it ends). */
    boolean holdsTicket();
  }

  /** What a successful call produced. */
  record Served<T>(T value, int status, Map<String, String> headers, RateSignal signal, Usage usage) {}

  /** An attempt's result: {@link Success} or {@link Failure}. */
  sealed interface Result<T> permits Success, Failure {}

  /** Served by {@code ticket}'s deployment; also the group's outcome. */
  record Success<T>(T value, Ticket ticket, Map<String, String> headers) implements Result<T>, GroupRetry.GroupOutcome<T> {}

  /** Failed; already recorded (attempt log, cooldown). */
  record Failure<T>(ProviderException error) implements Result<T> {}

  /** The share of the time left an attempt gets when it has no timeout of its own and more could follow. */
  static final double DEFAULT_SHARE = 0.5;
  /** The least an attempt gets from the share rule (never more than the time left). */
  static final long MIN_ATTEMPT_MILLIS = 1_000;

  private final DeploymentRegistry registry;
  private final CooldownPolicy cooldowns;
  private final Listeners listeners;
  private final Clock clock;
  private final long defaultTimeoutMillis;
  private final boolean dropParams;

  AttemptRunner(RouterConfig config, DeploymentRegistry registry, CooldownPolicy cooldowns, Listeners listeners, Clock clock,
      long defaultTimeoutMillis) {
    this.registry = registry;
    this.cooldowns = cooldowns;
    this.listeners = listeners;
    this.clock = clock;
    this.defaultTimeoutMillis = defaultTimeoutMillis;
    this.dropParams = config.litellm().dropParams();
  }

  /**
   * Runs one attempt.
   *
   * @param moreAfter another deployment or a fallback group could still serve if this attempt fails: an
   *     attempt without a timeout of its own then gets only a share of the time left ({@link #timeout})
   */
  <T> Result<T> run(ModelGroup g, Ticket t, RequestState rs, Call<T> call, boolean moreAfter) {
    if (rs.mockResponse != null) return mocked(g, t, rs, call);
    Deployment d = t.deployment;
    long start = clock.millis();
    d.state.incrementDaily(day(start));
    d.calls.increment(start);
    listeners.onAttemptStart(rs.handle, g.name, d.id);
    Duration timeout = timeout(d, rs, start, call.holdsTicket(), moreAfter);
    boolean drop = rs.requestDropParams || dropParams || d.dropParams;
    ProviderCall pc = new ProviderCall(registry.endpoint(d, t.apiKey), call.holdsTicket() && !rs.isEmbedding() ? rs.streamUpstream(d) : rs.upstream,
        timeout, drop);
    Served<T> served;
    try {
      served = call.invoke(pc);
    } catch (ProviderException e) {
      settle(t);
      return failed(g, t, rs, e.deploymentId() == null ? e.withDeployment(d.id) : e, start);
    } catch (RuntimeException e) {
      settle(t);
      return failed(g, t, rs, new ProviderUnavailableException("provider client failed: " + RouterErrors.firstLine(e),
          new ErrorContext(0, d.config.provider(), d.id, Map.of(), null, null), e), start);
    }
    long end = clock.millis();
    // The call reached the provider by now (a stream: its first content is in): its rpm slot counts from here.
    settle(t);
    d.state.applySignal(CooldownPolicy.bounded(served.signal()));
    if (served.usage() != null && served.usage().totalTokens() != null && t.tokens != null) {
      d.state.correct(t.tokens, served.usage().totalTokens());
    }
    used(t, rs, served.usage(), -1);
    if (!call.holdsTicket()) t.release();
    cooldowns.onSuccess(d, t.probe);
    d.recordLatency(end - start);
    d.recordServed(end - start);
    Attempt a = new Attempt(g.name, d.id, d.config.providerModel(), Attempt.Outcome.SUCCESS, served.status(), null,
        Instant.ofEpochMilli(start), Duration.ofMillis(end - start));
    rs.attempts.add(a);
    listeners.onAttemptEnd(rs.handle, a);
    return new Success<>(served.value(), t, served.headers());
  }

  /**
   * {@code mock_response}: the call answers from the mock (the {@link Call} asks no provider when the
   * request carries one), logged as a skip of the selected deployment. The deployment's daily count,
   * breaker, latency and rate signal stay as they were and the reserved tokens are given back; the request
   * does count in the deployment's own rpm window (LiteLLM's usage counters count a mock too).
   */
  private <T> Result<T> mocked(ModelGroup g, Ticket t, RequestState rs, Call<T> call) {
    Deployment d = t.deployment;
    long start = clock.millis();
    if (t.probe) {
      d.state.abortProbe();
      t.probe = false;
    }
    ProviderCall pc = new ProviderCall(registry.endpoint(d, t.apiKey), rs.upstream, timeout(d, rs, start, call.holdsTicket(), false), false);
    Served<T> served;
    try {
      served = call.invoke(pc);
    } catch (RuntimeException e) {
      settleMock(t, rs);
      throw e;
    }
    if (!call.holdsTicket()) settleMock(t, rs);
    rs.attempts.add(new Attempt(g.name, d.id, d.config.providerModel(), Attempt.Outcome.SKIPPED, served.status(),
        "mock_response: answered without calling the provider", Instant.ofEpochMilli(start), Duration.ZERO));
    return new Success<>(served.value(), t, served.headers());
  }

  private void settle(Ticket t) {
    if (t.tokens != null) t.deployment.state.settle(t.tokens, clock.millis());
  }

  private void settleMock(Ticket t, RequestState rs) {
    settle(t);
    if (t.tokens != null) t.deployment.state.correct(t.tokens, 0);
    t.deployment.state.charged(t.admittedAt, rs.estTokens, 0);
    t.release();
  }

  // What the call used, as the provider counted it when it said; else the router's estimate from the content.
  private static void used(Ticket t, RequestState rs, Usage usage, long contentChars) {
    DeploymentState s = t.deployment.state;
    if (usage != null && usage.promptTokens() != null && usage.completionTokens() != null) {
      s.counted(rs.promptTokens, usage.promptTokens(), usage.completionTokens(), rs.tools);
      s.charged(t.admittedAt, rs.estTokens, (long) usage.promptTokens() + usage.completionTokens());
    } else if (usage != null && usage.totalTokens() != null) {
      s.charged(t.admittedAt, rs.estTokens, usage.totalTokens());
    } else if (contentChars >= 0) {
      s.charged(t.admittedAt, rs.estTokens, rs.promptTokens + contentChars / 4);
    }
  }

  /**
   * The attempt's timeout, the rule {@code Router}'s Javadoc states: a stream's {@code stream_timeout}
   * (time to the first chunk, LiteLLM's setting) or else the deployment's {@code timeout}; without either,
   * the request's {@code request_timeout}, but only {@link #DEFAULT_SHARE} of the time left when something
   * could still serve after this attempt (never less than {@link #MIN_ATTEMPT_MILLIS}), so a first choice
   * that accepts the call and never answers cannot spend the whole deadline and leave the fallback none.
   * Always within the request's deadline.
   */
  private Duration timeout(Deployment d, RequestState rs, long now, boolean stream, boolean moreAfter) {
    long left = Math.max(1, rs.deadline - now);
    Duration own = stream && d.streamTimeout != null ? d.streamTimeout : d.config.timeout();
    long ms;
    if (own != null) {
      ms = own.toMillis();
    } else {
      ms = defaultTimeoutMillis;
      if (moreAfter) ms = Math.min(ms, Math.max((long) (left * DEFAULT_SHARE), Math.min(left, MIN_ATTEMPT_MILLIS)));
    }
    return duration(Math.max(1, Math.min(ms, left)));
  }

  // The last timeout handed out, reused when the next attempt gets the same one (the usual case: a
  // deployment's own timeout, or half of a fresh request's deadline); a Duration is immutable.
  private volatile Duration lastTimeout = Duration.ZERO;

  private Duration duration(long millis) {
    Duration last = lastTimeout;
    if (last.toMillis() == millis) return last;
    Duration d = Duration.ofMillis(millis);
    lastTimeout = d;
    return d;
  }

  // The UTC day of the last attempt, reused while the clock stays in it (a LocalDate per attempt was garbage).
  private volatile Day today = new Day(0, LocalDate.EPOCH);

  private record Day(long epochDay, LocalDate date) {}

  private LocalDate day(long epochMillis) {
    long epochDay = Math.floorDiv(epochMillis, 86_400_000L);
    Day t = today;
    if (t.epochDay == epochDay) return t.date;
    t = new Day(epochDay, LocalDate.ofEpochDay(epochDay));
    today = t;
    return t.date;
  }

  private <T> Failure<T> failed(ModelGroup g, Ticket t, RequestState rs, ProviderException e, long start) {
    Deployment d = t.deployment;
    long now = clock.millis();
    d.state.applySignal(CooldownPolicy.bounded(e.rateSignal()));
    // A refused call consumed no tokens; a timed-out one may have.
    if (!(e instanceof RequestTimeoutException)) {
      if (t.tokens != null) d.state.correct(t.tokens, 0);
      d.state.charged(t.admittedAt, rs.estTokens, 0);
    }
    t.release();
    d.recordLatency(Math.max(now - start, 1) * 10.0);
    boolean fatal = !e.retriable() && !(e instanceof AuthenticationException) && !(e instanceof ModelNotFoundException)
        && !(e instanceof RequestTooLargeException);
    Attempt a = new Attempt(g.name, d.id, d.config.providerModel(), fatal ? Attempt.Outcome.FAILED_FATAL : Attempt.Outcome.FAILED,
        e.status(), RouterErrors.describe(e), Instant.ofEpochMilli(start), Duration.ofMillis(now - start));
    rs.attempts.add(a);
    listeners.onAttemptEnd(rs.handle, a);
    long until = cooldowns.onFailure(d, e, now, t.probe, rs.estTokens);
    Kind kind = e instanceof RateLimitedException ? Kind.RATE_LIMITED : Kind.FAILED;
    rs.reason(new Reason(g.name, d.id, kind, until > 0 ? Instant.ofEpochMilli(until) : null, RouterErrors.describe(e)));
    return new Failure<>(e);
  }

  /** Bookkeeping when a committed stream ends. */
  void streamEnded(Ticket t, RequestState rs, Usage usage, long contentChars, ProviderException error) {
    if (rs.mockResponse != null) {
      settleMock(t, rs);
      return;
    }
    Deployment d = t.deployment;
    if (t.tokens != null) {
      if (usage != null && usage.totalTokens() != null) d.state.correct(t.tokens, usage.totalTokens());
      else d.state.correct(t.tokens, rs.promptTokens + contentChars / 4);
    }
    used(t, rs, usage, contentChars);
    t.release();
    if (error != null) {
      d.state.applySignal(CooldownPolicy.bounded(error.rateSignal()));
      cooldowns.onFailure(d, error, clock.millis(), false, rs.estTokens);
    }
  }
}
