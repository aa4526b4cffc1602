/** The model-catalog maintainer behind {@code llm-router models}. */
module io.llmrouter.catalog {
  requires transitive io.llmrouter.core;
  requires transitive io.llmrouter.providers;
  requires com.fasterxml.jackson.dataformat.yaml;
  requires dev.failsafe.core;

  exports io.llmrouter.catalog;
}
