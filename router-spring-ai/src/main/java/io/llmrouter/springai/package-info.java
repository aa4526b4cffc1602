/**
 * Spring AI over an in-process {@link io.llmrouter.api.Router}: {@link io.llmrouter.springai.RouterSpringChatModel}
 * (a {@code ChatModel} and {@code StreamingChatModel}) and the Spring Boot auto-configuration
 * {@link io.llmrouter.springai.LlmRouterAutoConfiguration}, which builds the router from
 * {@code llm-router.config} and publishes its events ({@link io.llmrouter.springai.RouterEvents}).
 */
package io.llmrouter.springai;
