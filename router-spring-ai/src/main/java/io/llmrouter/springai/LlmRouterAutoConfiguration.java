package io.llmrouter.springai;

import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import io.llmrouter.core.config.LiteLlmConfigReader;
import io.llmrouter.core.config.LoadedConfig;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * Spring Boot auto-configuration, active when {@code llm-router.config} is set: a {@link Router} bean built
 * from that LiteLLM config (closed with the context), its listener events published as Spring application
 * events ({@link RouterEvents}), and a Spring AI {@code ChatModel} bean ({@link RouterSpringChatModel}) over
 * it. Each bean backs off when the application defines its own. Micrometer meters are not bound here: this
 * project has no {@code router-micrometer} module yet.
 */
@AutoConfiguration
@EnableConfigurationProperties(LlmRouterProperties.class)
@ConditionalOnProperty(prefix = "llm-router", name = "config")
public class LlmRouterAutoConfiguration {

  /** Creates the auto-configuration (Spring calls it). */
  public LlmRouterAutoConfiguration() {}

  /**
   * The router, from {@code llm-router.config}.
   *
   * @throws io.llmrouter.api.ConfigException when the file cannot be read or is invalid (naming the key path)
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean(Router.class)
  public Router llmRouter(LlmRouterProperties properties, ApplicationEventPublisher publisher,
      ObjectProvider<LlmRouterBuilderCustomizer> customizers) {
    LoadedConfig loaded = LiteLlmConfigReader.load(properties.getConfig(), properties.getEnvFile());
    LlmRouter.Builder builder = LlmRouter.builder(loaded.config()).env(loaded.env()).listener(new RouterEvents(publisher));
    customizers.orderedStream().forEach(c -> c.customize(builder));
    return builder.build();
  }

  /** A Spring AI chat model over the router, with {@code llm-router.model} as its default model group. */
  @Bean
  @ConditionalOnBean(Router.class)
  @ConditionalOnMissingBean(org.springframework.ai.chat.model.ChatModel.class)
  public RouterSpringChatModel llmRouterChatModel(Router router, LlmRouterProperties properties) {
    return RouterSpringChatModel.builder().router(router).defaultModel(properties.getModel()).build();
  }
}
