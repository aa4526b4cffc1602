package io.llmrouter.catalog;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.Timeout;
import io.llmrouter.core.Sleeper;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes models of one provider with a minimal completion ({@code max_tokens: 1}), at most
 * {@link ProviderProfile#concurrency()} at once (fewer when the pace allows no more, see
 * {@link #effectiveConcurrency}) and paced to {@link ProviderProfile#probeRpm()}.
 *
 * <p>A per-minute 429 is retried after the provider's own retry hint (or one pacing interval when it gave
 * none), up to {@code maxRateLimitRetries} times and never for a hint longer than {@code maxRetryWait};
 * a per-day 429 is not retried (waiting a day is not a probe's job). What still fails is classified by
 * {@link FailureClassifier}. Every probe ends in an outcome: the client is given a timeout, a Failsafe
 * {@link Timeout} a little longer than it interrupts a client that ignores its own (wall-clock time: it is a
 * backstop no test reaches), and any exception becomes a transient outcome. Pacing and retry waits run on
 * the injected clock and sleeper ({@link RatePacer}); Failsafe's RateLimiter cannot take a clock.
 * Thread-safe; one instance may probe several providers in turn.
 */
public final class ModelProber {
  /** How much longer than the client's own timeout a probe may run before Failsafe interrupts it. */
  static final Duration BACKSTOP_GRACE = Duration.ofSeconds(5);

  private final ProviderClient client;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Duration timeout;
  private final int maxRateLimitRetries;
  private final Duration maxRetryWait;
  private final Timeout<Object> backstop;

  /**
   * @param client the provider client (its dialects do the HTTP and the error mapping)
   * @param clock the clock pacing uses
   * @param sleeper how pacing and retry hints wait
   * @param timeout each probe's whole-call timeout
   * @param maxRateLimitRetries how often a per-minute 429 is retried (0: never)
   * @param maxRetryWait the longest retry hint still worth waiting for
   */
  public ModelProber(ProviderClient client, Clock clock, Sleeper sleeper, Duration timeout,
      int maxRateLimitRetries, Duration maxRetryWait) {
    this.client = Objects.requireNonNull(client, "client");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (maxRateLimitRetries < 0) throw new IllegalArgumentException("maxRateLimitRetries must be >= 0");
    this.maxRateLimitRetries = maxRateLimitRetries;
    this.maxRetryWait = Objects.requireNonNull(maxRetryWait, "maxRetryWait");
    this.backstop = Timeout.builder(timeout.plus(BACKSTOP_GRACE)).withInterrupt().build();
  }

  /**
   * How many probes can really be in flight at once for {@code profile}: its concurrency, unless pacing
   * allows fewer. Starts are spaced one pacing interval apart and a probe ends within the timeout, so no
   * more than {@code ceil(timeout / interval)} ever overlap; more threads would only wait in the pacer.
   */
  public int effectiveConcurrency(ProviderProfile profile) {
    if (profile.probeRpm() <= 0) return profile.concurrency();
    long interval = Math.max(1, 60_000L / profile.probeRpm());
    long overlap = Math.max(1, (timeout.toMillis() + interval - 1) / interval);
    return (int) Math.min(profile.concurrency(), overlap);
  }

  /** The whole-call timeout of each probe. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Probes {@code models} at {@code base} (whose {@code model} is replaced per probe) and returns one
   * outcome per model, in the given order.
   *
   * @throws InterruptedException when interrupted while waiting; probes still running are cancelled
   */
  public List<ProbeOutcome> probe(ProviderProfile profile, Endpoint base, List<ModelListing> models, ProbeListener listener)
      throws InterruptedException {
    if (models.isEmpty()) return List.of();
    RatePacer pacer = new RatePacer(clock, sleeper, profile.probeRpm());
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(effectiveConcurrency(profile), models.size()), r -> {
      Thread t = new Thread(r, "llm-router-probe-" + profile.prefix() + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<ProbeOutcome>> futures = new ArrayList<>();
      for (ModelListing m : models) {
        futures.add(pool.submit(() -> {
          ProbeOutcome o = probeOne(profile, base, m, pacer);
          listener.probed(o);
          return o;
        }));
      }
      List<ProbeOutcome> out = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        try {
          out.add(futures.get(i).get());
        } catch (ExecutionException e) {
          ModelListing m = models.get(i);
          out.add(FailureClassifier.classify(profile.prefix(), m.id(), m.contextWindow(), e.getCause()));
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  private ProbeOutcome probeOne(ProviderProfile profile, Endpoint base, ModelListing m, RatePacer pacer)
      throws InterruptedException {
    Endpoint endpoint = new Endpoint("catalog-probe:" + profile.prefix() + "/" + m.id(), base.provider(), m.id(),
        base.apiBase(), base.apiKey(), base.extraHeaders());
    ChatRequest request = ChatRequest.builder().model(m.id()).messages(ChatMessage.user("hi")).maxTokens(1).build();
    ProviderCall call = new ProviderCall(endpoint, request, timeout, true);
    for (int attempt = 0; ; attempt++) {
      pacer.acquire();
      try {
        Failsafe.with(backstop).run(() -> client.chat(call));
        return new ProbeOutcome(profile.prefix(), m.id(), ProbeOutcome.Kind.WORKING, 200, "ok", m.contextWindow());
      } catch (RateLimitedException e) {
        Duration wait = e.retryAfter() != null ? e.retryAfter() : pacer.interval();
        if (wait.isZero()) wait = Duration.ofSeconds(1);
        if (attempt >= maxRateLimitRetries || e.scope().isLong() || wait.compareTo(maxRetryWait) > 0) {
          return FailureClassifier.classify(profile.prefix(), m.id(), m.contextWindow(), e);
        }
        pacer.holdUntil(clock.instant().plus(wait));
      } catch (FailsafeException e) {
        // The backstop fired (TimeoutExceededException, no cause): transient, probed again next run. Failsafe
        // wraps only checked exceptions; the client's unchecked ones pass through to the branches around.
        return FailureClassifier.classify(profile.prefix(), m.id(), m.contextWindow(), e.getCause() != null ? e.getCause() : e);
      } catch (RuntimeException e) {
        return FailureClassifier.classify(profile.prefix(), m.id(), m.contextWindow(), e);
      }
    }
  }
}
