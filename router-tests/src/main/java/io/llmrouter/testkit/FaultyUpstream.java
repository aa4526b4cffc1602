package io.llmrouter.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * A hostile OpenAI-compatible upstream on loopback for robustness tests: each request gets the
 * {@link Kind fault} named by the first segment of its path, so one server serves many deployments
 * ({@code api_base: <baseUrl(Kind)>}). It speaks raw HTTP/1.1 over plain sockets, so it can do what a
 * well-behaved server library cannot: reset a connection, stall after the request, drip bytes, cut a body
 * short, send absurd header values, HTML where JSON belongs, and bodies of any size (streamed, never held
 * in memory) or gzip bombs.
 *
 * <p>It counts the connections it holds open ({@link #openConnections()}), so a test can check that the
 * client left none behind, and the requests it received per fault ({@link #requests(Kind)}).
 *
 * <p>Independent of the engine it tests (no router type appears here). Thread-safe; one daemon thread per
 * connection; {@link #close()} closes every connection and the listening socket.
 */
public final class FaultyUpstream implements AutoCloseable {

  /** What the upstream does with a request. */
  public enum Kind {
    /** A normal completion (the fallback of a fault test). */
    OK,
    /** Reads the request and never answers (until the client hangs up). */
    STALL,
    /** JSON: headers with a length, then one body byte every {@link #DRIP_INTERVAL_MILLIS}. */
    DRIP_JSON,
    /** SSE: one content chunk, then a keep-alive byte every {@link #DRIP_INTERVAL_MILLIS}, never ending. */
    DRIP_STREAM,
    /** 429 with {@code retry-after: 1e99999999} and {@code retry-after-ms: 1e99999999}. */
    GIANT_RETRY_AFTER,
    /** 200 completion with {@code x-ratelimit-reset-requests: 1e-99999999} and absurd counts. */
    GIANT_RESET,
    /** 429 with negative {@code retry-after} and rate-limit counts. */
    NEGATIVE_HEADERS,
    /** 502 with an HTML error page (a proxy in front of the provider). */
    HTML_ERROR,
    /** 200 with an HTML page (a captive portal, a login page). */
    HTML_OK,
    /** 200 {@code application/json} whose body is not JSON. */
    NON_JSON,
    /** Closes the connection with a TCP reset after reading the request. */
    RESET,
    /** Declares a length, sends part of the body, closes. */
    TRUNCATED,
    /** 200 with a 100 MB chunked body, streamed. */
    HUGE_BODY,
    /** 200 {@code Content-Encoding: gzip}, about 256 KB that expand to 256 MB of spaces. */
    GZIP_BOMB;

    String path() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** The interval of the drip faults. */
  public static final long DRIP_INTERVAL_MILLIS = 200;
  private static final long HUGE_BYTES = 100L * 1024 * 1024;
  private static final String COMPLETION = "{\"id\":\"chatcmpl-f\",\"object\":\"chat.completion\",\"created\":1700000000,"
      + "\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":\"stop\"}],"
      + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}";

  private final ServerSocket server;
  private final Thread acceptor;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Kind, AtomicLong> counts = new ConcurrentHashMap<>();
  private volatile boolean closed;
  private volatile byte[] bomb;

  private FaultyUpstream() throws IOException {
    this.server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::acceptLoop, "faulty-upstream-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /**
   * Starts a faulty upstream on a free loopback port.
   *
   * @throws IOException when no port can be bound
   */
  public static FaultyUpstream start() throws IOException {
    return new FaultyUpstream();
  }

  /** The base URL ({@code http://127.0.0.1:<port>/<fault>/v1}) whose requests get {@code kind}. */
  public String baseUrl(Kind kind) {
    return "http://127.0.0.1:" + server.getLocalPort() + "/" + kind.path() + "/v1";
  }

  /** Connections this upstream holds open now (accepted, not yet closed by either side). */
  public int openConnections() {
    return open.size();
  }

  /** Requests received for {@code kind} so far. */
  public long requests(Kind kind) {
    AtomicLong n = counts.get(kind);
    return n == null ? 0 : n.get();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      open.add(s);
      Thread t = new Thread(() -> serve(s), "faulty-upstream-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      while (!closed) {
        String head = readHead(in);
        if (head == null) return;
        int length = contentLength(head);
        if (length > 0) in.readNBytes(length);
        String path = head.substring(head.indexOf(' ') + 1);
        path = path.substring(0, Math.max(0, path.indexOf(' ')));
        Kind kind = kindOf(path);
        counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
        boolean stream = head.toLowerCase(Locale.ROOT).contains("text/event-stream");
        if (!answer(kind, stream, s, in, out)) return;
      }
    } catch (IOException | InterruptedException e) {
      // The client hung up, or the upstream is closing: nothing to answer.
    } finally {
      open.remove(s);
    }
  }

  /** Answers one request; false when the connection must not be reused. */
  private boolean answer(Kind kind, boolean stream, Socket s, InputStream in, OutputStream out)
      throws IOException, InterruptedException {
    switch (kind) {
      case OK -> {
        if (stream) {
          sseHead(out);
          out.write(("data: " + chunk("ok") + "\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
          return false;
        }
        json(out, 200, "", COMPLETION);
        return true;
      }
      case STALL -> {
        // Wait for the client to give up: a read returns -1 (or fails) when it closes the connection.
        while (!closed && in.read() != -1) {
          // discard anything else it sends
        }
        return false;
      }
      case DRIP_JSON -> {
        byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        for (byte b : body) {
          Thread.sleep(DRIP_INTERVAL_MILLIS);
          out.write(b);
          out.flush();
        }
        return false;
      }
      case DRIP_STREAM -> {
        sseHead(out);
        out.write(("data: " + chunk("drip") + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (!closed) {
          Thread.sleep(DRIP_INTERVAL_MILLIS);
          out.write(("data: " + chunk(".") + "\n\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
        return false;
      }
      case GIANT_RETRY_AFTER -> {
        json(out, 429, "retry-after: 1e99999999\r\nretry-after-ms: 1e99999999\r\nx-ratelimit-reset-requests: 1e99999999\r\n",
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\",\"code\":\"rate_limit_exceeded\"}}");
        return true;
      }
      case GIANT_RESET -> {
        json(out, 200, "x-ratelimit-reset-requests: 1e-99999999\r\nx-ratelimit-remaining-requests: 1e99999999\r\n"
            + "x-ratelimit-limit-requests: 1e99999999\r\nx-ratelimit-reset-tokens: 1e99999999\r\n", COMPLETION);
        return true;
      }
      case NEGATIVE_HEADERS -> {
        json(out, 429, "retry-after: -5\r\nretry-after-ms: -1e9\r\nx-ratelimit-remaining-requests: -1\r\nx-ratelimit-reset-requests: -30s\r\n",
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_error\"}}");
        return true;
      }
      case HTML_ERROR -> {
        write(out, 502, "text/html", "", "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
        return true;
      }
      case HTML_OK -> {
        write(out, 200, "text/html", "", "<!DOCTYPE html><html><body>Please log in</body></html>");
        return true;
      }
      case NON_JSON -> {
        json(out, 200, "", "this is not json {");
        return true;
      }
      case RESET -> {
        s.setSoLinger(true, 0); // close() now sends RST
        return false;
      }
      case TRUNCATED -> {
        byte[] body = COMPLETION.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, body.length / 2);
        out.flush();
        return false;
      }
      case HUGE_BODY -> {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        byte[] spaces = new byte[64 * 1024];
        java.util.Arrays.fill(spaces, (byte) ' ');
        byte[] size = (Integer.toHexString(spaces.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        for (long sent = 0; sent < HUGE_BYTES && !closed; sent += spaces.length) {
          out.write(size);
          out.write(spaces);
          out.write('\r');
          out.write('\n');
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return false;
      }
      case GZIP_BOMB -> {
        byte[] b = bomb();
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " + b.length
            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        return true;
      }
      default -> throw new IllegalStateException("unhandled fault " + kind);
    }
  }

  private byte[] bomb() throws IOException {
    byte[] b = bomb;
    if (b != null) return b;
    synchronized (this) {
      if (bomb == null) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
          byte[] spaces = new byte[1 << 20];
          java.util.Arrays.fill(spaces, (byte) ' ');
          for (int i = 0; i < 256; i++) gz.write(spaces);
        }
        bomb = bytes.toByteArray();
      }
      return bomb;
    }
  }

  private static String chunk(String text) {
    return "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\",\"choices\":[{\"index\":0,"
        + "\"delta\":{\"content\":\"" + text + "\"},\"finish_reason\":null}]}";
  }

  private static void sseHead(OutputStream out) throws IOException {
    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
        .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void json(OutputStream out, int status, String extraHeaders, String body) throws IOException {
    write(out, status, "application/json", extraHeaders, body);
  }

  private static void write(OutputStream out, int status, String type, String extraHeaders, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    String reason = status == 200 ? "OK" : status == 429 ? "Too Many Requests" : status == 502 ? "Bad Gateway" : "Error";
    out.write(("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: " + type + "\r\nContent-Length: " + b.length + "\r\n"
        + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(b);
    out.flush();
  }

  private static Kind kindOf(String path) {
    String first = path.startsWith("/") ? path.substring(1) : path;
    int slash = first.indexOf('/');
    if (slash >= 0) first = first.substring(0, slash);
    for (Kind k : Kind.values()) {
      if (k.path().equals(first)) return k;
    }
    return Kind.OK;
  }

  /** The request line and headers, or null at the end of the connection. Bounded at 64 KiB. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int state = 0;
    while (b.size() < 65536) {
      int c = in.read();
      if (c == -1) return null;
      b.write(c);
      state = (c == '\r' && (state == 0 || state == 2)) ? state + 1 : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
      if (state == 4) return b.toString(StandardCharsets.ISO_8859_1);
    }
    throw new IOException("request head too large");
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
        try {
          return Integer.parseInt(line.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    try {
      acceptor.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
