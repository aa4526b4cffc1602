/**
 * Router metrics on Micrometer: {@link io.llmrouter.micrometer.RouterMetrics} is a
 * {@link io.llmrouter.api.RouterListener} that binds the router's events and per-deployment state to any
 * {@code MeterRegistry}, under Prometheus-conventional names ({@code llm_router_requests_total}, ...). The
 * router itself does not depend on Micrometer; add this module to get the meters.
 */
package io.llmrouter.micrometer;
