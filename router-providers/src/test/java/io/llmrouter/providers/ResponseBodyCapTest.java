package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChatRequest;
import io.llmrouter.api.MalformedResponseException;
import io.llmrouter.api.spi.Endpoint;
import io.llmrouter.api.spi.ProviderCall;
import io.llmrouter.api.spi.Secret;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okio.Buffer;
import org.junit.jupiter.api.Test;

/** Issue 16: upstream bodies are bounded; nothing is buffered whole before it is refused. */
class ResponseBodyCapTest {
  private static final long CAP = 1024 * 1024;

  private static ProviderCall call(String base) {
    Endpoint e = Endpoint.of("d", "hosted_vllm", "m", base, Secret.of("sk-test-key-123456"));
    return new ProviderCall(e, ChatRequest.builder().model("g").messages(ChatMessage.user("hi")).build(), Duration.ofSeconds(20), false);
  }

  private static OpenAiCompatibleClient client() {
    return OpenAiCompatibleClient.builder().clock(Clock.systemUTC()).maxResponseBytes(CAP).build();
  }

  @Test
  void aGzipBombStopsAtTheDecompressedCap() throws Exception {
    // 256 MiB of zeros compress to about 250 KiB: the cap counts what it expands to.
    Buffer bomb = new Buffer();
    try (GZIPOutputStream gz = new GZIPOutputStream(bomb.outputStream())) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 256; i++) gz.write(zeros);
    }
    assertThat(bomb.size()).isLessThan(2L * 1024 * 1024);
    try (MockWebServer server = new MockWebServer(); OpenAiCompatibleClient c = client()) {
      server.enqueue(new MockResponse().setBody(bomb).addHeader("Content-Type", "application/json").addHeader("Content-Encoding", "gzip"));
      server.start(InetAddress.getLoopbackAddress(), 0);
      assertThatThrownBy(() -> c.chat(call(server.url("/v1").toString())))
          .isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining("exceeds the " + CAP + "-byte cap");
    }
  }

  @Test
  void aDeclaredLengthOverTheCapIsRefusedBeforeReading() throws Exception {
    try (EndlessServer s = new EndlessServer(true); OpenAiCompatibleClient c = client()) {
      assertThatThrownBy(() -> c.chat(call(s.base())))
          .isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining("of 104857600 bytes exceeds the " + CAP + "-byte cap");
    }
  }

  @Test
  void anEndlessBodyIsReadOnlyToTheCap() throws Exception {
    try (EndlessServer s = new EndlessServer(false); OpenAiCompatibleClient c = client()) {
      assertThatThrownBy(() -> c.chat(call(s.base())))
          .isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining("exceeds the " + CAP + "-byte cap");
      long sent = s.finished.get(20, TimeUnit.SECONDS);
      // The server stops once the client hangs up: what it managed to send is the cap plus socket buffers,
      // far from the 100 MB it offered.
      assertThat(sent).isLessThan(16L * 1024 * 1024);
    }
  }

  @Test
  void theCapMustBePositive() {
    assertThatThrownBy(() -> OpenAiCompatibleClient.builder().maxResponseBytes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxResponseBytes");
  }

  /** Answers one request with a 100 MB JSON-looking body, chunked or with its length declared, counting what it sent. */
  private static final class EndlessServer implements AutoCloseable {
    final ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    final CompletableFuture<Long> finished = new CompletableFuture<>();
    final Thread thread;

    EndlessServer(boolean declared) throws IOException {
      thread = new Thread(() -> serve(declared), "endless-body");
      thread.setDaemon(true);
      thread.start();
    }

    String base() {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/v1";
    }

    private void serve(boolean declared) {
      AtomicLong sent = new AtomicLong();
      try (Socket s = socket.accept()) {
        InputStream in = s.getInputStream();
        byte[] req = new byte[65536];
        in.read(req);
        OutputStream out = s.getOutputStream();
        long total = 100L * 1024 * 1024;
        String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + (declared ? "Content-Length: " + total + "\r\n" : "Transfer-Encoding: chunked\r\n") + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) ' ');
        while (sent.get() < total) {
          if (!declared) out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(chunk);
          if (!declared) out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          sent.addAndGet(chunk.length);
        }
        out.flush();
      } catch (IOException e) {
        // The client hung up: expected.
      } finally {
        finished.complete(sent.get());
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
