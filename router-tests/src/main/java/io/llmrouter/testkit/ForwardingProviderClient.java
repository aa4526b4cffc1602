package io.llmrouter.testkit;

import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.EmbeddingResponse;
import io.llmrouter.api.spi.EmbeddingCall;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ProviderClient} that passes every call to another one. Extend it and override only what a test
 * watches or changes (count calls in flight, record signals, hold a stream back), as with OkHttp's
 * {@code ForwardingSource}. Thread-safe when the delegate is and the overrides are.
 */
public abstract class ForwardingProviderClient implements ProviderClient {
  private final ProviderClient delegate;

  protected ForwardingProviderClient(ProviderClient delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** The client calls are passed to. */
  protected final ProviderClient delegate() {
    return delegate;
  }

  @Override
  public Set<String> prefixes() {
    return delegate.prefixes();
  }

  @Override
  public ProviderInfo info(String prefix) {
    return delegate.info(prefix);
  }

  @Override
  public ProviderResponse<ChatResponse> chat(ProviderCall call) {
    return delegate.chat(call);
  }

  @Override
  public ProviderStream stream(ProviderCall call) {
    return delegate.stream(call);
  }

  @Override
  public ProviderResponse<EmbeddingResponse> embed(EmbeddingCall call) {
    return delegate.embed(call);
  }

  @Override
  public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
    return delegate.listModels(endpoint, timeout);
  }

  @Override
  public ProviderResponse<Boolean> checkKey(Endpoint endpoint, Duration timeout) {
    return delegate.checkKey(endpoint, timeout);
  }

  /** Closes the delegate. */
  @Override
  public void close() {
    delegate.close();
  }
}
