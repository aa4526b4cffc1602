package io.llmrouter.facade;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection as it opens when its client address already holds {@code max} connections, so one
 * client cannot take every connection the server can keep. Counts are per IP address (not port) and drop
 * as connections close. Thread-safe; registered on the connector as a {@link Connection.Listener}.
 */
final class PerAddressConnectionLimit implements Connection.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(PerAddressConnectionLimit.class);
  private final int max;
  private final ConcurrentHashMap<InetAddress, Integer> open = new ConcurrentHashMap<>();
  // Connections this listener closed still get onClosed; only the counted ones are uncounted there.
  private final ConcurrentHashMap<Connection, InetAddress> counted = new ConcurrentHashMap<>();

  PerAddressConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void onOpened(Connection connection) {
    InetAddress address = addressOf(connection);
    if (address == null) return;
    // merge/computeIfPresent are atomic per key, so a close racing this open can neither lose nor double a count.
    if (open.merge(address, 1, Integer::sum) > max) {
      open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
      LOG.debug("closing a connection from {}: it already holds {} connections", address.getHostAddress(), max);
      connection.getEndPoint().close();
      return;
    }
    counted.put(connection, address);
  }

  @Override
  public void onClosed(Connection connection) {
    // A closed endpoint no longer knows its remote address: use the one counted at open.
    InetAddress address = counted.remove(connection);
    if (address == null) return;
    open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
  }

  /** Connections open from {@code address} now (for tests and diagnostics). */
  int openFrom(InetAddress address) {
    Integer n = open.get(address);
    return n == null ? 0 : n;
  }

  private static InetAddress addressOf(Connection connection) {
    SocketAddress remote = connection.getEndPoint().getRemoteSocketAddress();
    return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }
}
