package io.llmrouter.core.state;

/**
 * A parked request's place at one deployment ({@link DeploymentState#hold}): while it stands, requests that
 * came after it are admitted only past what it committed for its wake-up instant, so the capacity it waits
 * for is still there when it wakes. Released when the request is admitted (here or anywhere), moves on or
 * fails; it lapses by itself at the request's deadline. Thread-safe.
 */
public interface Hold {
  /** The hold of a state that keeps no waiters: releasing it does nothing. */
  Hold NONE = () -> {};

  /** Gives the place up now. Idempotent. */
  void release();
}
