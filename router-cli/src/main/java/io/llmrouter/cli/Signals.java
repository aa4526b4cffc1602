package io.llmrouter.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGTERM and SIGINT itself, so that {@code serve} can drain and then exit 0. With only a
 * shutdown hook the JVM would exit 143 after the hook, and a supervisor would record a failure.
 * {@code sun.misc.Signal} is the only JDK way to do this; where it is missing, the shutdown hook alone
 * still stops gracefully (with the JVM's own exit status).
 */
final class Signals {
  private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

  private Signals() {}

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
