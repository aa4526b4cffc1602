/**
 * LangChain4j models backed by an in-process {@link io.llmrouter.api.Router}:
 * {@link io.llmrouter.langchain4j.RouterChatModel} and {@link io.llmrouter.langchain4j.RouterStreamingChatModel},
 * with {@link io.llmrouter.langchain4j.RouterChatResponseMetadata} naming who served each call.
 */
package io.llmrouter.langchain4j;
