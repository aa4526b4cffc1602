package com.example.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.core.LlmRouter;
import org.junit.jupiter.api.Test;

/** Not in the README: proves the example above ran as a modular application, not on the class path. */
class ModulePathTest {

  @Test
  void theApplicationAndLlmRouterRunAsNamedModulesWithTheirDependencies() {
    assertThat(Assistant.class.getModule().getName()).isEqualTo("com.example.agent");
    assertThat(LlmRouter.class.getModule().getName()).isEqualTo("io.llmrouter.core");
    ModuleLayer boot = ModuleLayer.boot();
    // The two that failed before the modules had descriptors: Jackson (NoClassDefFoundError), then okio.
    assertThat(boot.findModule("com.fasterxml.jackson.databind")).isPresent();
    assertThat(boot.findModule("io.llmrouter.providers")).isPresent();   // found as a service provider
    assertThat(boot.findModule("okio")).isPresent();
    assertThat(boot.findModule("kotlin.stdlib")).isPresent();
  }
}
