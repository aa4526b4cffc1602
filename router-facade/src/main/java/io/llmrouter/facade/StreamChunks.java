package io.llmrouter.facade;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChunkChoice;

/**
 * Which stream chunks the router has already read when its stream is handed over. The router commits to a
 * deployment only once content arrives, so every chunk up to and including the first that carries content
 * (text, a tool call, a finish reason, or usage) is in memory then: the facade writes those together. The
 * rule is the engine's own ({@code RouterEngine.hasContent}); a chunk it would not count only waits for
 * the next one, it is never lost or reordered.
 */
final class StreamChunks {
  /** At most this many chunks are gathered before the first write (the engine prefetches at most 16). */
  static final int MAX_FIRST_BATCH = 16;

  private StreamChunks() {}

  /** True for a chunk that carries content: the last one the router read before committing. */
  static boolean hasContent(ChatChunk c) {
    if (c.choices() == null) return c.usage() != null;
    for (ChunkChoice ch : c.choices()) {
      if (ch == null) continue;
      if (ch.finishReason() != null) return true;
      ChatMessage delta = ch.delta();
      if (delta == null) continue;
      String t = delta.text();
      if (t != null && !t.isEmpty()) return true;
      if (delta.toolCalls() != null && !delta.toolCalls().isEmpty()) return true;
    }
    return false;
  }
}
