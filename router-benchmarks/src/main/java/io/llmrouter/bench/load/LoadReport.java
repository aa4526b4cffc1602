package io.llmrouter.bench.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one {@link LoadHarness} run: one row per figure, one value per round, reported as the
 * median with its spread (min and max over the rounds), and the issue-14 targets checked against the medians.
 * Not thread-safe: the harness fills it from one thread.
 */
public final class LoadReport {
  /** One figure: its key, unit, a short description and the value each round measured. */
  public record Row(String key, String unit, String what, List<Double> values) {
    /** The median of the rounds' values (NaN when there are none). */
    public double median() {
      if (values.isEmpty()) return Double.NaN;
      List<Double> s = new ArrayList<>(values);
      Collections.sort(s);
      int n = s.size();
      return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** The smallest value over the rounds. */
    public double min() {
      return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** The largest value over the rounds. */
    public double max() {
      return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }
  }

  /** One of the targets: what it asks, the measured median it is judged on, and whether it is met. */
  public record Target(String target, String measured, boolean met) {}

  private final Map<String, Row> rows = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * Adds one round's value to a row, creating the row on first use.
   *
   * @param key the figure's key, e.g. {@code c1.serve.added_p50}
   * @param unit its unit, e.g. {@code µs}
   * @param what a short description
   * @param value the value this round measured
   */
  public void add(String key, String unit, String what, double value) {
    rows.computeIfAbsent(key, k -> new Row(k, unit, what, new ArrayList<>())).values().add(value);
  }

  /** Adds a free-text line printed under the tables (machine, sizes, what was left out). */
  public void note(String line) {
    notes.add(line);
  }

  /** The rows in the order they were first added. */
  public Map<String, Row> rows() {
    return Collections.unmodifiableMap(rows);
  }

  /** The row for {@code key}, or null. */
  public Row row(String key) {
    return rows.get(key);
  }

  private double med(String key) {
    Row r = rows.get(key);
    return r == null ? Double.NaN : r.median();
  }

  /** The issue-14 targets judged on the medians; a target whose figures were not measured is left out. */
  public List<Target> targets() {
    List<Target> t = new ArrayList<>();
    double ref50 = med("c1.reference.added_p50");
    double srv50 = med("c1.serve.added_p50");
    if (!Double.isNaN(srv50) && !Double.isNaN(ref50)) {
      t.add(new Target("c1 added p50 <= reference's + 15 µs",
          fmt(srv50) + " µs (reference " + fmt(ref50) + " µs)", srv50 <= ref50 + 15));
    }
    double srv99 = med("c1.serve.added_p99");
    if (!Double.isNaN(srv99)) t.add(new Target("c1 added p99 <= 250 µs", fmt(srv99) + " µs", srv99 <= 250));
    double cpu = med("c1.serve.cpu_vs_reference");
    if (!Double.isNaN(cpu)) {
      t.add(new Target("CPU per request <= 1.1x reference's (c1)", fmt(cpu) + "x (" + fmt(med("c1.serve.cpu_per_request"))
          + " vs " + fmt(med("c1.reference.cpu_per_request")) + " µs)", cpu <= 1.1));
    }
    double cap0 = med("c64_0ms.serve.rps_vs_reference");
    if (!Double.isNaN(cap0)) {
      t.add(new Target("64 clients, 0 ms upstream: req/s >= reference's", fmt(cap0) + "x (" + fmt(med("c64_0ms.serve.rps"))
          + " vs " + fmt(med("c64_0ms.reference.rps")) + " req/s)", cap0 >= 1.0));
    }
    double cap20 = med("c64_20ms.serve.rps_vs_direct");
    if (!Double.isNaN(cap20)) {
      double errors = med("c64_20ms.serve.errors");
      t.add(new Target("64 clients, 20 ms upstream: req/s >= 0.97x direct, no errors",
          fmt(cap20) + "x, " + fmt(errors) + " errors", cap20 >= 0.97 && errors == 0));
    }
    double ttfc = med("stream.serve.added_ttfc_p50");
    if (!Double.isNaN(ttfc)) t.add(new Target("added time to first content p50 <= 250 µs", fmt(ttfc) + " µs", ttfc <= 250));
    double ready = med("startup.serve.ready_ms");
    if (!Double.isNaN(ready)) t.add(new Target("ready <= 0.6 s after process start", fmt(ready) + " ms", ready <= 600));
    double rss = med("rss.serve.after_load_mib");
    if (!Double.isNaN(rss)) t.add(new Target("resident memory after load <= 200 MiB", fmt(rss) + " MiB", rss <= 200));
    double inproc = med("inprocess.router.added_p50");
    if (!Double.isNaN(inproc)) {
      t.add(new Target("in-process router.chat adds <= 30 µs p50 to bare OkHttp", fmt(inproc) + " µs", inproc <= 30));
    }
    return t;
  }

  /** The report as Markdown: the figures (median, min, max, rounds), the targets, then the notes. */
  public String markdown() {
    StringBuilder b = new StringBuilder();
    b.append("| figure | unit | median | min | max | rounds | what |\n");
    b.append("| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
    for (Row r : rows.values()) {
      b.append("| ").append(r.key()).append(" | ").append(r.unit()).append(" | ").append(fmt(r.median()))
          .append(" | ").append(fmt(r.min())).append(" | ").append(fmt(r.max())).append(" | ")
          .append(r.values().size()).append(" | ").append(r.what()).append(" |\n");
    }
    List<Target> targets = targets();
    if (!targets.isEmpty()) {
      b.append("\n| target (issue 14) | measured (median) | met? |\n| --- | --- | --- |\n");
      for (Target t : targets) {
        b.append("| ").append(t.target()).append(" | ").append(t.measured()).append(" | ")
            .append(t.met() ? "yes" : "no").append(" |\n");
      }
    }
    if (!notes.isEmpty()) {
      b.append('\n');
      for (String n : notes) b.append("- ").append(n).append('\n');
    }
    return b.toString();
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) return "n/a";
    double a = Math.abs(v);
    if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
    if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
    return String.format(Locale.ROOT, "%.2f", v);
  }
}
