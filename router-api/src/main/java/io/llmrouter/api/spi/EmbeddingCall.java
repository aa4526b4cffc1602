package io.llmrouter.api.spi;

import io.llmrouter.api.EmbeddingRequest;
import java.time.Duration;

/**
 * One embeddings call to one deployment.
 *
 * @param endpoint where to send it
 * @param request the request as it should go upstream (router-only fields already removed; the client
 *     replaces {@code model} with {@link Endpoint#model()})
 * @param timeout the whole call's timeout
 * @param dropParams when true, parameters the provider rejects are removed instead of sent
 */
public record EmbeddingCall(Endpoint endpoint, EmbeddingRequest request, Duration timeout, boolean dropParams) {}
