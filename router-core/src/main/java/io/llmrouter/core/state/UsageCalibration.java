package io.llmrouter.core.state;

/**
 * What one deployment's recent calls really counted against the router's estimates: the provider's prompt
 * tokens per estimated prompt token, and the completions' lengths. A tracked refused token window needs a
 * request's cost as the provider will count it; the estimate reserves the whole {@code max_tokens}, which
 * most completions do not come near, and that caution costs a request its place in a window that refills a
 * few tokens a second (Groq's tokens per day: 5.8 a second). The need is the largest of the recent ratios
 * and the longest of the recent completions (never more than the request's own cap), so an estimate errs
 * high; until {@link #MIN_SAMPLES} calls are known the refused request's own scale is used.
 *
 * <p>Calls that offer tools and calls that do not are kept apart: a tool call's answer is a few dozen tokens
 * of arguments, a text answer runs longer, and weighing a tool request by the longest text answer held it
 * back for tokens it would never use (seconds of a day window's refill; the oracle's "first group could serve
 * now"). A kind with too few calls of its own borrows both kinds' samples. Thread-safe.
 */
final class UsageCalibration {
  static final int SIZE = 32;
  static final int MIN_SAMPLES = 4;

  // [0]: calls without tools, [1]: calls with tools
  private final double[][] promptRatio = new double[2][SIZE];
  private final long[][] completion = new long[2][SIZE];
  private final int[] next = new int[2];
  private final int[] count = new int[2];

  synchronized void add(long promptEstimate, long promptTokens, long completionTokens, boolean tools) {
    if (promptEstimate <= 0 || promptTokens <= 0 || completionTokens < 0) return;
    int k = tools ? 1 : 0;
    promptRatio[k][next[k]] = (double) promptTokens / promptEstimate;
    completion[k][next[k]] = completionTokens;
    next[k] = (next[k] + 1) % SIZE;
    if (count[k] < SIZE) count[k]++;
  }

  /**
   * The provider's count of a request of {@code promptTokens} (estimated) and at most {@code completionCap}
   * completion tokens, offering tools or not; {@code fallbackScale} times their sum while too few calls are known.
   */
  synchronized long need(long promptTokens, long completionCap, double fallbackScale, boolean tools) {
    int k = tools ? 1 : 0;
    boolean own = count[k] >= MIN_SAMPLES;
    if (!own && count[0] + count[1] < MIN_SAMPLES) return (long) Math.ceil((promptTokens + completionCap) * fallbackScale);
    double ratio = 0;
    long longest = 0;
    for (int j = 0; j < 2; j++) {
      if (own && j != k) continue;
      for (int i = 0; i < count[j]; i++) {
        ratio = Math.max(ratio, promptRatio[j][i]);
        longest = Math.max(longest, completion[j][i]);
      }
    }
    return (long) Math.ceil(promptTokens * ratio - 1e-9) + Math.min(completionCap, longest);
  }
}
