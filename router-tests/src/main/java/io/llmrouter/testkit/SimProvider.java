package io.llmrouter.testkit;

/**
 * The providers the {@link ProviderSimulator} can play, each with its real URL path shape and the
 * environment-variable prefix LiteLLM-style configs use for it ({@code <PREFIX>_API_BASE},
 * {@code <PREFIX>_API_KEY}).
 *
 * <p>Thread-safety: an immutable enum.
 */
public enum SimProvider {
  /** Groq: {@code https://api.groq.com/openai/v1}. Token-bucket limits, RPD/TPM headers with Go durations. */
  GROQ("GROQ", "/openai/v1", "gsk_sim0000000000000000000000000000000000000000000000"),
  /** OpenRouter: {@code https://openrouter.ai/api/v1}. No headers on success; platform 429s with epoch-ms resets. */
  OPENROUTER("OPENROUTER", "/api/v1", "sk-or-v1-sim000000000000000000000000000000000000000000000000000000"),
  /** NVIDIA NIM hosted: {@code https://integrate.api.nvidia.com/v1}. No rate headers; problem-JSON 429. */
  NVIDIA_NIM("NVIDIA_NIM", "/v1", "nvapi-sim000000000000000000000000000000000000000000000000000000000"),
  /** A local vLLM server: {@code http://host:8000/v1}. No limits, no headers; can be taken down. */
  HOSTED_VLLM("HOSTED_VLLM", "/v1", "sim-vllm-key"),
  /** Cerebras: {@code https://api.cerebras.ai/v1}. {@code -requests-day}/{@code -tokens-minute} headers, float-second resets. */
  CEREBRAS("CEREBRAS", "/v1", "csk-sim0000000000000000000000000000000000000000000000"),
  /** Gemini OpenAI compatibility: {@code https://generativelanguage.googleapis.com/v1beta/openai}. Array-wrapped errors. */
  GEMINI("GEMINI", "/v1beta/openai", "AIzaSim000000000000000000000000000000000");

  private final String envPrefix;
  private final String pathPrefix;
  private final String fakeKey;

  SimProvider(String envPrefix, String pathPrefix, String fakeKey) {
    this.envPrefix = envPrefix;
    this.pathPrefix = pathPrefix;
    this.fakeKey = fakeKey;
  }

  /** The environment-variable prefix, e.g. {@code GROQ} for {@code GROQ_API_BASE} and {@code GROQ_API_KEY}. */
  public String envPrefix() {
    return envPrefix;
  }

  /** The URL path the provider's OpenAI-compatible API lives under, e.g. {@code /openai/v1}; no trailing slash. */
  public String pathPrefix() {
    return pathPrefix;
  }

  /** The fake API key {@link ProviderSimulator#env()} hands out, shaped like the real provider's keys. */
  public String fakeKey() {
    return fakeKey;
  }

  /** The name of the base-URL environment variable, e.g. {@code GROQ_API_BASE}. */
  public String apiBaseVariable() {
    return envPrefix + "_API_BASE";
  }

  /** The name of the API-key environment variable, e.g. {@code GROQ_API_KEY}. */
  public String apiKeyVariable() {
    return envPrefix + "_API_KEY";
  }
}
