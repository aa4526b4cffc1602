/**
 * The testkit: a provider simulator on loopback ({@link io.llmrouter.testkit.ProviderSimulator}), a virtual
 * clock and the simulated-day scenario. No test framework at run time.
 */
module io.llmrouter.testkit {
  requires transitive io.llmrouter.core;
  requires transitive io.llmrouter.providers;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;

  exports io.llmrouter.testkit;
  exports io.llmrouter.testkit.scenario;
}
