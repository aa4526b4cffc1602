package io.llmrouter.facade;

import java.time.Instant;

/**
 * Where the served configuration stands: when the running one was loaded, how many reloads succeeded, and
 * the last reload that failed (the loader's key-path message, never a secret). The facade shows it on
 * {@code /health/readiness}; a status page can read it from {@link FacadeOptions#reloadStatus()} too.
 *
 * @param loadedAt when the configuration now serving was loaded
 * @param reloads how many reloads succeeded since the start
 * @param failedAt when the last failed reload was tried, or null when none failed since the last success
 * @param error the failed reload's error message (for example
 *     {@code router_settings.fallbacks[0]: unknown model group 'x'}), or null
 */
public record ReloadStatus(Instant loadedAt, long reloads, Instant failedAt, String error) {

  /** True when the last reload failed and the previous configuration still serves. */
  public boolean failing() {
    return failedAt != null;
  }
}
