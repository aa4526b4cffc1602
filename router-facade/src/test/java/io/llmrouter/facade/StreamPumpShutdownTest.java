package io.llmrouter.facade;

import static io.llmrouter.facade.StreamingTest.streamBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The threads that write stream keep-alives stop with the server, even while a stream is still open. */
class StreamPumpShutdownTest extends FacadeTestBase {

  @Override
  FacadeOptions.Builder options() {
    return super.options().streamKeepAlive(java.time.Duration.ofMillis(50));
  }

  static long livePumpThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith(FacadeHandler.PUMP_THREAD_PREFIX))
        .count();
  }

  @Test
  void stopClosesAnOpenStreamAndLeavesNoPumpThread() throws Exception {
    // One chunk, then the provider goes silent: the request thread sits in next() when the server stops.
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "d", "pm")).chunk(ScriptedRouter.chunk("pm", "first"));
    router.onStream = r -> s;
    String body = streamBody("fast");
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
          + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) break;
      for (String line; (line = in.readLine()) != null; ) if (line.equals(": keep-alive")) break;
      assertThat(livePumpThreads()).as("a keep-alive writer thread serves the silent stream").isPositive();

      server.stop();

      assertThat(livePumpThreads()).as("pump threads left after stop()").isZero();
      assertThat(s.closed.await(0, TimeUnit.SECONDS)).as("the open stream was closed by stop()").isTrue();
      assertThat(server.isRunning()).isFalse();
    }
  }

  @Test
  void aFinishedStreamLeavesNoPumpThreadAfterStopEither() throws Exception {
    assertThat(postAuthed("/v1/chat/completions", streamBody("fast")).body()).contains("data: [DONE]");

    server.stop();

    assertThat(livePumpThreads()).isZero();
  }
}
