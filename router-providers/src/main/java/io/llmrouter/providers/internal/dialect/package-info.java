/**
 * Implementation detail of {@code router-providers}, not API: no compatibility promise, left out of the
 * Javadoc. Callers use {@link io.llmrouter.providers.OpenAiCompatibleClient} and the {@code router-api} SPI.
 */
package io.llmrouter.providers.internal.dialect;
