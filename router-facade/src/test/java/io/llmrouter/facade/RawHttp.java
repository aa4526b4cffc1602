package io.llmrouter.facade;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} will not send: a chosen {@code Host}, broken
 * framing, oversized headers, pipelined requests, a body that never finishes, a chosen source address.
 */
final class RawHttp {
  /** One parsed answer. */
  record Reply(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private RawHttp() {}

  /** Connects from {@code from} (a loopback address such as 127.0.0.2; null: any) to 127.0.0.1:port. */
  static Socket connect(String from, int port, Duration timeout) throws IOException {
    Socket s = new Socket();
    if (from != null) s.bind(new InetSocketAddress(from, 0));
    s.connect(new InetSocketAddress("127.0.0.1", port), (int) timeout.toMillis());
    s.setSoTimeout((int) timeout.toMillis());
    return s;
  }

  /** Sends {@code request} as is and reads one answer. */
  static Reply exchange(int port, String request, Duration timeout) throws IOException {
    try (Socket s = connect(null, port, timeout)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      s.getOutputStream().flush();
      return read(s.getInputStream());
    }
  }

  /** Reads one answer (status line, headers, a Content-Length or chunked body). */
  static Reply read(InputStream in) throws IOException {
    String statusLine = line(in);
    if (statusLine == null) throw new IOException("connection closed before an answer");
    int status = Integer.parseInt(statusLine.split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).strip().toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (headers.containsKey("content-length")) {
      body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int n = Integer.parseInt(line(in).strip(), 16); n > 0; n = Integer.parseInt(line(in).strip(), 16)) {
        body.write(in.readNBytes(n));
        line(in);
      }
      line(in);
    }
    return new Reply(status, headers, body.toString(StandardCharsets.UTF_8));
  }

  /** True when the server closed the connection (end of stream) within the socket's timeout. */
  static boolean closedByServer(Socket s) throws IOException {
    try {
      InputStream in = s.getInputStream();
      while (true) {
        int b = in.read();
        if (b < 0) return true;
      }
    } catch (SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') break;
      if (c != '\r') b.write(c);
    }
    if (c < 0 && b.size() == 0) return null;
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
