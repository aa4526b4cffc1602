package io.llmrouter.testkit.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A seeded day of agent load against the guide's config: bursts of requests (an agent's tool loop fires
 * several calls within seconds), busier working hours, mostly short prompts with some long ones, a share
 * of streamed requests and of requests with tools. Most traffic asks for the local model; the rest goes
 * straight to the cloud groups, as a user of the guide's gateway would send it.
 *
 * <p>The same seed and size always give the same list. Thread-safety: immutable.
 *
 * @param seed the seed
 * @param requests the requests of the day, sorted by arrival time
 * @param length the day's length
 */
public record AgentDay(long seed, List<AgentRequest> requests, Duration length) {

  /** Which model groups the day asks for, with weights: local first, then the guide's cloud groups. */
  static final String[] MODELS = {
    "local/qwen", "groq/llama-3.3-70b", "groq/llama-3.1-8b", "groq/qwen3-32b", "groq/llama-4-scout",
    "nvidia/llama-3.3-70b", "openrouter/hermes-3-405b", "openrouter/llama-3.3-70b", "openrouter/deepseek-r1"};
  static final double[] WEIGHTS = {0.55, 0.12, 0.08, 0.05, 0.03, 0.07, 0.05, 0.03, 0.02};

  public AgentDay {
    requests = List.copyOf(requests);
    Objects.requireNonNull(length, "length");
  }

  /**
   * Generates a day of {@code count} requests spread over {@code length}.
   *
   * @throws IllegalArgumentException if {@code count < 1} or {@code length} is not positive
   */
  public static AgentDay generate(long seed, int count, Duration length) {
    if (count < 1) throw new IllegalArgumentException("count must be >= 1, got " + count);
    if (length.isZero() || length.isNegative()) throw new IllegalArgumentException("length must be positive, got " + length);
    SplittableRandom rnd = new SplittableRandom(seed);
    long dayMillis = length.toMillis();
    List<AgentRequest> out = new ArrayList<>(count);
    List<Long> times = new ArrayList<>(count);
    while (times.size() < count) {
      // A burst starts at a time drawn with working hours (the middle of the day) three times as likely.
      long start;
      do {
        start = rnd.nextLong(dayMillis);
      } while (!busy(start, dayMillis) && rnd.nextInt(3) != 0);
      int size = 1 + (int) Math.min(59, -Math.log(1 - rnd.nextDouble()) * 10); // geometric-like, mean ~10
      long t = start;
      for (int i = 0; i < size && times.size() < count; i++) {
        times.add(Math.min(t, dayMillis - 1));
        // Half the time the next call goes out with this one (parallel tool calls), else 0.25-1 s later.
        if (rnd.nextBoolean()) t += 250L * (1 + rnd.nextInt(4));
      }
    }
    times.sort(Comparator.naturalOrder());
    for (int i = 0; i < count; i++) {
      String model = pick(rnd);
      double r = rnd.nextDouble();
      // Mostly short chat turns; one in ten carries a large file or log (2-9K tokens).
      int prompt = r < 0.60 ? 20 + rnd.nextInt(200) : r < 0.90 ? 300 + rnd.nextInt(1_200) : 2_000 + rnd.nextInt(7_000);
      boolean stream = rnd.nextInt(4) == 0;
      boolean tools = rnd.nextInt(7) == 0;
      out.add(new AgentRequest(i, Duration.ofMillis(times.get(i)), model, prompt, 256, stream, tools));
    }
    return new AgentDay(seed, out, length);
  }

  private static boolean busy(long t, long day) {
    return t > day / 4 && t < day * 3 / 4;
  }

  private static String pick(SplittableRandom rnd) {
    double x = rnd.nextDouble();
    for (int i = 0; i < MODELS.length; i++) {
      x -= WEIGHTS[i];
      if (x < 0) return MODELS[i];
    }
    return MODELS[0];
  }
}
