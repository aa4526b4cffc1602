package io.llmrouter.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.QuietException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * One simulated provider endpoint: an HTTP/1.1 server on a loopback port (Jetty 12 core, no servlets) that
 * hands each request to the simulator and writes its {@link Answer} byte for byte, including the
 * socket-level faults a real provider shows: a connection closed before any response, a body cut off
 * after its headers promised more, and a delay before the first byte. Requests run on their own pool
 * thread, so hundreds of concurrent clients are fine; accepted sockets have {@code TCP_NODELAY} (Jetty's
 * default), without which Nagle's algorithm adds ~40 ms to every small loopback answer.
 *
 * <p>Thread-safe. {@link #stop()} ends delays in progress at once and closes every connection.
 */
final class SimServer {
  /** How an answer ends at the socket. */
  enum Ending {
    /** The whole answer is sent; the connection stays open for the next request. */
    COMPLETE,
    /** The request is read, then the connection is closed without a response (a connection reset). */
    DISCONNECT_AFTER_REQUEST,
    /** Status, headers and half of the promised body are sent, then the connection is closed. */
    DISCONNECT_DURING_BODY
  }

  /** What the simulator saw: method, path with query, headers (case-insensitive) and the body as text. */
  record Call(String method, String pathAndQuery, Function<String, String> headers, Map<String, String> allHeaders, String body) {
    String header(String name) {
      return headers.apply(name);
    }
  }

  /** What to send back. Not thread-safe; built and sent by one request thread. */
  static final class Answer {
    final int status;
    final Map<String, String> headers = new LinkedHashMap<>();
    byte[] body = new byte[0];
    int chunkSize; // 0: one Content-Length body; else chunked transfer in pieces of this size
    Duration headersDelay = Duration.ZERO;
    Ending ending = Ending.COMPLETE;

    Answer(int status) {
      this.status = status;
    }

    static Answer reset() {
      Answer a = new Answer(200);
      a.ending = Ending.DISCONNECT_AFTER_REQUEST;
      return a;
    }

    Answer header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    Answer body(String text) {
      body = text.getBytes(StandardCharsets.UTF_8);
      chunkSize = 0;
      return this;
    }

    Answer chunkedBody(String text, int size) {
      body = text.getBytes(StandardCharsets.UTF_8);
      chunkSize = size;
      return this;
    }

    Answer headersDelay(Duration delay) {
      headersDelay = delay;
      return this;
    }

    Answer ending(Ending e) {
      ending = e;
      return this;
    }
  }

  private final Server server;
  private final ServerConnector connector;
  // Opened by stop(): a delay in progress ends at once instead of holding a pool thread.
  private final CountDownLatch stopping = new CountDownLatch(1);

  /**
   * Binds {@code 127.0.0.1:port} (0: any free port) and starts serving.
   *
   * @throws UncheckedIOException when the port cannot be bound
   */
  SimServer(String name, int port, Function<Call, Answer> dispatcher) {
    QueuedThreadPool pool = new QueuedThreadPool(1024, 2);
    pool.setName("provider-sim-" + name);
    pool.setDaemon(true);
    // Stalled requests end on stop (the latch); a short pool stop is enough.
    pool.setStopTimeout(1000);
    server = new Server(pool);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    // Keep-alive connections stay open as long as a client pools them, as a provider's front end does.
    connector.setIdleTimeout(TimeUnit.MINUTES.toMillis(5));
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        serve(dispatcher, request, response, callback);
        return true;
      }
    });
    server.setStopTimeout(0);
    server.setStopAtShutdown(false);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly();
      if (e instanceof IOException io) throw new UncheckedIOException(io);
      throw new UncheckedIOException(new IOException(e.toString(), e));
    }
  }

  /** The bound port. */
  int port() {
    return connector.getLocalPort();
  }

  /** Closes the port and every connection; delays in progress end. Idempotent, never throws. */
  void stop() {
    stopping.countDown();
    stopQuietly();
  }

  private void stopQuietly() {
    try {
      server.stop();
    } catch (Exception ignored) {
      // Closing a test server: nothing useful to do with a failure to close a socket.
    }
  }

  private void serve(Function<Call, Answer> dispatcher, Request request, Response response, Callback callback) {
    // A delayed or stalled answer is silence on purpose, not an idle client: never time the request out.
    request.addIdleTimeoutListener(timeout -> false);
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    try {
      String body = Content.Source.asString(request, StandardCharsets.UTF_8);
      String pathAndQuery = request.getHttpURI().getPathQuery();
      Map<String, String> all = new java.util.LinkedHashMap<>();
      for (org.eclipse.jetty.http.HttpField f : request.getHeaders()) {
        all.put(f.getName().toLowerCase(java.util.Locale.ROOT), f.getValue());
      }
      Call call = new Call(request.getMethod(), pathAndQuery == null ? "/" : pathAndQuery,
          request.getHeaders()::get, all, body);
      Answer a = dispatcher.apply(call);
      if (!a.headersDelay.isZero() && stopping.await(a.headersDelay.toNanos(), TimeUnit.NANOSECONDS)) {
        cut(endPoint, callback);
        return;
      }
      if (a.ending == Ending.DISCONNECT_AFTER_REQUEST) {
        cut(endPoint, callback);
        return;
      }
      response.setStatus(a.status);
      a.headers.forEach((k, v) -> response.getHeaders().put(k, v));
      if (a.chunkSize == 0 || a.ending == Ending.DISCONNECT_DURING_BODY) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, a.body.length);
      }
      if (a.ending == Ending.DISCONNECT_DURING_BODY) {
        write(response, false, a.body, 0, a.body.length / 2);
        cut(endPoint, callback);
        return;
      }
      if (a.chunkSize == 0) {
        write(response, true, a.body, 0, a.body.length);
      } else {
        for (int off = 0; off < a.body.length; off += a.chunkSize) {
          write(response, false, a.body, off, Math.min(a.chunkSize, a.body.length - off));
        }
        write(response, true, a.body, 0, 0);
      }
      callback.succeeded();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cut(endPoint, callback);
    } catch (IOException | RuntimeException e) {
      // The client went away, or the server is stopping: nothing more can be sent.
      callback.failed(e);
    }
  }

  private static void write(Response response, boolean last, byte[] bytes, int off, int len) throws IOException {
    try (Blocker.Callback cb = Blocker.callback()) {
      response.write(last, ByteBuffer.wrap(bytes, off, len), cb);
      cb.block();
    }
  }

  // Closes the socket under the exchange, then ends it; Jetty can no longer write an error answer, and a
  // quiet exception keeps it from logging the simulated fault as a server failure.
  private static void cut(EndPoint endPoint, Callback callback) {
    endPoint.close();
    callback.failed(new SimulatedDisconnect());
  }

  private static final class SimulatedDisconnect extends IOException implements QuietException {
    SimulatedDisconnect() {
      super("provider simulator closed the connection", null);
    }
  }
}
