package io.llmrouter.bench.load;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU time goes in a JFR recording: counts {@code jdk.ExecutionSample} events by their top frame
 * (self time), by the top frame's package, and by subsystem anywhere on the stack (inclusive), and prints
 * each as Markdown with its share of all samples. Used on a recording of {@code serve} under the load
 * harness's 64-client / 0 ms phase:
 * <pre>{@code
 * java -cp router-benchmarks/target/benchmarks.jar io.llmrouter.bench.load.JfrTopFrames serve.jfr [--top 25] \
 *     [--inclusive io.llmrouter.providers.OpenAiCompatibleClient.client]...
 * }</pre>
 * Each {@code --inclusive PREFIX} adds a row to the inclusive table: samples with a frame whose
 * {@code Type.method} starts with the prefix.
 */
public final class JfrTopFrames {
  /** Subsystems counted inclusively: a sample counts once for each one that has a frame on its stack. */
  static final Map<String, String> SUBSYSTEMS = subsystems();

  private JfrTopFrames() {}

  private static Map<String, String> subsystems() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("com.fasterxml.jackson.", "Jackson");
    m.put("okhttp3.", "OkHttp");
    m.put("okio.", "okio");
    m.put("org.eclipse.jetty.", "Jetty");
    m.put("io.llmrouter.", "llm-router");
    m.put("org.slf4j.", "SLF4J / logging");
    m.put("sun.nio.ch.", "NIO channels");
    return m;
  }

  /**
   * Prints the tables for one recording.
   *
   * @param args {@code FILE.jfr [--top N] [--inclusive PREFIX]...}
   * @throws IOException when the recording cannot be read
   */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("Usage: JfrTopFrames FILE.jfr [--top N] [--inclusive Type.method-prefix]...");
      System.exit(2);
    }
    int top = 25;
    Map<String, String> extra = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i++) {
      if (args[i].equals("--top") && i + 1 < args.length) {
        top = Integer.parseInt(args[++i]);
      } else if (args[i].equals("--inclusive") && i + 1 < args.length) {
        String prefix = args[++i];
        extra.put(prefix, prefix);
      } else {
        System.err.println("JfrTopFrames: unknown option " + args[i]);
        System.exit(2);
      }
    }
    System.out.print(summarize(Path.of(args[0]), top, extra));
  }

  /**
   * The three tables for {@code recording}.
   *
   * @param recording a .jfr file
   * @param top how many rows the frame and package tables keep
   * @param extra more inclusive rows: {@code Type.method} prefix to row name
   * @return Markdown
   * @throws IOException when the file cannot be read
   */
  public static String summarize(Path recording, int top, Map<String, String> extra) throws IOException {
    Map<String, String> groups = new LinkedHashMap<>(SUBSYSTEMS);
    groups.putAll(extra);
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> packages = new HashMap<>();
    Map<String, Integer> inclusive = new LinkedHashMap<>();
    for (String s : groups.values()) inclusive.put(s, 0);
    int samples = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent e = file.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) continue;
        RecordedStackTrace st = e.getStackTrace();
        if (st == null || st.getFrames().isEmpty()) continue;
        samples++;
        RecordedFrame f = st.getFrames().get(0);
        String type = f.getMethod().getType().getName();
        self.merge(type + "." + f.getMethod().getName(), 1, Integer::sum);
        packages.merge(packageOf(type), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : st.getFrames()) {
          String t = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
          for (Map.Entry<String, String> s : groups.entrySet()) {
            if (t.startsWith(s.getKey()) && seen.add(s.getValue())) inclusive.merge(s.getValue(), 1, Integer::sum);
          }
        }
      }
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%d execution samples%n%n", samples));
    table(b, "top frame (self)", self, samples, top);
    table(b, "top frame's package", packages, samples, top);
    table(b, "subsystem anywhere on the stack (inclusive)", inclusive, samples, Integer.MAX_VALUE);
    return b.toString();
  }

  private static void table(StringBuilder b, String title, Map<String, Integer> counts, int samples, int top) {
    List<Map.Entry<String, Integer>> rows = new ArrayList<>(counts.entrySet());
    rows.sort((x, y) -> Integer.compare(y.getValue(), x.getValue()));
    b.append("| ").append(title).append(" | samples | share |\n| --- | ---: | ---: |\n");
    for (int i = 0; i < Math.min(top, rows.size()); i++) {
      Map.Entry<String, Integer> r = rows.get(i);
      b.append(String.format(Locale.ROOT, "| `%s` | %d | %.1f %% |%n", r.getKey(), r.getValue(),
          samples == 0 ? 0.0 : 100.0 * r.getValue() / samples));
    }
    b.append('\n');
  }

  static String packageOf(String type) {
    String[] parts = type.split("\\.");
    int keep = Math.min(parts.length - 1, 3);
    return keep <= 0 ? type : String.join(".", java.util.Arrays.copyOf(parts, keep));
  }
}
