package io.llmrouter.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A fast OpenAI-shaped upstream on 127.0.0.1 for the load harness: {@code POST .../chat/completions} answers a
 * fixed chat completion as JSON, or as SSE (role chunk, two content chunks, a finish chunk with usage, then
 * {@code [DONE]}) when the request body holds {@code "stream":true}; {@code GET .../models} lists one model and
 * {@code GET /health/readiness} answers 200. Every answer waits the configured delay first (0 or 20 ms in the
 * harness), before its first byte. Thread-safe; start once.
 */
public final class MockUpstream implements AutoCloseable {
  /** The model id the mock reports; any requested model is accepted. */
  public static final String MODEL = "bench-qwen";

  private static final byte[] STREAM_FLAG = "\"stream\":true".getBytes(StandardCharsets.UTF_8);
  private static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\","
      + "\"created\":1764633600,\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
      + "\"content\":\"Hello! How can I help you today?\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":9,\"total_tokens\":23}}").getBytes(StandardCharsets.UTF_8);
  private static final String CHUNK_HEAD = "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1764633600,\"model\":\"" + MODEL + "\",\"choices\":[{\"index\":0,";
  private static final byte[][] STREAM_EVENTS = {
      bytes(CHUNK_HEAD + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"),
      bytes(CHUNK_HEAD + "\"delta\":{\"content\":\"Hello!\"},\"finish_reason\":null}]}\n\n"),
      bytes(CHUNK_HEAD + "\"delta\":{\"content\":\" How can I help?\"},\"finish_reason\":null}]}\n\n"),
      bytes(CHUNK_HEAD + "\"delta\":{},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":7,\"total_tokens\":21}}\n\ndata: [DONE]\n\n"),
  };
  private static final byte[] MODELS = ("{\"object\":\"list\",\"data\":[{\"id\":\"" + MODEL
      + "\",\"object\":\"model\",\"created\":1764633600,\"owned_by\":\"bench\"}]}").getBytes(StandardCharsets.UTF_8);

  private final Server server;
  private final ServerConnector connector;
  private final AtomicLong delayNanos = new AtomicLong();
  private final AtomicLong chatRequests = new AtomicLong();

  /** A mock on an ephemeral loopback port, not yet started. */
  public MockUpstream() {
    QueuedThreadPool pool = new QueuedThreadPool(256, 8);
    pool.setName("bench-mock");
    pool.setDaemon(true);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(new MockHandler());
  }

  /**
   * Binds and starts serving.
   *
   * @return the bound port
   * @throws IOException when Jetty cannot start
   */
  public int start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("mock upstream did not start: " + e.getMessage(), e);
    }
    return connector.getLocalPort();
  }

  /** The base URL clients append {@code /chat/completions} to, e.g. {@code http://127.0.0.1:PORT/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + connector.getLocalPort() + "/v1";
  }

  /**
   * Sets how long every later answer waits before its first byte.
   *
   * @param millis the delay in milliseconds, zero or more
   */
  public void delayMillis(long millis) {
    if (millis < 0) throw new IllegalArgumentException("delay must be zero or more, got " + millis);
    delayNanos.set(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  /** How many chat requests the mock has answered or is answering. */
  public long chatRequests() {
    return chatRequests.get();
  }

  @Override
  public void close() throws Exception {
    server.stop();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
      return true;
    }
    return false;
  }

  private final class MockHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      String method = request.getMethod();
      if ("POST".equals(method) && path.endsWith("/chat/completions")) {
        byte[] body;
        try (InputStream in = Request.asInputStream(request)) {
          body = in.readAllBytes();
        }
        chatRequests.incrementAndGet();
        waitDelay();
        if (MockUpstream.contains(body, STREAM_FLAG)) {
          response.setStatus(200);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
          response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
          for (byte[] event : STREAM_EVENTS) write(response, false, event);
          response.write(true, BufferUtil.EMPTY_BUFFER, callback);
        } else {
          answer(response, callback, 200, COMPLETION);
        }
        return true;
      }
      if ("GET".equals(method) && path.endsWith("/models")) {
        answer(response, callback, 200, MODELS);
        return true;
      }
      if ("GET".equals(method) && path.equals("/health/readiness")) {
        answer(response, callback, 200, bytes("{\"status\":\"ready\"}"));
        return true;
      }
      answer(response, callback, 404, bytes("{\"error\":{\"message\":\"no route " + method + " " + path
          + "\",\"type\":\"invalid_request_error\"}}"));
      return true;
    }

    private void waitDelay() throws InterruptedException {
      long d = delayNanos.get();
      if (d > 0) TimeUnit.NANOSECONDS.sleep(d);
    }

    private void answer(Response response, Callback callback, int status, byte[] json) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
      response.write(true, ByteBuffer.wrap(json), callback);
    }

    private void write(Response response, boolean last, byte[] bytes) throws IOException {
      try (Blocker.Callback cb = Blocker.callback()) {
        response.write(last, ByteBuffer.wrap(bytes), cb);
        cb.block();
      }
    }
  }
}
