package io.llmrouter.springai;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code llm-router.*} settings: {@code llm-router.config} (the LiteLLM {@code config.yaml}; a {@code .env}
 * beside it is read, and {@code os.environ/NAME} values resolve against it and the process environment),
 * {@code llm-router.env-file} (another {@code .env} instead) and {@code llm-router.model} (the model group
 * the {@code ChatModel} bean uses when a prompt names none).
 */
@ConfigurationProperties(prefix = "llm-router")
public class LlmRouterProperties {
  private Path config;
  private Path envFile;
  private String model;

  /** The LiteLLM config file. */
  public Path getConfig() {
    return config;
  }

  /** @param config the LiteLLM config file */
  public void setConfig(Path config) {
    this.config = config;
  }

  /** The {@code .env} file to read instead of the one beside the config, or null. */
  public Path getEnvFile() {
    return envFile;
  }

  /** @param envFile the {@code .env} file to read instead of the one beside the config */
  public void setEnvFile(Path envFile) {
    this.envFile = envFile;
  }

  /** The default model group of the {@code ChatModel} bean, or null. */
  public String getModel() {
    return model;
  }

  /** @param model the default model group of the {@code ChatModel} bean */
  public void setModel(String model) {
    this.model = model;
  }
}
