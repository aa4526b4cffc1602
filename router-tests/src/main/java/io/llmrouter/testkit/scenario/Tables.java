package io.llmrouter.testkit.scenario;

import java.util.List;

/** Renders aligned markdown tables. Stateless. */
final class Tables {
  private Tables() {}

  /** A markdown table of {@code lines} (the first is the header); columns from {@code firstNumeric} on are right-aligned. */
  static String markdown(List<String[]> lines, int firstNumeric) {
    int cols = lines.get(0).length;
    int[] w = new int[cols];
    for (String[] l : lines) for (int i = 0; i < cols; i++) w[i] = Math.max(w[i], Math.max(3, l[i].length()));
    StringBuilder sb = new StringBuilder();
    for (int li = 0; li < lines.size(); li++) {
      String[] l = lines.get(li);
      sb.append('|');
      for (int i = 0; i < cols; i++) {
        String cell = l[i];
        String pad = " ".repeat(w[i] - cell.length());
        sb.append(' ').append(i >= firstNumeric && li > 0 ? pad + cell : cell + pad).append(" |");
      }
      sb.append('\n');
      if (li == 0) {
        sb.append('|');
        for (int i = 0; i < cols; i++) {
          sb.append(i >= firstNumeric ? " " + "-".repeat(w[i] - 1) + ":" : " " + "-".repeat(w[i])).append(" |");
        }
        sb.append('\n');
      }
    }
    return sb.toString();
  }
}
