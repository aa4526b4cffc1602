module com.example.addons {
  requires io.llmrouter.core;
  requires io.llmrouter.redis;         // automatic module: shared state on Redis (Lettuce)
  requires io.llmrouter.micrometer;    // automatic module: RouterMetrics
  requires micrometer.core;

  exports com.example.addons;
}
