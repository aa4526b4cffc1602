/**
 * What callers code against: {@link io.llmrouter.api.Router}, the request, response and stream value types,
 * the exception hierarchy, listener events and the provider SPI.
 *
 * <p>Jackson is part of this API (messages keep unknown JSON fields as {@code JsonNode}s), so it is required
 * transitively; the value types' package is opened to Jackson's databind only, for their builders.
 */
module io.llmrouter.api {
  requires transitive com.fasterxml.jackson.databind;

  exports io.llmrouter.api;
  exports io.llmrouter.api.spi;

  opens io.llmrouter.api to com.fasterxml.jackson.databind;
}
