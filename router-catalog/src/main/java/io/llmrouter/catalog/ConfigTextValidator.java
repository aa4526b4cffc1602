package io.llmrouter.catalog;

import java.util.function.Consumer;

/**
 * Checks a candidate config text before it replaces the file: returns normally when the text is a config
 * the router would load, throws {@link io.llmrouter.api.ConfigException} (with the key path) otherwise.
 *
 * <p>The production wiring is the config reader ({@code text -> LiteLlmConfigReader.parse(text, env)});
 * {@link StructuralConfigValidator} is the reader-independent check the catalog always runs as well.
 * Implementations must be side-effect free.
 */
@FunctionalInterface
public interface ConfigTextValidator extends Consumer<String> {

  /** Runs {@code this}, then {@code next}. */
  default ConfigTextValidator andThen(ConfigTextValidator next) {
    return text -> {
      accept(text);
      next.accept(text);
    };
  }
}
