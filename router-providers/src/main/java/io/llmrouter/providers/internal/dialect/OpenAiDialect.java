package io.llmrouter.providers.internal.dialect;

import io.llmrouter.api.RateScope;
import java.util.List;
import java.util.Set;

/**
 * Any OpenAI-compatible server ({@code openai/}): {@code api_base} (or {@code OPENAI_API_BASE}) is
 * required, the key is optional. Reads OpenAI's header set with per-minute request and token windows and
 * its error envelope; sends every parameter as given.
 */
public final class OpenAiDialect extends Dialect {
  /** Creates the dialect. */
  public OpenAiDialect() {
    super("openai", null, List.of("OPENAI_API_KEY"), baseEnv("openai"), false, Set.of());
  }

  @Override
  protected RateScope requestScope() {
    return RateScope.MINUTE;
  }

  @Override
  protected RateScope tokenScope() {
    return RateScope.MINUTE;
  }

  /** The OpenAI spec itself: an extra usage chunk before {@code [DONE]}. */
  @Override
  protected boolean streamUsage() {
    return true;
  }
}
