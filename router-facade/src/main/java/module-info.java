/**
 * The embeddable OpenAI-compatible HTTP server ({@link io.llmrouter.facade.FacadeServer}, Jetty 12).
 * It requires the provider module so that a modular application that requires only this module still finds
 * the provider client.
 */
module io.llmrouter.facade {
  requires transitive io.llmrouter.core;
  requires io.llmrouter.providers;
  requires org.slf4j;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;

  exports io.llmrouter.facade;
}
