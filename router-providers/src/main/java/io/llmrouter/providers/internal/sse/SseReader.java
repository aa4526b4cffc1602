package io.llmrouter.providers.internal.sse;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;

/**
 * Reads server-sent events from a byte source, one event at a time, holding only the current event in
 * memory (a 10 MB stream passes through in constant space). Follows the WHATWG event-stream rules that
 * OpenAI-compatible servers rely on: lines end in {@code \n}, {@code \r\n} or {@code \r}; lines starting
 * with {@code :} are comments (OpenRouter's {@code : OPENROUTER PROCESSING} keep-alive); several
 * {@code data:} lines join with {@code \n}; a blank line ends an event; one space after the colon is
 * dropped. An event still open at a clean end of input is returned rather than lost, because some servers
 * omit the final blank line.
 *
 * <p>Not thread-safe: one reader per source.
 */
public final class SseReader {
  /** Default bound on one line, so a server that never sends a newline cannot exhaust memory. */
  public static final long DEFAULT_MAX_LINE_BYTES = 16L * 1024 * 1024;
  private static final ByteString NEWLINES = ByteString.encodeUtf8("\r\n");

  private final BufferedSource source;
  private final long maxLineBytes;
  private boolean eof;
  private int commentsSeen;

  /** Reads from {@code source} with the default line bound. */
  public SseReader(BufferedSource source) {
    this(source, DEFAULT_MAX_LINE_BYTES);
  }

  /** Reads from {@code source}; a line longer than {@code maxLineBytes} fails with an {@link IOException}. */
  public SseReader(BufferedSource source, long maxLineBytes) {
    this.source = source;
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Returns the next event that carries data, skipping comments and empty events, or null at the end of
   * input.
   *
   * @throws IOException when the source fails (a broken connection, a read timeout) or a line is too long
   */
  public SseEvent next() throws IOException {
    StringBuilder data = null;
    String event = null;
    String id = null;
    while (true) {
      String line = readLine();
      if (line == null) {
        return data == null ? null : new SseEvent(event, data.toString(), id);
      }
      if (line.isEmpty()) {
        if (data != null) return new SseEvent(event, data.toString(), id);
        event = null;
        continue;
      }
      if (line.charAt(0) == ':') {
        commentsSeen++;
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) value = value.substring(1);
      switch (field) {
        case "data" -> {
          if (data == null) data = new StringBuilder(value.length());
          else data.append('\n');
          data.append(value);
        }
        case "event" -> event = value;
        case "id" -> id = value;
        default -> { } // "retry" and unknown fields are ignored, as the spec says.
      }
    }
  }

  /** How many comment (keep-alive) lines were skipped so far. */
  public int commentsSeen() {
    return commentsSeen;
  }

  private String readLine() throws IOException {
    if (eof) return null;
    Buffer buffer = source.getBuffer();
    long scanned = 0;
    long index;
    while ((index = buffer.indexOfElement(NEWLINES, scanned)) < 0) {
      scanned = buffer.size();
      if (scanned > maxLineBytes) throw new IOException("event-stream line longer than " + maxLineBytes + " bytes");
      if (!source.request(scanned + 1)) {
        eof = true;
        if (buffer.size() == 0) return null;
        return buffer.readString(buffer.size(), StandardCharsets.UTF_8);
      }
    }
    if (index > maxLineBytes) throw new IOException("event-stream line longer than " + maxLineBytes + " bytes");
    String line = buffer.readString(index, StandardCharsets.UTF_8);
    byte terminator = buffer.readByte();
    if (terminator == '\r') {
      // A lone CR also ends a line; a CRLF pair is one terminator. Looking ahead may block until the next
      // byte arrives, which is harmless: an event is only complete after its blank line anyway.
      try {
        if (source.request(1) && buffer.getByte(0) == '\n') buffer.skip(1);
      } catch (EOFException ignored) {
        eof = true;
      }
    }
    return line;
  }
}
