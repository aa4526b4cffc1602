package io.llmrouter.testkit.scenario;

import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.api.RouterListener;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.DeploymentConfig;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.RouterConfig;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.Outage;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Replays a day of agent load ({@link AgentDay}) through a routing policy against the
 * {@link ProviderSimulator}, with the guide's LiteLLM config pointed at the simulator, on one manual
 * {@link VirtualClock} that drives both the simulator and the policy ({@link VirtualTimeDriver}).
 *
 * <pre>{@code
 * DayReplay replay = DayReplay.builder().seed(7).requests(20_000).build();
 * DayResult ours = replay.run(DayReplay.Policy.LLM_ROUTER);
 * DayResult litellm = replay.run(DayReplay.Policy.LITELLM_BASELINE);
 * System.out.println(DayResult.comparisonTable(ours, litellm));
 * }</pre>
 *
 * <p>The day starts at 06:00 UTC, so OpenRouter's free daily cap resets 18 hours in, and the local vLLM
 * is down from 13:00 to 15:00 UTC (connections refused) unless told otherwise. Each run gets a fresh
 * simulator, clock and policy, so two runs of the same replay see the same day; and since requests run one
 * at a time, in arrival order at each virtual instant (those woken from a wait at that instant included),
 * with seeded randomness, two runs give the same calls, outcomes and counts. Every failure is then judged
 * by the {@link Oracle} ({@link DayResult#oracle()}). The guide's config is read
 * from this package's {@code guide-config.yaml}; its {@code local/qwen} {@code api_base} is rewritten to
 * the simulator's vLLM, and every other deployment finds the simulator through the environment the
 * simulator gives ({@code GROQ_API_BASE}, fake keys, ...): the real environment is never read.
 *
 * <p>Thread-safety: an immutable description; {@link #run} may be called repeatedly, one run at a time
 * per thread.
 */
public final class DayReplay {

  /** The model id the guide's {@code local/qwen} deployment names; the simulator serves it on vLLM. */
  public static final String LOCAL_MODEL = "YOUR_QWEN_MODEL_NAME";

  /** The routing policy to replay. */
  public enum Policy {
    /** Our router ({@link LlmRouter}). */
    LLM_ROUTER,
    /** LiteLLM's documented behaviour ({@link LiteLlmBaseline}). */
    LITELLM_BASELINE
  }

  private final long seed;
  private final int requests;
  private final Duration length;
  private final Instant start;
  private final Duration outageFrom;
  private final Duration outageTo;
  private final int concurrency;
  private final double speed;
  private final Consumer<VirtualTimeDriver.Progress> progress;
  private final List<RouterListener> listeners;
  private final AgentDay day;

  private DayReplay(Builder b) {
    this.seed = b.seed;
    this.requests = b.requests;
    this.length = b.length;
    this.start = b.start;
    this.outageFrom = b.outageFrom;
    this.outageTo = b.outageTo;
    this.concurrency = b.concurrency;
    this.speed = b.speed;
    this.progress = b.progress;
    this.listeners = List.copyOf(b.listeners);
    this.day = AgentDay.generate(seed, requests, length);
  }

  /**
   * A builder: seed 1, 20,000 requests over 24 h from 2025-06-02T06:00Z, vLLM down 13:00-15:00, replayed
   * deterministically (one request at a time, in arrival order at each instant).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** The load this replay sends. */
  public AgentDay day() {
    return day;
  }

  /** The guide's config text, as shipped in this package. */
  public static String guideConfigYaml() {
    try (InputStream in = DayReplay.class.getResourceAsStream("guide-config.yaml")) {
      if (in == null) throw new IllegalStateException("guide-config.yaml is missing from the testkit jar");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Replays the day through {@code policy} and returns everything it produced.
   *
   * @throws InterruptedException if the calling thread is interrupted
   */
  public DayResult run(Policy policy) throws InterruptedException {
    long wallStart = System.nanoTime();
    VirtualClock clock = VirtualClock.at(start);
    try (ProviderSimulator sim = ProviderSimulator.builder().clock(clock).seed(seed)
            .model(SimModel.builder(SimProvider.HOSTED_VLLM, LOCAL_MODEL).contextWindow(32_768).maxCompletionTokens(32_768)
                .ownedBy("vllm").build())
            .build().start();
        VirtualTimeDriver driver = (concurrency == 0 ? VirtualTimeDriver.ordered(clock) : new VirtualTimeDriver(clock, concurrency))
            .pace(speed)) {
      Map<String, String> simEnv = sim.env();
      Env env = Env.of(simEnv);
      String yaml = guideConfigYaml().replace("http://DGX_IP:8000/v1", sim.baseUrl(SimProvider.HOSTED_VLLM));
      RouterConfig config = LiteLlmConfigReader.parse(yaml, env).config();
      ProviderClient http = OpenAiCompatibleClient.builder().clock(clock).build();
      RecordingProviderClient recording = new RecordingProviderClient(http, clock);
      ReportListener report = new ReportListener();
      TraceRecorder traces = new TraceRecorder(clock, day.requests().size());
      List<RouterListener> all = new ArrayList<>(listeners);
      all.add(0, report);
      all.add(1, traces);
      ChatPolicy p;
      if (policy == Policy.LLM_ROUTER) {
        // A seeded random: with the ordered driver, the same seed gives the same choices every run.
        LlmRouter.Builder rb = LlmRouter.builder(config).env(env).clock(clock).sleeper(driver::sleep).providerClient(recording)
            .random(new SplittableRandom(seed));
        for (RouterListener l : all) rb.listener(l);
        Router router = rb.build();
        p = ChatPolicy.of("llm-router", router);
      } else {
        p = new LiteLlmBaseline(config, env, recording, clock, driver::sleep, seed, all);
      }
      Instant from = outageFrom == null ? null : start.plus(outageFrom);
      Instant to = outageTo == null ? null : start.plus(outageTo);
      if (from != null) {
        driver.schedule(from, () -> sim.takeDown(SimProvider.HOSTED_VLLM, Outage.REFUSE_CONNECTIONS));
        driver.schedule(to, () -> sim.bringUp(SimProvider.HOSTED_VLLM));
      }
      AtomicReferenceArray<DayResult.RequestOutcome> outcomes = new AtomicReferenceArray<>(day.requests().size());
      try {
        driver.run(day.requests(), r -> start.plus(r.at()), r -> {
          ChatPolicy.Served served = null;
          String error = null;
          traces.begin(r.index());
          try {
            served = p.serve(r.toChatRequest());
          } catch (LlmRouterException e) {
            error = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage());
          } finally {
            traces.end();
          }
          outcomes.set(r.index(), new DayResult.RequestOutcome(r, served, error, driver.waitedMillis(), clock.instant(),
              sim.requestCount()));
        }, progress);
      } finally {
        p.close();
        http.close();
      }
      List<DayResult.RequestOutcome> list = new ArrayList<>(outcomes.length());
      for (int i = 0; i < outcomes.length(); i++) list.add(outcomes.get(i));
      Map<String, SimModel> simModels = new HashMap<>();
      for (DeploymentConfig d : config.deployments()) {
        SimProvider sp = SimProvider.valueOf(d.provider().toUpperCase(Locale.ROOT));
        for (SimModel m : sim.models(sp)) if (m.id().equals(d.providerModel())) simModels.put(d.id(), m);
      }
      List<RecordingProviderClient.Call> calls = recording.calls();
      List<DayResult.ModelRow> rows = rows(config, list, calls, report);
      DayResult result = new DayResult(p.name(), day, start, from, to, config, simModels, list, calls, sim.events(),
          report.fallbacks(), rows, traces.traces(), null, Duration.ofNanos(System.nanoTime() - wallStart));
      return result.withOracle(Oracle.judge(result));
    }
  }

  private static List<DayResult.ModelRow> rows(RouterConfig config, List<DayResult.RequestOutcome> outcomes,
      List<RecordingProviderClient.Call> calls, ReportListener report) {
    Map<String, long[]> servedBy = new HashMap<>();
    for (DayResult.RequestOutcome o : outcomes) {
      if (o.ok()) servedBy.computeIfAbsent(o.served().servedGroup(), k -> new long[1])[0]++;
    }
    Map<String, long[]> r429 = new HashMap<>();
    for (RecordingProviderClient.Call c : calls) if (c.status() == 429) r429.computeIfAbsent(c.deploymentId(), k -> new long[1])[0]++;
    Map<String, DayResult.ModelRow> rows = new LinkedHashMap<>();
    for (DeploymentConfig d : config.deployments()) {
      DayResult.ModelRow prev = rows.get(d.modelName());
      long served = servedBy.getOrDefault(d.modelName(), new long[1])[0];
      long n429 = r429.getOrDefault(d.id(), new long[1])[0] + (prev == null ? 0 : prev.upstream429());
      Instant cooled = report.cooledUntil(d.id());
      if (prev != null && prev.cooledUntil() != null && (cooled == null || prev.cooledUntil().isAfter(cooled))) cooled = prev.cooledUntil();
      rows.put(d.modelName(), new DayResult.ModelRow(d.modelName(), d.model(), served, report.limitSkips(d.modelName()), n429,
          cooled, report.fallbacksFrom(d.modelName())));
    }
    return new ArrayList<>(rows.values());
  }

  private static String firstLine(String m) {
    if (m == null) return "";
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Collects a replay's settings. Not thread-safe. */
  public static final class Builder {
    private long seed = 1;
    private int requests = 20_000;
    private Duration length = Duration.ofDays(1);
    private Instant start = Instant.parse("2025-06-02T06:00:00Z");
    private Duration outageFrom = Duration.ofHours(7);
    private Duration outageTo = Duration.ofHours(9);
    private int concurrency;
    private double speed;
    private Consumer<VirtualTimeDriver.Progress> progress;
    private final List<RouterListener> listeners = new ArrayList<>();

    private Builder() {}

    /** The seed of the load, the simulator and the baseline's jitter. */
    public Builder seed(long value) {
      this.seed = value;
      return this;
    }

    /** How many requests the day has. @throws IllegalArgumentException if below 1 */
    public Builder requests(int value) {
      if (value < 1) throw new IllegalArgumentException("requests must be >= 1, got " + value);
      this.requests = value;
      return this;
    }

    /** The day's length (default 24 h). */
    public Builder length(Duration value) {
      this.length = Objects.requireNonNull(value, "length");
      return this;
    }

    /** The virtual instant the day starts. */
    public Builder start(Instant value) {
      this.start = Objects.requireNonNull(value, "start");
      return this;
    }

    /**
     * The local vLLM outage, as offsets from the start; {@code null, null} for none.
     *
     * @throws IllegalArgumentException if only one bound is given or {@code to} is not after {@code from}
     */
    public Builder outage(Duration from, Duration to) {
      if ((from == null) != (to == null) || (from != null && to.compareTo(from) <= 0)) {
        throw new IllegalArgumentException("outage needs from < to, or both null");
      }
      this.outageFrom = from;
      this.outageTo = to;
      return this;
    }

    /**
     * Races {@code value} client threads per instant instead of the default deterministic replay (one request
     * at a time, in arrival order: {@link VirtualTimeDriver#ordered}); counts then move between runs.
     *
     * @throws IllegalArgumentException if below 1
     */
    public Builder concurrency(int value) {
      if (value < 1) throw new IllegalArgumentException("concurrency must be >= 1, got " + value);
      this.concurrency = value;
      return this;
    }

    /** Paces the replay at {@code value} virtual seconds per real second (0, the default: as fast as possible). */
    public Builder speed(double value) {
      if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException("speed must be a finite number >= 0");
      this.speed = value;
      return this;
    }

    /** Told where the replay stands after each step, on the replaying thread. */
    public Builder progress(Consumer<VirtualTimeDriver.Progress> value) {
      this.progress = value;
      return this;
    }

    /** An extra listener for the policy's decisions (repeatable); it must be thread-safe. */
    public Builder listener(RouterListener value) {
      listeners.add(Objects.requireNonNull(value, "listener"));
      return this;
    }

    /** Builds the replay (and generates its day). */
    public DayReplay build() {
      if (outageFrom != null && outageTo.compareTo(length) > 0) {
        throw new IllegalArgumentException("the outage must end within the day");
      }
      return new DayReplay(this);
    }
  }
}
