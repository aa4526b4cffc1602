package io.llmrouter.testkit.scenario;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.ChatResponse;
import io.llmrouter.api.ChatStream;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.Route;
import io.llmrouter.api.Router;
import java.util.List;
import java.util.Objects;

/**
 * A routing policy the day replay drives: our {@link Router}, or the {@link LiteLlmBaseline}. A streamed
 * request is read to its end inside {@link #serve}, as a caller would.
 *
 * <p>Implementations are thread-safe.
 */
public interface ChatPolicy extends AutoCloseable {

  /**
   * What a caller got.
   *
   * @param servedGroup the model group that answered
   * @param fallbacks the fallback groups entered, in order
   * @param chunks the chunks read (0 for a non-streamed answer)
   * @param toolCall whether the answer is a tool call
   * @param text the answer's text (may be empty for a tool call)
   */
  record Served(String servedGroup, List<String> fallbacks, int chunks, boolean toolCall, String text) {
    public Served {
      fallbacks = List.copyOf(fallbacks);
    }
  }

  /** The policy's name, for tables. */
  String name();

  /**
   * Serves one request to the end.
   *
   * @throws io.llmrouter.api.LlmRouterException when the caller gets a failure
   */
  Served serve(ChatRequest request);

  @Override
  void close();

  /** Wraps one of our routers; closing the policy closes the router. */
  static ChatPolicy of(String name, Router router) {
    Objects.requireNonNull(router, "router");
    return new ChatPolicy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Served serve(ChatRequest request) {
        if (Boolean.TRUE.equals(request.stream())) {
          try (ChatStream s = router.stream(request)) {
            int n = 0;
            boolean tool = false;
            StringBuilder text = new StringBuilder();
            ChatChunk c;
            while ((c = s.next()) != null) {
              n++;
              tool |= appendDelta(c, text);
            }
            Route r = s.route();
            return new Served(r.servedModelGroup(), r.fallbacks(), n, tool, text.toString());
          }
        }
        ChatResponse resp = router.chat(request);
        Route r = resp.route();
        boolean tool = resp.choices() != null && !resp.choices().isEmpty() && resp.choices().get(0).message() != null
            && resp.choices().get(0).message().toolCalls() != null && !resp.choices().get(0).message().toolCalls().isEmpty();
        String text = resp.text();
        return new Served(r.servedModelGroup(), r.fallbacks(), 0, tool, text == null ? "" : text);
      }

      @Override
      public void close() {
        router.close();
      }
    };
  }

  /** Appends a chunk's text delta; @return true when the chunk carries a tool-call delta */
  static boolean appendDelta(ChatChunk c, StringBuilder text) {
    boolean tool = false;
    if (c.choices() == null) return false;
    for (ChunkChoice ch : c.choices()) {
      if (ch.delta() == null) continue;
      String t = ch.delta().text();
      if (t != null) text.append(t);
      if (ch.delta().toolCalls() != null && !ch.delta().toolCalls().isEmpty()) tool = true;
    }
    return tool;
  }
}
