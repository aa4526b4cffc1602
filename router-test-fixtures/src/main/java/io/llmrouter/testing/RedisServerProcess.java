package io.llmrouter.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on a free loopback port, in its own temporary directory, with
 * persistence off (a restart comes back empty, as a crashed cache does). Tests start one, kill or pause it
 * to see how shared state behaves, and close it. The build installs Debian's {@code redis-server} package
 * first ({@code scripts/ensure-debian-packages}). Not thread-safe for lifecycle calls; {@link #command} is.
 */
public final class RedisServerProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private final String password;
  private Process process;

  private RedisServerProcess(int port, Path dir, String password) {
    this.port = port;
    this.dir = dir;
    this.password = password;
  }

  /** Starts a server on a free loopback port without a password. */
  public static RedisServerProcess start() {
    return start(null);
  }

  /**
   * Starts a server on a free loopback port; with {@code password} clients must AUTH.
   *
   * @throws IllegalStateException when redis-server is not installed or does not answer within 10 s
   */
  public static RedisServerProcess start(String password) {
    try {
      RedisServerProcess r = new RedisServerProcess(freePort(), Files.createTempDirectory("llm-router-redis"), password);
      r.launch();
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The port. */
  public int port() {
    return port;
  }

  /** {@code redis://127.0.0.1:port} (with the password when set). */
  public String url() {
    return password == null ? "redis://127.0.0.1:" + port : "redis://:" + password + "@127.0.0.1:" + port;
  }

  /** True while the process runs. */
  public boolean running() {
    return process != null && process.isAlive();
  }

  /** Kills the server at once (SIGKILL): connections drop, nothing is saved. */
  public void kill() {
    if (process == null) return;
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the server again on the same port, empty. */
  public void restart() {
    kill();
    launch();
  }

  /** Sends one command over a fresh connection and returns the reply's first line (e.g. {@code +OK}, {@code :3}). */
  public String command(String... args) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
      if (password != null) {
        out.write(resp(List.of("AUTH", password)));
        in.readLine();
      }
      out.write(resp(List.of(args)));
      out.flush();
      String line = in.readLine();
      if (line != null && line.startsWith("$") && !line.equals("$-1")) return in.readLine();
      return line;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] resp(List<String> args) {
    StringBuilder b = new StringBuilder("*").append(args.size()).append("\r\n");
    for (String a : args) b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void launch() {
    List<String> cmd = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--logfile", dir.resolve("redis.log").toString(),
        "--daemonize", "no"));
    if (password != null) cmd.addAll(List.of("--requirepass", password));
    try {
      process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start redis-server (install Debian's redis-server package: "
          + "scripts/ensure-debian-packages redis-server=redis-server)", e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) throw new IllegalStateException("redis-server exited at start; see " + dir.resolve("redis.log"));
      try {
        String pong = command("PING");
        if (pong != null && pong.startsWith("+PONG")) return;
      } catch (UncheckedIOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(10); // waiting for a child process to listen, not for a rate window
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    kill();
    throw new IllegalStateException("redis-server did not answer on port " + port + " within 10 s");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Kills the server and removes its directory. */
  @Override
  public void close() {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp directory left behind is harmless
    }
  }
}
