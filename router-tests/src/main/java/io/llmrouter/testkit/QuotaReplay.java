package io.llmrouter.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * The simulator's ground truth for one model after the fact: replays the requests it admitted (its
 * {@link SimEvent}s) through fresh quota windows of the provider's own algorithm (the same
 * {@code RateWindow} classes the simulator counts with: Groq and Cerebras buckets, NIM rolling windows,
 * OpenRouter's calendar minute and 00:00 UTC free cap, ...) and answers, for hypothetical requests, the
 * earliest instant in a span at which one more request of a given token charge would have been admitted
 * without exceeding any window, with everything the simulator really admitted counted (at the same instant
 * too) and the model's down spans left out.
 *
 * <p>"Admitted" means what the simulator charged: the events for which {@link SimEvent#admitted()} holds,
 * in arrival order, each charging one request and its {@link SimEvent#totalTokens()}.
 *
 * <p>Thread-safety: immutable; {@link #earliest} builds fresh windows on every call.
 */
public final class QuotaReplay {

  /**
   * One hypothetical request.
   *
   * @param from the first instant it may be served
   * @param until the last instant it may be served (its deadline)
   * @param tokens what it would charge to the token windows (prompt plus completion, {@link #tokensCharged})
   */
  public record Query(Instant from, Instant until, long tokens) {
    public Query {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(until, "until");
    }
  }

  /**
   * A span in which the model could not serve at all (an outage), {@code [from, to)}.
   *
   * @param from the first instant down
   * @param to the first instant up again
   */
  public record Down(Instant from, Instant to) {}

  private final SimModel model;
  private final Instant start;
  private final int openRouterFreeDailyCap;
  private final List<SimEvent> admitted;

  private QuotaReplay(SimModel model, Instant start, int openRouterFreeDailyCap, List<SimEvent> admitted) {
    this.model = model;
    this.start = start;
    this.openRouterFreeDailyCap = openRouterFreeDailyCap;
    this.admitted = admitted;
  }

  /**
   * The replay of {@code model} as a simulator started at {@code start} counted it.
   *
   * @param model the simulated model
   * @param start when the simulator was built (its bucket windows start full then)
   * @param openRouterFreeDailyCap the simulator's per-model {@code free-models-per-day} (200 by default; 0 for none)
   * @param events the simulator's events, all models together, in arrival order ({@link ProviderSimulator#events()})
   */
  public static QuotaReplay of(SimModel model, Instant start, int openRouterFreeDailyCap, List<SimEvent> events) {
    List<SimEvent> mine = new ArrayList<>();
    for (SimEvent e : events) {
      if (e.provider() == model.provider() && e.model().equals(model.id()) && e.admitted()) mine.add(e);
    }
    return new QuotaReplay(model, start, openRouterFreeDailyCap, List.copyOf(mine));
  }

  /** The model replayed. */
  public SimModel model() {
    return model;
  }

  /**
   * The tokens the simulator would charge {@code model} for the chat request {@code body} (an OpenAI
   * chat-completions JSON body): its prompt plus the completion it would answer.
   *
   * @throws IllegalArgumentException if the body is not a chat request
   */
  public static long tokensCharged(SimModel model, JsonNode body) {
    ChatCall call = ChatCall.parse(body);
    if (call == null) throw new IllegalArgumentException("not a chat request: needs a model and messages");
    return (long) call.promptTokens + ProviderSimulator.plan(model, call, null).completionTokens();
  }

  /** Prompt tokens the simulator counts for the chat request {@code body}. @throws IllegalArgumentException if not a chat request */
  public static int promptTokens(JsonNode body) {
    ChatCall call = ChatCall.parse(body);
    if (call == null) throw new IllegalArgumentException("not a chat request: needs a model and messages");
    return call.promptTokens;
  }

  /**
   * For each query, the earliest instant in {@code [from, until]} at which the model would have admitted it,
   * or null when there is none (a window always full then, the model down, or a charge larger than a
   * window). Queries are answered alone: none counts another's charge.
   *
   * @param queries the hypothetical requests
   * @param down the spans in which the model could not serve, in any order
   */
  public List<Instant> earliest(List<Query> queries, List<Down> down) {
    Instant[] out = new Instant[queries.size()];
    Map<Limit, RateWindow> windows = windows();
    // Answered in time order, so one pass of the admitted events through the windows serves every query.
    PriorityQueue<long[]> pending = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
    for (int i = 0; i < queries.size(); i++) pending.add(new long[] {nanos(queries.get(i).from()), i});
    int cursor = 0;
    while (!pending.isEmpty()) {
      long[] p = pending.poll();
      int qi = (int) p[1];
      Query q = queries.get(qi);
      Instant t = instant(p[0]);
      if (t.isAfter(q.until())) continue;
      while (cursor < admitted.size() && !admitted.get(cursor).time().isAfter(t)) {
        SimEvent e = admitted.get(cursor++);
        for (RateWindow w : windows.values()) w.consume(w.limit.countsTokens() ? e.totalTokens() : 1, e.time());
      }
      Instant upAt = upAt(t, down);
      if (upAt != null) {
        pending.add(new long[] {nanos(upAt), qi});
        continue;
      }
      Duration wait = Duration.ZERO;
      for (RateWindow w : windows.values()) {
        Duration d = w.waitFor(w.limit.countsTokens() ? q.tokens() : 1, t);
        if (d.compareTo(wait) > 0) wait = d;
      }
      if (wait.isZero()) {
        out[qi] = t;
      } else if (wait.compareTo(RateWindow.NEVER) < 0) {
        pending.add(new long[] {nanos(t.plus(wait)), qi});
      }
    }
    return Arrays.asList(out);
  }

  /** The largest charge any window of the model could ever take (its smallest token capacity), or Long.MAX_VALUE. */
  public long largestCharge() {
    long max = Long.MAX_VALUE;
    for (RateWindow w : windows().values()) if (w.limit.countsTokens()) max = Math.min(max, w.capacity);
    return max;
  }

  // The windows exactly as the simulator's constructor builds them.
  private Map<Limit, RateWindow> windows() {
    Wire wire = Wire.of(model.provider());
    Map<Limit, RateWindow> w = new EnumMap<>(Limit.class);
    put(w, wire, Limit.RPM, model.rpm());
    if (model.provider() == SimProvider.OPENROUTER) {
      if (model.free()) put(w, wire, Limit.RPD, openRouterFreeDailyCap);
    } else {
      put(w, wire, Limit.RPD, model.rpd());
    }
    put(w, wire, Limit.TPM, model.tpm());
    put(w, wire, Limit.TPD, model.tpd());
    return w;
  }

  private void put(Map<Limit, RateWindow> w, Wire wire, Limit limit, int capacity) {
    if (capacity > 0) w.put(limit, wire.newWindow(limit, capacity, start));
  }

  private static Instant upAt(Instant t, List<Down> down) {
    for (Down d : down) {
      if (!t.isBefore(d.from()) && t.isBefore(d.to())) return d.to();
    }
    return null;
  }

  private static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static Instant instant(long nanos) {
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }
}
