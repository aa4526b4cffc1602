package io.llmrouter.catalog;

import java.util.List;

/**
 * Every fallback chain entry marked working or STALE, and the working models no chain mentions
 * (suggestions only: chains are never reordered, extended or invented). Immutable.
 *
 * @param entries one per (chain, target), in file order; a stale source marks all its entries
 * @param stale the distinct stale model names, in order of first appearance
 * @param suggestions working model names that appear in no chain
 */
public record FallbackReport(List<Entry> entries, List<String> stale, List<String> suggestions) {

  /**
   * One chain entry.
   *
   * @param section the fallback section
   * @param source the chain's model group, or {@code default_fallbacks} for that list (which has no source)
   * @param target the fallback group
   * @param sourceWorking whether the source group still exists
   * @param targetWorking whether the target group still exists
   */
  public record Entry(String section, String source, String target, boolean sourceWorking, boolean targetWorking) {

    /** True when the entry survives pruning. */
    public boolean working() {
      return sourceWorking && targetWorking;
    }
  }

  public FallbackReport {
    entries = List.copyOf(entries);
    stale = List.copyOf(stale);
    suggestions = List.copyOf(suggestions);
  }

  /** The report as the guide prints it. */
  public String render() {
    StringBuilder sb = new StringBuilder("── Fallback validation ──────────────────────────────────────\n");
    int width = entries.stream().mapToInt(e -> e.source().length() + e.target().length() + 3).max().orElse(0);
    for (Entry e : entries) {
      String pair = e.source() + " → " + e.target();
      String mark = e.working() ? "(working)" : !e.sourceWorking() ? "[STALE source]" : "[STALE]";
      sb.append("  ").append(e.working() ? "✓" : "✗").append("  ").append(pair)
          .append(" ".repeat(Math.max(1, width - pair.length() + 2))).append(mark).append('\n');
    }
    if (entries.isEmpty()) sb.append("  (no fallback chains)\n");
    if (!stale.isEmpty()) {
      sb.append('\n').append("  ").append(stale.size()).append(" stale model reference(s) found:\n");
      stale.forEach(s -> sb.append("    - ").append(s).append('\n'));
    }
    if (!suggestions.isEmpty()) {
      sb.append('\n').append("  ").append(suggestions.size()).append(" working model(s) not in any fallback chain:\n");
      suggestions.forEach(s -> sb.append("    + ").append(s).append('\n'));
      sb.append("  Consider adding these to your fallbacks block manually.\n");
    }
    return sb.toString();
  }
}
