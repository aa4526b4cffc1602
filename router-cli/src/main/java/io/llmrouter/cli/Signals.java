package io.llmrouter.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM and SIGINT itself (and SIGHUP: reload), so that {@code serve} can drain and then exit 0. With only a
 * shutdown hook the JVM would exit 143 after the hook, and a supervisor would record a failure.
 * {@code sun.misc.Signal} is the only JDK way to do this; where it is missing, the shutdown hook alone
 * still stops gracefully (with the JVM's own exit status).
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

  /**
   * Runs {@code action} on SIGHUP (serve reloads its configuration) instead of the JVM's default, which
   * runs the shutdown hooks and exits 129. False when the signal cannot be handled here.
   */
  static boolean onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> action.run());
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      LOG.debug("cannot handle SIGHUP ({}); reload by editing the config file instead", e.toString());
      return false;
    }
  }

  static void onTerminate(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> action.run());
      } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
        LOG.debug("cannot handle SIG{} ({}); the shutdown hook will stop the server", name, e.toString());
      }
    }
  }
}
