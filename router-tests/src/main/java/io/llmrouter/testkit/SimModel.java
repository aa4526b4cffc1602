package io.llmrouter.testkit;

import java.util.Objects;

/**
 * One model a simulated provider serves (or lists): its limits, context window and catalog facts.
 * A limit of 0 means "not enforced". Build with {@link #builder(SimProvider, String)}.
 *
 * <p>Thread-safety: immutable.
 */
public final class SimModel {

  /** What kind of model a catalog entry is; only {@link #CHAT} models answer chat completions. */
  public enum Kind {
    /** A chat/completions model. */
    CHAT,
    /** An embedding model (NIM {@code nv-embedqa}, Gemini {@code text-embedding}). */
    EMBEDDING,
    /** A safety classifier (Groq/NIM guard models); it is listed and a real router should not chat with it. */
    GUARD,
    /** A speech-to-text model (Groq whisper). */
    SPEECH_TO_TEXT
  }

  private final SimProvider provider;
  private final String id;
  private final Kind kind;
  private final int contextWindow;
  private final int maxCompletionTokens;
  private final int rpm;
  private final int rpd;
  private final int tpm;
  private final int tpd;
  private final boolean decommissioned;
  private final boolean entitled;
  private final boolean free;
  private final boolean supportsTools;
  private final String upstreamProvider;
  private final String ownedBy;

  private SimModel(Builder b) {
    this.provider = b.provider;
    this.id = b.id;
    this.kind = b.kind;
    this.contextWindow = b.contextWindow;
    this.maxCompletionTokens = b.maxCompletionTokens;
    this.rpm = b.rpm;
    this.rpd = b.rpd;
    this.tpm = b.tpm;
    this.tpd = b.tpd;
    this.decommissioned = b.decommissioned;
    this.entitled = b.entitled;
    this.free = b.free;
    this.supportsTools = b.supportsTools;
    this.upstreamProvider = b.upstreamProvider;
    this.ownedBy = b.ownedBy;
  }

  /**
   * Starts a chat model with a 131,072-token window, no limits, tools supported.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code id} is blank
   */
  public static Builder builder(SimProvider provider, String id) {
    return new Builder(provider, id);
  }

  /** A builder preloaded with this model's values. */
  public Builder toBuilder() {
    Builder b = new Builder(provider, id);
    b.kind = kind;
    b.contextWindow = contextWindow;
    b.maxCompletionTokens = maxCompletionTokens;
    b.rpm = rpm;
    b.rpd = rpd;
    b.tpm = tpm;
    b.tpd = tpd;
    b.decommissioned = decommissioned;
    b.entitled = entitled;
    b.free = free;
    b.supportsTools = supportsTools;
    b.upstreamProvider = upstreamProvider;
    b.ownedBy = ownedBy;
    return b;
  }

  /** The provider serving this model. */
  public SimProvider provider() {
    return provider;
  }

  /** The model id as the provider spells it in requests (Gemini: without the {@code models/} prefix). */
  public String id() {
    return id;
  }

  /** What kind of model this is. */
  public Kind kind() {
    return kind;
  }

  /** The context window in tokens (prompt plus completion). */
  public int contextWindow() {
    return contextWindow;
  }

  /** The largest completion the model produces, in tokens. */
  public int maxCompletionTokens() {
    return maxCompletionTokens;
  }

  /** Requests per minute; 0 = not enforced. */
  public int rpm() {
    return rpm;
  }

  /** Requests per day; 0 = not enforced. */
  public int rpd() {
    return rpd;
  }

  /** Tokens per minute; 0 = not enforced. */
  public int tpm() {
    return tpm;
  }

  /** Tokens per day; 0 = not enforced. */
  public int tpd() {
    return tpd;
  }

  /** True when the provider answers "decommissioned" for this id (it stays out of the listing). */
  public boolean decommissioned() {
    return decommissioned;
  }

  /** False when the catalog lists the model but the account cannot call it (NVIDIA NIM's 404 "Function ... Not found for account"). */
  public boolean entitled() {
    return entitled;
  }

  /** True when the model costs nothing (OpenRouter {@code :free}, pricing "0"); paid OpenRouter models answer 402 to the simulator's credit-less account. */
  public boolean free() {
    return free;
  }

  /** True when the model accepts {@code tools}; OpenRouter answers 404 "No endpoints found that support tool use" otherwise. */
  public boolean supportsTools() {
    return supportsTools;
  }

