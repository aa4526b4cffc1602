package io.llmrouter.api.spi;

import io.llmrouter.api.ChatRequest;
import java.time.Duration;

/**
 * One call to one deployment.
 *
 * @param endpoint where to send it
 * @param request the request as it should go upstream (router-only fields already removed; the client
 *     replaces {@code model} with {@link Endpoint#model()} and sets {@code stream})
 * @param timeout the whole call's timeout (for a stream: until the first byte, and between chunks)
 * @param dropParams when true, parameters the provider rejects are removed instead of sent
 */
public record ProviderCall(Endpoint endpoint, ChatRequest request, Duration timeout, boolean dropParams) {}
