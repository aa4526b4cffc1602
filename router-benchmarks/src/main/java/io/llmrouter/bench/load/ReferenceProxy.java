package io.llmrouter.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okio.BufferedSource;
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
 * The floor of the stack {@code serve} is built on: a minimal OpenAI pass-through on Jetty 12, OkHttp and
 * Jackson that parses the request once (to replace the model), sends it upstream with one shared
 * {@link OkHttpClient}, parses a JSON answer once (to check it is an object) and copies its bytes back, and
 * copies a streamed answer's bytes as they arrive. No routing, no retries, no limits: it is what a gateway on
 * this stack cannot be faster than.
 *
 * <p>Run as its own process by the {@link LoadHarness}:
 * {@code java -cp benchmarks.jar io.llmrouter.bench.load.ReferenceProxy --upstream http://127.0.0.1:PORT/v1
 * --model MODEL [--port 0]}; it prints {@code READY <port>} on standard output once it listens, and answers
 * {@code GET /health/readiness}. Stops on SIGTERM.
 */
public final class ReferenceProxy implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MediaType JSON = MediaType.get("application/json");

  private final Server server;
  private final ServerConnector connector;
  private final OkHttpClient http;
  private final okhttp3.HttpUrl chatUrl;
  private final String model;

  /**
   * A proxy to {@code upstreamBase} (ends before {@code /chat/completions}) that asks for {@code model}.
   *
   * @param upstreamBase e.g. {@code http://127.0.0.1:PORT/v1}
   * @param model the upstream model every request is rewritten to
   * @param port the loopback port to bind, 0 for any free one
   */
  public ReferenceProxy(String upstreamBase, String model, int port) {
    okhttp3.HttpUrl base = okhttp3.HttpUrl.parse(upstreamBase);
    if (base == null) throw new IllegalArgumentException("--upstream is not an http(s) URL: " + upstreamBase);
    this.chatUrl = base.newBuilder().addPathSegment("chat").addPathSegment("completions").build();
    this.model = model;
    this.http = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(256, 5, TimeUnit.MINUTES))
        .connectTimeout(Duration.ofSeconds(10)).readTimeout(Duration.ofSeconds(120))
        .retryOnConnectionFailure(false).build();
    QueuedThreadPool pool = new QueuedThreadPool(200, 8);
    pool.setName("reference-http");
    server = new Server(pool);
    HttpConfiguration config = new HttpConfiguration();
    config.setSendServerVersion(false);
    connector = new ServerConnector(server, new HttpConnectionFactory(config));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    server.setHandler(new ProxyHandler());
  }

  /**
   * Binds and starts serving.
   *
   * @return the bound port
   * @throws Exception when Jetty cannot start
   */
  public int start() throws Exception {
    server.start();
    return connector.getLocalPort();
  }

  @Override
  public void close() throws Exception {
    server.stop();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  /**
   * Runs the proxy until the process is stopped.
   *
   * @param args {@code --upstream URL --model MODEL [--port N]}
   * @throws Exception when it cannot start
   */
  public static void main(String[] args) throws Exception {
    String upstream = null;
    String model = MockUpstream.MODEL;
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--upstream" -> upstream = value(args, ++i, "--upstream");
        case "--model" -> model = value(args, ++i, "--model");
        case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; expected --upstream URL --model MODEL [--port N]");
      }
    }
    if (upstream == null) throw new IllegalArgumentException("--upstream URL is required");
    ReferenceProxy proxy = new ReferenceProxy(upstream, model, port);
    int bound = proxy.start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        proxy.close();
      } catch (Exception ignored) {
        // exiting anyway
      }
    }));
    System.out.println("READY " + bound);
    System.out.flush();
    Thread.currentThread().join();
  }

  private static String value(String[] args, int i, String name) {
    if (i >= args.length) throw new IllegalArgumentException(name + " needs a value");
    return args[i];
  }

  private final class ProxyHandler extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String path = Request.getPathInContext(request);
      if ("GET".equals(request.getMethod()) && path.equals("/health/readiness")) {
        answer(response, callback, 200, "{\"status\":\"ready\"}".getBytes(StandardCharsets.UTF_8));
        return true;
      }
      if (!"POST".equals(request.getMethod()) || !path.endsWith("/chat/completions")) {
        answer(response, callback, 404, error("no route " + request.getMethod() + " " + path));
        return true;
      }
      byte[] in;
      try (InputStream body = Request.asInputStream(request)) {
        in = body.readAllBytes();
      }
      JsonNode tree;
      try {
        tree = MAPPER.readTree(in);
      } catch (IOException e) {
        answer(response, callback, 400, error("request body is not JSON"));
        return true;
      }
      if (!(tree instanceof ObjectNode obj) || !obj.path("model").isTextual()) {
        answer(response, callback, 400, error("request body needs a string field model"));
        return true;
      }
      obj.put("model", model);
      boolean stream = obj.path("stream").asBoolean(false);
      okhttp3.Request.Builder up = new okhttp3.Request.Builder().url(chatUrl)
          .post(okhttp3.RequestBody.create(MAPPER.writeValueAsBytes(obj), JSON));
      String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
      if (auth != null) up.header("Authorization", auth);
      try (okhttp3.Response upstream = http.newCall(up.build()).execute()) {
        okhttp3.ResponseBody body = upstream.body();
        if (stream && upstream.code() == 200 && body != null) {
          response.setStatus(200);
          response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
          response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
          BufferedSource source = body.source();
          byte[] buf = new byte[8192];
          int n;
          while ((n = source.read(buf)) > 0) {
            try (Blocker.Callback cb = Blocker.callback()) {
              response.write(false, ByteBuffer.wrap(buf, 0, n), cb);
              cb.block();
            }
          }
          response.write(true, BufferUtil.EMPTY_BUFFER, callback);
          return true;
        }
        byte[] out = body == null ? new byte[0] : body.bytes();
        JsonNode answer;
        try {
          answer = MAPPER.readTree(out);
        } catch (IOException e) {
          answer = null;
        }
        if (answer == null || !answer.isObject()) {
          answer(response, callback, 502, error("upstream answered " + upstream.code() + " without a JSON object"));
          return true;
        }
        answer(response, callback, upstream.code(), out);
      } catch (IOException e) {
        answer(response, callback, 502, error("upstream failed: " + e.getClass().getSimpleName()));
      }
      return true;
    }

    private void answer(Response response, Callback callback, int status, byte[] json) {
      response.setStatus(status);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
      response.write(true, ByteBuffer.wrap(json), callback);
    }

    private byte[] error(String message) {
      ObjectNode root = MAPPER.createObjectNode();
      ObjectNode err = root.putObject("error");
      err.put("message", message);
      err.put("type", "invalid_request_error");
      return root.toString().getBytes(StandardCharsets.UTF_8);
    }
  }
}
