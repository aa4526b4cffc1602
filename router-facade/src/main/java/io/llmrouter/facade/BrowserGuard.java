package io.llmrouter.facade;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Keeps web pages out of a facade that has no master key (allowed on loopback only). A page anywhere can
 * make the user's browser POST a CORS "simple" request (text/plain, no preflight) to
 * {@code http://127.0.0.1:4000}, or reach it under its own name after a DNS rebinding; with no key to
 * check, that would spend the user's provider quotas. So an open facade accepts only requests whose
 * {@code Host} is a loopback name or the address the connection came in on, and whose {@code Origin}
 * (when a browser sent one) is a loopback origin. CORS preflights are answered for loopback origins only,
 * with or without a master key. Stateless apart from the bound host; thread-safe.
 */
final class BrowserGuard {
  private final String boundHost;

  BrowserGuard(String boundHost) {
    this.boundHost = stripBrackets(boundHost.toLowerCase(Locale.ROOT));
  }

  /** True when {@code origin} (an {@code Origin} header value) is http(s) on a loopback host. */
  static boolean loopbackOrigin(String origin) {
    if (origin == null) return false;
    URI uri;
    try {
      uri = new URI(origin.strip());
    } catch (java.net.URISyntaxException e) {
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) return false;
    if (uri.getRawUserInfo() != null || uri.getRawPath() != null && !uri.getRawPath().isEmpty()) return false;
    return uri.getHost() != null && loopbackName(stripBrackets(uri.getHost().toLowerCase(Locale.ROOT)));
  }

  /**
   * Why an open facade refuses {@code request}, or null when it may go on: the {@code Host} is not loopback
   * nor the connection's own address, or the {@code Origin} is not loopback.
   */
  String refusal(Request request) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin != null && !loopbackOrigin(origin)) {
      return "Requests from web pages are refused: this llm-router has no master key, so only pages served from "
          + "localhost may call it. Set a master key to allow other clients.";
    }
    String host = hostOf(request.getHeaders().get(HttpHeader.HOST));
    if (host == null || !(loopbackName(host) || host.equals(boundHost) || host.equals(localAddress(request)))) {
      return "The Host header must name this machine's loopback address (localhost, 127.0.0.1, [::1]) or the address "
          + "the server is bound to: this llm-router has no master key, and a foreign host name is how a web page "
          + "reaches it after a DNS rebinding. Set a master key to allow other host names.";
    }
    return null;
  }

  /** localhost, *.localhost, 127.0.0.0/8, ::1 (literal addresses only: names are never resolved here). */
  static boolean loopbackName(String host) {
    if (host.equals("localhost") || host.endsWith(".localhost")) return true;
    if (!isAddressLiteral(host)) return false;
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  // Only digits, dots, hex and colons: InetAddress.getByName then parses without a DNS lookup.
  private static boolean isAddressLiteral(String host) {
    if (host.isEmpty()) return false;
    boolean colon = host.indexOf(':') >= 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok = c >= '0' && c <= '9' || c == '.' || colon && (c == ':' || c >= 'a' && c <= 'f');
      if (!ok) return false;
    }
    return colon || host.chars().filter(c -> c == '.').count() == 3;
  }

  /** The host part of a Host header, lower case, without port or brackets; null when absent or malformed. */
  static String hostOf(String hostHeader) {
    if (hostHeader == null) return null;
    String h = hostHeader.strip().toLowerCase(Locale.ROOT);
    if (h.isEmpty()) return null;
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? null : h.substring(1, end);
    }
    int colon = h.indexOf(':');
    if (colon >= 0 && h.indexOf(':', colon + 1) < 0) h = h.substring(0, colon);
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }

  private static String localAddress(Request request) {
    SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
    return local instanceof InetSocketAddress inet && inet.getAddress() != null
        ? stripBrackets(inet.getAddress().getHostAddress().toLowerCase(Locale.ROOT)) : null;
  }

  private static String stripBrackets(String h) {
    return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
  }
}
