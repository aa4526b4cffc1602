package io.llmrouter.testkit;

/**
 * What the simulator did with one chat request, as recorded in a {@link SimEvent}.
 *
 * <p>Thread-safety: an immutable enum.
 */
public enum Outcome {
  /** Answered 200 with a full completion (possibly after a stall). */
  SERVED,
  /** Answered 429 because a quota window was exhausted; {@link SimEvent#limit()} says which. */
  RATE_LIMITED,
  /** Answered 400 because prompt plus max_tokens exceed the context window. */
  CONTEXT_EXCEEDED,
  /** Groq's 413: the single request is larger than the model's whole TPM budget. */
  REQUEST_TOO_LARGE,
  /** The model id is unknown, not callable by the account, or not a chat model. */
  UNKNOWN_MODEL,
  /** The model is decommissioned. */
  DECOMMISSIONED,
  /** OpenRouter 402: a paid model on the simulator's credit-less account. */
  PAYMENT_REQUIRED,
  /** OpenRouter 404: tools were sent to a model with no tool-capable endpoint. */
  TOOLS_UNSUPPORTED,
  /** 401: no API key was sent. */
  UNAUTHORIZED,
  /** 400: the body is not a chat request (bad JSON, no model, no messages). */
  BAD_REQUEST,
  /** 503 because the provider or model was taken down. */
  UNAVAILABLE,
  /** An injected fault; {@link SimEvent#fault()} says which. */
  FAULT
}
