package io.llmrouter.catalog;

import io.llmrouter.api.ConfigException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Changes a {@link ConfigDocument} by whole lines: deletes {@code model_list} items, inserts new ones,
 * rewrites or drops fallback chains and {@code default_fallbacks} (a flow list rewritten on its line, a
 * block list losing the lines of its stale targets). Every line it was not asked to change is copied byte for
 * byte (comments, order, quoting, spacing, line terminators), so an editor with no changes returns the
 * input unchanged. Never re-serializes YAML. Not thread-safe; use one per edit.
 */
public final class ConfigEditor {

  /**
   * The edited text and a line diff for humans.
   *
   * @param text the new file content
   * @param diff lines like {@code -  42 | old} and {@code +     | new}; empty when nothing changed
   */
  public record Result(String text, List<String> diff) {
    public Result {
      diff = List.copyOf(diff);
    }

    /** True when the text differs from the input. */
    public boolean changed() {
      return !diff.isEmpty();
    }
  }

  private final ConfigDocument doc;
  private final TreeSet<Integer> deleted = new TreeSet<>();
  private final Map<Integer, String> replaced = new HashMap<>();
  private final Map<Integer, List<String>> insertedAfter = new LinkedHashMap<>();
  private final List<String> appendedModelListBlocks = new ArrayList<>();
  private final TreeSet<Integer> removedItems = new TreeSet<>();

  /** An editor over {@code doc} with no changes yet. */
  public ConfigEditor(ConfigDocument doc) {
    this.doc = doc;
  }

  /** Deletes the {@code model_list} item at {@code index} (and one blank separator line after it). */
  public ConfigEditor removeDeployment(int index) {
    ConfigDocument.Deployment d = doc.deployments().get(index);
    removedItems.add(index);
    List<String> lines = doc.lines();
    for (int i = d.firstLine(); i <= d.lastLine(); i++) deleted.add(i);
    // The blank line that separated this item from the next goes with it, so the spacing around the
    // neighbours stays as it was (a section comment stays glued to the item after it).
    int after = d.lastLine() + 1;
    if (after < lines.size() && ConfigDocument.content(lines.get(after)).isBlank()) deleted.add(after);
    return this;
  }

  /**
   * Adds a rendered entry (see {@link ModelEntryRenderer}) after the last kept item of {@code provider},
   * else at the end of {@code model_list}, separated by one blank line.
   */
  public ConfigEditor addEntry(String provider, String renderedEntry) {
    int anchor = -1;
    for (ConfigDocument.Deployment d : doc.deployments()) {
      if (d.provider().equals(provider) && !removedItems.contains(d.index())) anchor = d.lastLine();
    }
    if (anchor < 0) {
      for (ConfigDocument.Deployment d : doc.deployments()) if (!removedItems.contains(d.index())) anchor = d.lastLine();
    }
    if (anchor < 0) anchor = doc.modelListEnd();
    if (anchor < 0) {
      appendedModelListBlocks.add(renderedEntry);
    } else {
      insertedAfter.computeIfAbsent(anchor, k -> new ArrayList<>()).add(doc.newline() + renderedEntry);
    }
    return this;
  }

  /**
   * Keeps only {@code targets} (a subset, in the chain's own order) in {@code chain}; an empty list drops
   * the chain. A flow list is rewritten on its line keeping each kept item exactly as written; a
   * block-style chain loses the {@code - } lines of the targets it no longer has.
   *
   * @throws ConfigException when the chain is not laid out in a way this editor can rewrite
   */
  public ConfigEditor setChainTargets(ConfigDocument.Chain chain, List<String> targets) {
    if (targets.isEmpty()) return dropChain(chain);
    if (!chain.editable()) {
      throw new ConfigException(path(chain),
          "line " + (chain.line() + 1) + ": only one-line chains ({\"a\": [\"b\"]}, a: [b]) and block lists of '- b' lines"
              + " can be edited in place; edit it by hand");
    }
    if (chain.blockStyle()) {
      for (int i = 0; i < chain.targets().size(); i++) {
        if (!targets.contains(chain.targets().get(i))) deleted.add(chain.targetLines().get(i));
      }
      return this;
    }
    String line = doc.lines().get(chain.line());
    String body = ConfigDocument.content(line);
    String terminator = line.substring(body.length());
    ConfigDocument.FlowList fl = ConfigDocument.FlowList.find(body);
    String inner = body.substring(fl.open() + 1, fl.close());
    String lead = inner.substring(0, inner.length() - inner.stripLeading().length());
    String trail = inner.substring(inner.stripTrailing().length());
    String sep = separator(inner);
    List<String> kept = new ArrayList<>();
    for (int i = 0; i < fl.values().size(); i++) if (targets.contains(fl.values().get(i))) kept.add(fl.raw().get(i));
    String rebuilt = body.substring(0, fl.open() + 1) + lead + String.join(sep, kept) + trail + body.substring(fl.close());
    replaced.put(chain.line(), rebuilt + terminator);
    return this;
  }

  /** Deletes a chain: its line, and for a block-style chain each target's line (comments between stay). */
  public ConfigEditor dropChain(ConfigDocument.Chain chain) {
    if (!chain.editable()) {
      throw new ConfigException(path(chain),
          "line " + (chain.line() + 1) + ": only one-line chains and block lists of '- b' lines can be removed automatically; edit it by hand");
    }
    deleted.add(chain.line());
    deleted.addAll(chain.targetLines());
    replaced.remove(chain.line());
    return this;
  }

  private static String path(ConfigDocument.Chain chain) {
    return "router_settings." + chain.section();
  }

  private static String separator(String inner) {
    char quote = 0;
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == ',') {
        int j = i + 1;
        while (j < inner.length() && inner.charAt(j) == ' ') j++;
        return inner.substring(i, j);
      }
    }
    return ", ";
  }

  /** Applies the changes. */
  public Result apply() {
    List<String> lines = doc.lines();
    StringBuilder out = new StringBuilder(doc.text().length() + 1024);
    List<String> diff = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (deleted.contains(i)) {
        diff.add(String.format("-%5d | %s", i + 1, ConfigDocument.content(line)));
      } else if (replaced.containsKey(i)) {
        diff.add(String.format("-%5d | %s", i + 1, ConfigDocument.content(line)));
        diff.add(String.format("+%5s | %s", "", ConfigDocument.content(replaced.get(i))));
        out.append(replaced.get(i));
      } else {
        out.append(line);
      }
      for (String block : insertedAfter.getOrDefault(i, List.of())) {
        if (!line.endsWith("\n") && out.length() > 0 && !deleted.contains(i)) out.append(doc.newline());
        out.append(block);
        for (String b : ConfigDocument.splitKeepingTerminators(block)) diff.add(String.format("+%5s | %s", "", ConfigDocument.content(b)));
      }
    }
    if (!appendedModelListBlocks.isEmpty()) {
      String nl = doc.newline();
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') out.append(nl);
      StringBuilder block = new StringBuilder(nl).append("model_list:").append(nl);
      for (int k = 0; k < appendedModelListBlocks.size(); k++) {
        if (k > 0) block.append(nl);
        block.append(appendedModelListBlocks.get(k));
      }
      out.append(block);
      for (String b : ConfigDocument.splitKeepingTerminators(block.toString())) diff.add(String.format("+%5s | %s", "", ConfigDocument.content(b)));
    }
    return new Result(out.toString(), diff);
  }
}
