package io.llmrouter.core.state;

/**
 * What one deployment's recent calls really counted against the router's estimates: the provider's prompt
 * tokens per estimated prompt token, and the completions' lengths. A tracked refused token window needs a
 * request's cost as the provider will count it; the estimate reserves the whole {@code max_tokens}, which
 * most completions do not come near, and that caution costs a request its place in a window that refills a
 * few tokens a second (Groq's tokens per day: 5.8 a second). The need is the largest of the recent ratios
 * and the longest of the recent completions (never more than the request's own cap), so an estimate errs
 * high; until {@link #MIN_SAMPLES} calls are known the refused request's own scale is used. Thread-safe.
 */
final class UsageCalibration {
  static final int SIZE = 32;
  static final int MIN_SAMPLES = 4;

  private final double[] promptRatio = new double[SIZE];
  private final long[] completion = new long[SIZE];
  private int next;
  private int count;

  synchronized void add(long promptEstimate, long promptTokens, long completionTokens) {
    if (promptEstimate <= 0 || promptTokens <= 0 || completionTokens < 0) return;
    promptRatio[next] = (double) promptTokens / promptEstimate;
    completion[next] = completionTokens;
    next = (next + 1) % SIZE;
    if (count < SIZE) count++;
  }

  /**
   * The provider's count of a request of {@code promptTokens} (estimated) and at most {@code completionCap}
   * completion tokens; {@code fallbackScale} times their sum while too few calls are known.
   */
  synchronized long need(long promptTokens, long completionCap, double fallbackScale) {
    if (count < MIN_SAMPLES) return (long) Math.ceil((promptTokens + completionCap) * fallbackScale);
    double ratio = 0;
    long longest = 0;
    for (int i = 0; i < count; i++) {
      ratio = Math.max(ratio, promptRatio[i]);
      longest = Math.max(longest, completion[i]);
    }
    return (long) Math.ceil(promptTokens * ratio - 1e-9) + Math.min(completionCap, longest);
  }
}
