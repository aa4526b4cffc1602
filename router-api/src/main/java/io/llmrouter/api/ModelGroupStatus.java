package io.llmrouter.api;

import java.time.Instant;

/**
 * A configured model group and whether it can serve now.
 *
 * @param name the {@code model_name}
 * @param description {@code model_info.description}, or null
 * @param contextWindow the largest known context window of its deployments, or null
 * @param deployments how many deployments the group has
 * @param availableNow true when at least one deployment would be admitted now
 * @param availableAt when not available now, the earliest time one will be; null when unknown
 */
public record ModelGroupStatus(
    String name, String description, Integer contextWindow, int deployments, boolean availableNow, Instant availableAt) {}
