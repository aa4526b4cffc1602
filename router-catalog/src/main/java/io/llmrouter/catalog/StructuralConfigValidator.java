package io.llmrouter.catalog;

import io.llmrouter.api.ConfigException;
import io.llmrouter.core.config.Env;
import io.llmrouter.core.config.LiteLlmConfigReader;

/**
 * The catalog's check of a candidate config before it replaces the old one: the text has the layout the
 * line editor relies on ({@link ConfigDocument#parse}), and the router's own reader loads it
 * ({@link LiteLlmConfigReader#parse}: every key, type, fallback reference and cycle rule), so the
 * maintainer can never write a file the router would refuse. Stateless and thread-safe.
 */
public final class StructuralConfigValidator implements ConfigTextValidator {
  private final Env env;

  /** Validates against the process environment. */
  public StructuralConfigValidator() {
    this(Env.system());
  }

  /** Validates against {@code env} (process environment plus {@code .env}), which {@code os.environ/} values need. */
  public StructuralConfigValidator(Env env) {
    this.env = env;
  }

  /** @throws ConfigException with the key path of the first problem */
  @Override
  public void accept(String text) {
    ConfigDocument.parse(text);
    LiteLlmConfigReader.parse(text, env);
  }
}
