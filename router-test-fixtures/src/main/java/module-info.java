/** Shared test fixtures: {@link io.llmrouter.testing.TestClock} and {@link io.llmrouter.testing.ScriptedProvider}. */
module io.llmrouter.testing {
  requires transitive io.llmrouter.api;

  exports io.llmrouter.testing;
}
