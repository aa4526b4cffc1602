package io.llmrouter.springai;

import io.llmrouter.testkit.ProviderSimulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Test support: writes a LiteLLM config.yaml whose keys and bases are {@code os.environ/...}, and a .env beside it with the simulator's. */
public final class SimulatorConfig {
  private SimulatorConfig() {}

  static final String YAML = """
      model_list:
        - model_name: smart
          litellm_params:
            model: groq/llama-3.3-70b-versatile
            api_key: os.environ/GROQ_API_KEY
            api_base: os.environ/GROQ_API_BASE
        - model_name: fast
          litellm_params:
            model: groq/llama-3.1-8b-instant
            api_key: os.environ/GROQ_API_KEY
            api_base: os.environ/GROQ_API_BASE
        - model_name: nim
          litellm_params:
            model: nvidia_nim/meta/llama-3.3-70b-instruct
            api_key: os.environ/NVIDIA_NIM_API_KEY
            api_base: os.environ/NVIDIA_NIM_API_BASE
        - model_name: free
          litellm_params:
            model: openrouter/qwen/qwen3-coder:free
            api_key: os.environ/OPENROUTER_API_KEY
            api_base: os.environ/OPENROUTER_API_BASE
      router_settings:
        fallbacks:
          - {"smart": ["fast"]}
      """;

  /** Writes {@code config.yaml} and {@code .env} into {@code dir}; returns the config's path. */
  public static Path write(Path dir, ProviderSimulator sim) {
    try {
      StringBuilder env = new StringBuilder();
      for (Map.Entry<String, String> e : sim.env().entrySet()) {
        env.append(e.getKey()).append('=').append(e.getValue()).append('\n');
      }
      Files.writeString(dir.resolve(".env"), env);
      return Files.writeString(dir.resolve("config.yaml"), YAML);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
