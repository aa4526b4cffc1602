package io.llmrouter.testkit;

/**
 * The simulator's token estimate: one token per four characters, rounded up. Every simulated provider
 * counts prompts, completions and quota use with it, so a test can predict usage exactly.
 *
 * <p>Thread-safety: stateless.
 */
public final class SimTokens {
  private SimTokens() {}

  /** Tokens of {@code text}: {@code ceil(length / 4)}; 0 for null or empty text. */
  public static int count(CharSequence text) {
    if (text == null) {
      return 0;
    }
    return (text.length() + 3) / 4;
  }
}
