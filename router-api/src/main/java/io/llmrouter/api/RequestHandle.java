package io.llmrouter.api;

import java.time.Instant;

/**
 * Identifies one request in {@link RouterListener} events, so a listener can tell concurrent requests
 * apart (a metrics listener keys its in-flight state by {@link #id()}).
 *
 * @param id unique within the router's lifetime, increasing
 * @param requestedGroup the model group the caller asked for
 * @param start when the router accepted the request (the router's clock)
 */
public record RequestHandle(long id, String requestedGroup, Instant start) {}
