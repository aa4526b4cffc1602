package io.llmrouter.providers.internal.sse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

class SseReaderTest {

  private static List<SseEvent> readAll(SseReader r) throws IOException {
    List<SseEvent> out = new ArrayList<>();
    for (SseEvent e; (e = r.next()) != null; ) out.add(e);
    return out;
  }

  /** A source that hands out its bytes a few at a time, as a slow network would. */
  private static BufferedSource trickle(String text, int step) {
    byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Source s = new Source() {
      int pos;

      @Override
      public long read(Buffer sink, long byteCount) {
        if (pos >= bytes.length) return -1;
        int n = (int) Math.min(Math.min(step, byteCount), bytes.length - pos);
        sink.write(bytes, pos, n);
        pos += n;
        return n;
      }

      @Override
      public Timeout timeout() {
        return Timeout.NONE;
      }

      @Override
      public void close() {}
    };
    return Okio.buffer(s);
  }

  @Test
  void keepAlivesCommentsAndDone() throws IOException {
    String wire = ": OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\ndata: {\"a\":1}\n\n:keep\ndata: [DONE]\n\n";
    SseReader r = new SseReader(new Buffer().writeUtf8(wire));
    assertThat(readAll(r)).extracting(SseEvent::data).containsExactly("{\"a\":1}", "[DONE]");
    assertThat(r.commentsSeen()).isEqualTo(3);
  }

  @Test
  void eventsSplitAcrossReadsAndEveryLineEnding() throws IOException {
    String wire = "data: {\"x\":\"é\"}\r\n\r\ndata:{\"y\":2}\r\rdata: {\"z\":3}\n\nevent: error\ndata: {\"error\":{}}\n\n";
    for (int step : new int[] {1, 2, 3, 7}) {
      List<SseEvent> events = readAll(new SseReader(trickle(wire, step)));
      assertThat(events).extracting(SseEvent::data).containsExactly("{\"x\":\"é\"}", "{\"y\":2}", "{\"z\":3}", "{\"error\":{}}");
      assertThat(events.get(3).event()).isEqualTo("error");
    }
  }

  @Test
  void multiLineDataJoinsWithNewline() throws IOException {
    List<SseEvent> events = readAll(new SseReader(new Buffer().writeUtf8("data: {\"a\":\ndata: 1}\nid: 7\n\n")));
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.data()).isEqualTo("{\"a\":\n1}");
      assertThat(e.id()).isEqualTo("7");
    });
  }

  @Test
  void eventOpenAtEndOfInputIsStillReturned() throws IOException {
    assertThat(readAll(new SseReader(new Buffer().writeUtf8("data: {\"a\":1}\n\ndata: {\"b\":2}"))))
        .extracting(SseEvent::data).containsExactly("{\"a\":1}", "{\"b\":2}");
    assertThat(new SseReader(new Buffer()).next()).isNull();
  }

  @Test
  void overlongLineFailsInsteadOfBufferingForever() {
    SseReader r = new SseReader(new Buffer().writeUtf8("data: " + "x".repeat(5000)), 1024);
    assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("longer than 1024");
  }

  @Test
  void tenMegabyteStreamInConstantMemory() throws IOException {
    // A generated source: 10 MB of events, never materialised as a whole.
    String event = "data: {\"choices\":[{\"delta\":{\"content\":\"" + "y".repeat(1000) + "\"}}]}\n\n";
    byte[] one = event.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    long total = 10L * 1024 * 1024;
    Source s = new Source() {
      long sent;

      @Override
      public long read(Buffer sink, long byteCount) {
        if (sent >= total) return -1;
        sink.write(one);
        sent += one.length;
        return one.length;
      }

      @Override
      public Timeout timeout() {
        return Timeout.NONE;
      }

      @Override
      public void close() {}
    };
    BufferedSource src = Okio.buffer(s);
    SseReader r = new SseReader(src);
    long count = 0;
    long maxBuffered = 0;
    for (SseEvent e; (e = r.next()) != null; ) {
      count++;
      maxBuffered = Math.max(maxBuffered, src.getBuffer().size());
      assertThat(e.data()).hasSize(one.length - 8);
    }
    assertThat(count).isEqualTo((total + one.length - 1) / one.length);
    assertThat(maxBuffered).isLessThan(64 * 1024);
  }
}
