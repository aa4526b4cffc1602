package io.llmrouter.catalog;

import dev.failsafe.Failsafe;
import dev.failsafe.FailsafeException;
import dev.failsafe.Timeout;
import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.core.Sleeper;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.EmbeddingRequest;
import io.llmrouter.api.RateLimitedException;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Probes models of one provider with a minimal completion ({@code max_tokens: 1}), or, for a
 * {@link Target#embedding} target (a deployment declaring {@code model_info.mode: embedding}, which answers
 * no chat), with one embedding of one short input, as the router's health checks do; at most
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
   * One model to probe and how: with a one-token chat ({@code embedding} null), or with {@code embedding},
   * a one-input embeddings request.
   *
   * @param model the listing of the model
   * @param embedding the embeddings request to send instead of a chat, or null for a chat probe
   */
  public record Target(ModelListing model, EmbeddingRequest embedding) {
    /** The probe input of an embedding probe: one short text. */
    static final String EMBEDDING_INPUT = "hi";

    /** @throws NullPointerException when {@code model} is null */
    public Target {
      Objects.requireNonNull(model, "model");
    }

    /** A chat probe of {@code model}. */
    public static Target chat(ModelListing model) {
      return new Target(model, null);
    }

    /**
     * An embedding probe of {@code model}: one short input, plus the deployment's embedding
     * {@code litellm_params} ({@code dimensions}, and {@code input_type} or {@code truncate} as extra
     * fields), which the router also sends with that deployment's embeddings and without which an
     * asymmetric NIM model refuses every call.
     */
    public static Target embedding(ModelListing model, Map<String, JsonNode> deploymentParams) {
      EmbeddingRequest.Builder b = EmbeddingRequest.builder().model(model.id()).input(EMBEDDING_INPUT);
      deploymentParams.forEach((k, v) -> {
        if (k.equals("dimensions") && v.canConvertToInt()) b.dimensions(v.asInt());
        else b.extra(k, v);
      });
      return new Target(model, b.build());
    }

    /** True for an embedding probe. */
    public boolean isEmbedding() {
      return embedding != null;
    }
  }

  /**
   * Probes {@code models} at {@code base} (whose {@code model} is replaced per probe) with a chat each and
   * returns one outcome per model, in the given order.
   *
   * @throws InterruptedException when interrupted while waiting; probes still running are cancelled
   */
  public List<ProbeOutcome> probe(ProviderProfile profile, Endpoint base, List<ModelListing> models, ProbeListener listener)
      throws InterruptedException {
    return probeTargets(profile, base, models.stream().map(Target::chat).toList(), listener);
  }

  /**
   * Probes {@code targets} at {@code base} (whose {@code model} is replaced per probe), each the way it
   * says (chat or embedding), and returns one outcome per target, in the given order.
   *
   * @throws InterruptedException when interrupted while waiting; probes still running are cancelled
   */
  public List<ProbeOutcome> probeTargets(ProviderProfile profile, Endpoint base, List<Target> targets, ProbeListener listener)
      throws InterruptedException {
    if (targets.isEmpty()) return List.of();
    List<ModelListing> models = targets.stream().map(Target::model).toList();
    RatePacer pacer = new RatePacer(clock, sleeper, profile.probeRpm());
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(effectiveConcurrency(profile), models.size()), r -> {
      Thread t = new Thread(r, "llm-router-probe-" + profile.prefix() + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<ProbeOutcome>> futures = new ArrayList<>();
      for (Target target : targets) {
        futures.add(pool.submit(() -> {
          ProbeOutcome o = probeOne(profile, base, target, pacer);
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

  private ProbeOutcome probeOne(ProviderProfile profile, Endpoint base, Target target, RatePacer pacer)
      throws InterruptedException {
    ModelListing m = target.model();
    Endpoint endpoint = new Endpoint("catalog-probe:" + profile.prefix() + "/" + m.id(), base.provider(), m.id(),
        base.apiBase(), base.apiKey(), base.extraHeaders());
    dev.failsafe.function.CheckedRunnable send;
    if (target.isEmbedding()) {
      EmbeddingCall call = new EmbeddingCall(endpoint, target.embedding(), timeout, true);
      send = () -> client.embed(call);
    } else {
      ChatRequest request = ChatRequest.builder().model(m.id()).messages(ChatMessage.user("hi")).maxTokens(1).build();
      ProviderCall call = new ProviderCall(endpoint, request, timeout, true);
      send = () -> client.chat(call);
    }
    for (int attempt = 0; ; attempt++) {
      pacer.acquire();
      try {
        Failsafe.with(backstop).run(send);
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