  /** For OpenRouter: the upstream provider named in {@code error.metadata.provider_name} (e.g. {@code Venice}). */
  public String upstreamProvider() {
    return upstreamProvider;
  }

  /** The {@code owned_by} value of the listing. */
  public String ownedBy() {
    return ownedBy;
  }

  /** True when this model answers chat completions at all (a chat kind, not decommissioned, entitled). */
  public boolean chatCallable() {
    return kind == Kind.CHAT && !decommissioned && entitled;
  }

  @Override
  public String toString() {
    return provider + "/" + id;
  }

  /** Builds a {@link SimModel}; not thread-safe. */
  public static final class Builder {
    private final SimProvider provider;
    private final String id;
    private Kind kind = Kind.CHAT;
    private int contextWindow = 131_072;
    private int maxCompletionTokens = 32_768;
    private int rpm;
    private int rpd;
    private int tpm;
    private int tpd;
    private boolean decommissioned;
    private boolean entitled = true;
    private boolean free = true;
    private boolean supportsTools = true;
    private String upstreamProvider = "SimUpstream";
    private String ownedBy;

    private Builder(SimProvider provider, String id) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.id = Objects.requireNonNull(id, "id");
      if (id.isBlank()) {
        throw new IllegalArgumentException("model id must not be blank");
      }
      this.ownedBy = id.contains("/") ? id.substring(0, id.indexOf('/')) : provider.name().toLowerCase();
    }

    /** Sets the kind (default {@link Kind#CHAT}). */
    public Builder kind(Kind value) {
      this.kind = Objects.requireNonNull(value, "kind");
      return this;
    }

    /** Sets the context window in tokens. @throws IllegalArgumentException if not positive */
    public Builder contextWindow(int tokens) {
      this.contextWindow = positive("contextWindow", tokens);
      return this;
    }

    /** Sets the largest completion in tokens. @throws IllegalArgumentException if not positive */
    public Builder maxCompletionTokens(int tokens) {
      this.maxCompletionTokens = positive("maxCompletionTokens", tokens);
      return this;
    }

    /** Sets requests per minute (0 = unlimited). @throws IllegalArgumentException if negative */
    public Builder rpm(int value) {
      this.rpm = nonNegative("rpm", value);
      return this;
    }

    /** Sets requests per day (0 = unlimited). @throws IllegalArgumentException if negative */
    public Builder rpd(int value) {
      this.rpd = nonNegative("rpd", value);
      return this;
    }

    /** Sets tokens per minute (0 = unlimited). @throws IllegalArgumentException if negative */
    public Builder tpm(int value) {
      this.tpm = nonNegative("tpm", value);
      return this;
    }

    /** Sets tokens per day (0 = unlimited). @throws IllegalArgumentException if negative */
    public Builder tpd(int value) {
      this.tpd = nonNegative("tpd", value);
      return this;
    }

    /** Marks the model decommissioned. */
    public Builder decommissioned(boolean value) {
      this.decommissioned = value;
      return this;
    }

    /** Sets whether the account may call the model (default true). */
    public Builder entitled(boolean value) {
      this.entitled = value;
      return this;
    }

    /** Sets whether the model is free (default true). */
    public Builder free(boolean value) {
      this.free = value;
      return this;
    }

    /** Sets whether the model accepts tools (default true). */
    public Builder supportsTools(boolean value) {
      this.supportsTools = value;
      return this;
    }

    /** Sets the OpenRouter upstream provider name. */
    public Builder upstreamProvider(String value) {
      this.upstreamProvider = Objects.requireNonNull(value, "upstreamProvider");
      return this;
    }

    /** Sets the listing's {@code owned_by}. */
    public Builder ownedBy(String value) {
      this.ownedBy = Objects.requireNonNull(value, "ownedBy");
      return this;
    }

    /** Builds the immutable model. */
    public SimModel build() {
      return new SimModel(this);
    }

    private static int positive(String name, int v) {
      if (v <= 0) {
        throw new IllegalArgumentException(name + " must be > 0, got " + v);
      }
      return v;
    }

    private static int nonNegative(String name, int v) {
      if (v < 0) {
        throw new IllegalArgumentException(name + " must be >= 0 (0 = unlimited), got " + v);
      }
      return v;
    }
  }
}
