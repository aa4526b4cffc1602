// snippet:module-info
module com.example.agent {
  requires io.llmrouter.core;      // brings io.llmrouter.api and Jackson; the provider client is found as a service

  exports com.example.agent;
}
// end:module-info
