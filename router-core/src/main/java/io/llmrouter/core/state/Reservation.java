package io.llmrouter.core.state;

/**
 * What a deployment's rpm/tpm windows answered to one admission: a grant (corrected later with the
 * actual token usage), or a refusal naming the full window and when it frees.
 */
public sealed interface Reservation permits Reservation.Granted, Reservation.Refused {

  /** Which window refused. */
  enum Limit { RPM, TPM }

  /**
   * A granted reservation. Implementations keep what they need to correct it; {@link #NO_TOKENS} is the
   * grant of a deployment without a tpm window.
   */
  non-sealed class Granted implements Reservation {
    /** The grant of a deployment whose tokens are not counted. */
    public static final Granted NO_TOKENS = new Granted();

    /** For implementations. */
    protected Granted() {}
  }

  /**
   * A refusal.
   *
   * @param limit the full window
   * @param freeAt epoch ms at which the request would fit, {@link Long#MAX_VALUE} when it never will (more
   *     tokens than the whole tpm)
   */
  record Refused(Limit limit, long freeAt) implements Reservation {
    /** True when waiting cannot help: the request alone exceeds the window. */
    public boolean never() {
      return freeAt == Long.MAX_VALUE;
    }
  }
}
