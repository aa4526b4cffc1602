package io.llmrouter.cli;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;

/**
 * Where serve's start-up time goes, for measuring it: with {@code -Dllm-router.startup.trace=true} each stage
 * ({@link #mark}) records the wall time since the JVM started (its own clock, in milliseconds: the process's
 * start time in {@code /proc} is only as exact as the boot time's whole seconds) and the main thread's CPU time, and {@link #report} prints them as one line on
 * standard error once serve is ready. Off (the default), a mark is one static boolean test: nothing is read,
 * no management class is loaded. Single-threaded: marks come from the thread that starts serve.
 */
final class StartupTrace {
  static final String PROPERTY = "llm-router.startup.trace";
  private static final boolean ENABLED = Boolean.getBoolean(PROPERTY);
  private static final List<String> NAMES = new ArrayList<>();
  private static final List<long[]> TIMES = new ArrayList<>(); // {epoch millis, thread CPU nanos or -1}

  private StartupTrace() {}

  static boolean enabled() {
    return ENABLED;
  }

  /** Records stage {@code name} now (does nothing unless tracing is on). */
  static void mark(String name) {
    if (!ENABLED) return;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : -1;
    synchronized (NAMES) {
      NAMES.add(name);
      TIMES.add(new long[] {System.currentTimeMillis(), cpu});
    }
  }

  /**
   * The stages as one line: {@code name wall ms (main thread cpu ms)} each, wall time counted from the
   * JVM's start, and the process's CPU time so far. Does nothing unless tracing is on.
   */
  static void report(PrintStream out) {
    if (!ENABLED) return;
    out.println(line(ManagementFactory.getRuntimeMXBean().getStartTime(),
        ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L)));
    out.flush();
  }

  static String line(long startMillis, long processCpuMillis) {
    StringBuilder b = new StringBuilder("llm-router startup trace (ms since JVM start, main thread cpu ms):");
    synchronized (NAMES) {
      for (int i = 0; i < NAMES.size(); i++) {
        long[] t = TIMES.get(i);
        b.append(' ').append(NAMES.get(i)).append(' ')
            .append(startMillis < 0 ? "?" : Long.toString(t[0] - startMillis))
            .append(" (").append(t[1] < 0 ? "?" : Long.toString(t[1] / 1_000_000)).append(')');
        if (i < NAMES.size() - 1) b.append(',');
      }
    }
    return b.append("; process cpu ").append(processCpuMillis < 0 ? "?" : Long.toString(processCpuMillis)).append(" ms")
        .toString();
  }
}
