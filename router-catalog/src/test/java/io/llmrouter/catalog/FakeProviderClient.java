package io.llmrouter.catalog;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.ProviderException;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ModelListing;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.ProviderClient;
import io.llmrouter.api.spi.ProviderInfo;
import io.llmrouter.api.spi.ProviderResponse;
import io.llmrouter.api.spi.ProviderStream;
import io.llmrouter.providers.OpenAiCompatibleClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A scripted provider client: listings per prefix, a behaviour per model id, concurrency counted. */
final class FakeProviderClient implements ProviderClient {
  /** What the real dialects declare (keys, bases, catalog hints); this fake only scripts the wire. */
  static final Map<String, ProviderInfo> INFO = Map.of(
      "hosted_vllm", OpenAiCompatibleClient.builtInInfo("hosted_vllm"),
      "groq", OpenAiCompatibleClient.builtInInfo("groq"),
      "nvidia_nim", OpenAiCompatibleClient.builtInInfo("nvidia_nim"),
      "openrouter", OpenAiCompatibleClient.builtInInfo("openrouter"));

  /** The providers this fake serves; tests may add more. */
  final Map<String, ProviderInfo> info = new ConcurrentHashMap<>(INFO);
  final Map<String, List<ModelListing>> listings = new HashMap<>();
  final Map<String, RuntimeException> listFailures = new HashMap<>();
  /** model id -> what the n-th call (0-based) does: null result = success. */
  final Map<String, Function<Integer, RuntimeException>> behaviour = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> callsPerModel = new ConcurrentHashMap<>();
  final List<Endpoint> probed = new CopyOnWriteArrayList<>();
  final List<Endpoint> listed = new CopyOnWriteArrayList<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();
  volatile CountDownLatch overlap = new CountDownLatch(0);

  FakeProviderClient list(String prefix, ModelListing... models) {
    listings.put(prefix, List.of(models));
    return this;
  }

  static ModelListing chat(String id) {
    return new ModelListing(id, 131072, true, null, JsonNodeFactory.instance.objectNode());
  }

  static ModelListing free(String id, boolean free) {
    return new ModelListing(id, 65536, true, free, JsonNodeFactory.instance.objectNode());
  }

  static ModelListing nonChat(String id) {
    return new ModelListing(id, null, false, null, JsonNodeFactory.instance.objectNode());
  }

  static ErrorContext ctx(int status, String provider, String body) {
    return new ErrorContext(status, provider, null, Map.of(), body, RateSignal.none(Instant.EPOCH));
  }

  @Override
  public Set<String> prefixes() {
    return Set.copyOf(info.keySet());
  }

  @Override
  public ProviderInfo info(String prefix) {
    ProviderInfo i = info.get(prefix);
    if (i == null) throw new IllegalArgumentException(prefix);
    return i;
  }

  @Override
  public ProviderResponse<ChatResponse> chat(ProviderCall call) {
    probed.add(call.endpoint());
    if (call.request().maxTokens() == null || call.request().maxTokens() != 1) throw new AssertionError("probe must use max_tokens 1");
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    try {
      overlap.countDown();
      // Hold the call until as many as allowed are in flight, so overlap really happens (bounded wait).
      overlap.await(200, TimeUnit.MILLISECONDS);
      int n = callsPerModel.computeIfAbsent(call.endpoint().model(), k -> new AtomicInteger()).getAndIncrement();
      Function<Integer, RuntimeException> b = behaviour.get(call.endpoint().model());
      RuntimeException e = b == null ? null : b.apply(n);
      if (e != null) throw e;
      return new ProviderResponse<>(null, 200, Map.of(), RateSignal.none(Instant.EPOCH));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderException("interrupted", true, ctx(0, call.endpoint().provider(), null), e);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public ProviderStream stream(ProviderCall call) {
    throw new IllegalStateException("the catalog never streams");
  }

  @Override
  public ProviderResponse<List<ModelListing>> listModels(Endpoint endpoint, Duration timeout) {
    listed.add(endpoint);
    RuntimeException f = listFailures.get(endpoint.provider());
    if (f != null) throw f;
    return new ProviderResponse<>(new ArrayList<>(listings.getOrDefault(endpoint.provider(), List.of())), 200, Map.of(),
        RateSignal.none(Instant.EPOCH));
  }

  @Override
  public void close() {}
}
