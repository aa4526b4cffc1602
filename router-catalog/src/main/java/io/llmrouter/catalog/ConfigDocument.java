package io.llmrouter.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.llmrouter.api.ConfigException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A LiteLLM {@code config.yaml} read for text-preserving edits: the YAML tree says what the file means,
 * a line scanner says where each {@code model_list} item and each fallback chain sits, and the two are
 * cross-checked so an edit never lands on the wrong lines. The text itself is kept exactly (every line
 * with its own terminator), which is what lets {@link ConfigEditor} change a few lines and leave every
 * other byte alone.
 *
 * <p>Supported layout (the guide's, and what LiteLLM users write): a block-style top-level
 * {@code model_list:} of block mappings starting with {@code - }; fallback chains under
 * {@code router_settings.fallbacks}, {@code context_window_fallbacks} or {@code content_policy_fallbacks}
 * as one-line flow maps ({@code - {"a": ["b", "c"]}}), one-line block entries ({@code - a: [b, c]}) or
 * block-style entries ({@code - a:} followed by one {@code - b} line per target); and
 * {@code router_settings.default_fallbacks} as a one-line flow list or a block list of {@code - b} lines.
 * A chain written any other way is reported and marked not editable; the editor refuses to change it
 * rather than guess. Immutable.
 */
public final class ConfigDocument {

  /** Fallback sections of {@code router_settings} whose chains are checked. */
  public static final List<String> FALLBACK_SECTIONS = List.of("fallbacks", "context_window_fallbacks", "content_policy_fallbacks");

  /** The {@code router_settings} list of groups tried for any model without a chain of its own. */
  public static final String DEFAULT_FALLBACKS = "default_fallbacks";

  /**
   * One {@code model_list} item.
   *
   * @param index position in {@code model_list}
   * @param modelName its {@code model_name}
   * @param litellmModel {@code litellm_params.model} ({@code groq/llama-3.1-8b-instant})
   * @param provider the prefix before the first {@code /}, or "" when none
   * @param providerModel the model id after the prefix
   * @param apiBase {@code litellm_params.api_base}, or null
   * @param apiKey {@code litellm_params.api_key} as written ({@code os.environ/GROQ_API_KEY}, {@code none}), or null
   * @param firstLine index of the line with the item's {@code - }
   * @param lastLine index of the item's last content line
   * @param mode {@code model_info.mode} as written ({@code embedding}, {@code chat}), or null when not declared
   * @param embeddingParams the {@code litellm_params} an embedding call of this deployment carries
   *     ({@link #EMBEDDING_PARAMS}: NIM's {@code input_type} for an asymmetric model), by name; empty when none
   */
  public record Deployment(int index, String modelName, String litellmModel, String provider, String providerModel,
      String apiBase, String apiKey, int firstLine, int lastLine, String mode, Map<String, JsonNode> embeddingParams) {

    /** {@code model_info.mode} of embedding models (what the router serves only on {@code /v1/embeddings}). */
    public static final String MODE_EMBEDDING = "embedding";

    /**
     * The {@code litellm_params} the router adds to a deployment's embedding calls (LiteLLM forwards them),
     * so the catalog's embedding probe sends them too.
     */
    public static final List<String> EMBEDDING_PARAMS = List.of("input_type", "truncate", "dimensions", "truncate_prompt_tokens");

    /** Keeps an unmodifiable copy of {@code embeddingParams} (null: none), in file order. */
    public Deployment {
      embeddingParams = embeddingParams == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(embeddingParams));
    }

    /** A deployment without {@code model_info.mode} or embedding parameters. */
    public Deployment(int index, String modelName, String litellmModel, String provider, String providerModel,
        String apiBase, String apiKey, int firstLine, int lastLine) {
      this(index, modelName, litellmModel, provider, providerModel, apiBase, apiKey, firstLine, lastLine, null, Map.of());
    }

    /** True when {@code model_info.mode} is {@code embedding}: the deployment serves embeddings, never chat. */
    public boolean embedding() {
      return MODE_EMBEDDING.equals(mode);
    }

    /**
     * True when the deployment serves chat: {@code model_info.mode} is not declared, or is {@code chat},
     * {@code completion} or {@code responses} (the modes the router sends chat completions to).
     */
    public boolean servesChat() {
      return mode == null || mode.equals("chat") || mode.equals("completion") || mode.equals("responses");
    }

    /** The variable named by an {@code os.environ/NAME} key, or null. */
    public String apiKeyEnv() {
      return apiKey != null && apiKey.startsWith("os.environ/") ? apiKey.substring("os.environ/".length()) : null;
    }
  }

  /**
   * One fallback chain, or the {@code default_fallbacks} list (a chain without a source).
   *
   * @param section {@code fallbacks}, {@code context_window_fallbacks}, {@code content_policy_fallbacks} or
   *     {@code default_fallbacks}
   * @param line index of its first line (the {@code - } entry, or the {@code default_fallbacks:} key)
   * @param source the model group the chain is for; "" for {@code default_fallbacks}
   * @param targets the groups tried in order
   * @param editable whether the editor can rewrite it in place (see the class comment for the layouts)
   * @param targetLines for a block-style chain, the index of each target's {@code - } line (in target
   *     order); empty when all targets sit on {@link #line()} as a flow list
   */
  public record Chain(String section, int line, String source, List<String> targets, boolean editable, List<Integer> targetLines) {
    public Chain {
      targets = List.copyOf(targets);
      targetLines = targetLines == null ? List.of() : List.copyOf(targetLines);
    }

    /** A chain whose targets all sit on its one line. */
    public Chain(String section, int line, String source, List<String> targets, boolean editable) {
      this(section, line, source, targets, editable, List.of());
    }

    /** False for {@code default_fallbacks}, which applies to every group and so has no source. */
    public boolean hasSource() {
      return !DEFAULT_FALLBACKS.equals(section);
    }

    /** True when each target has its own {@code - } line. */
    public boolean blockStyle() {
      return !targetLines.isEmpty();
    }
  }

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern ITEM = Pattern.compile("^( *)- ");
  private static final Pattern TOP_KEY = Pattern.compile("^([A-Za-z_][A-Za-z0-9_]*)\\s*:(.*)$");

  private final String text;
  private final List<String> lines;
  private final JsonNode root;
  private final List<Deployment> deployments;
  private final List<Chain> chains;
  private final int itemIndent;
  private final int modelListEnd;

  private ConfigDocument(String text) {
    this.text = text;
    this.lines = splitKeepingTerminators(text);
    try {
      JsonNode r = YAML.readTree(text);
      this.root = r == null || r.isMissingNode() ? YAML.createObjectNode() : r;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("config", "not valid YAML: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ConfigException("config", "not readable as YAML: " + e.getClass().getSimpleName());
    }
    if (!root.isObject()) throw new ConfigException("config", "expected a mapping at the top level");
    int[] layout = new int[2];
    this.deployments = List.copyOf(scanModelList(layout));
    this.itemIndent = layout[0];
    this.modelListEnd = layout[1];
    this.chains = List.copyOf(scanChains());
  }

  /**
   * Reads {@code text}.
   *
   * @throws ConfigException when it is not YAML, or its {@code model_list} is laid out in a way the line
   *     scanner cannot map item by item (the message says what was expected)
   */
  public static ConfigDocument parse(String text) {
    return new ConfigDocument(Objects.requireNonNull(text, "text"));
  }

  /** The text exactly as read. */
  public String text() {
    return text;
  }

  /** The lines, each with its own terminator (the last may have none). */
  public List<String> lines() {
    return lines;
  }

  /** The parsed YAML tree (read-only use). */
  public JsonNode tree() {
    return root;
  }

  /** The {@code model_list} items in file order. */
  public List<Deployment> deployments() {
    return deployments;
  }

  /** The fallback chains of every {@link #FALLBACK_SECTIONS} section, in file order. */
  public List<Chain> chains() {
    return chains;
  }

  /** Spaces before the {@code -} of a {@code model_list} item (2 when the list is empty). */
  public int itemIndent() {
    return itemIndent;
  }

  /** Index of the line after which an item appended at the end of {@code model_list} goes, or -1 if none. */
  int modelListEnd() {
    return modelListEnd;
  }

  /** The line terminator the file uses ({@code \r\n} when its first line has one, else {@code \n}). */
  public String newline() {
    return !lines.isEmpty() && lines.get(0).endsWith("\r\n") ? "\r\n" : "\n";
  }

  // ---------------------------------------------------------------- scanning

  static List<String> splitKeepingTerminators(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        out.add(text.substring(start, i + 1));
        start = i + 1;
      }
    }
    if (start < text.length()) out.add(text.substring(start));
    return out;
  }

  static String content(String line) {
    return line.endsWith("\r\n") ? line.substring(0, line.length() - 2) : line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
  }

  static int indent(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') i++;
    return i;
  }

  static boolean blankOrComment(String line) {
    String c = content(line).strip();
    return c.isEmpty() || c.startsWith("#");
  }

  private int topKeyLine(String key) {
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = TOP_KEY.matcher(content(lines.get(i)));
      if (m.matches() && m.group(1).equals(key)) return i;
    }
    return -1;
  }

  /** First line after {@code from} that starts a new top-level key (or the line count). */
  private int blockEnd(int from) {
    for (int i = from + 1; i < lines.size(); i++) {
      String l = lines.get(i);
      if (!blankOrComment(l) && indent(l) == 0) return i;
    }
    return lines.size();
  }

  private List<Deployment> scanModelList(int[] layout) {
    JsonNode list = root.get("model_list");
    layout[0] = 2;
    layout[1] = -1;
    if (list == null || list.isNull()) return List.of();
    if (!list.isArray()) throw new ConfigException("model_list", "expected a list");
    int keyLine = topKeyLine("model_list");
    String after = keyLine < 0 ? "" : TOP_KEY.matcher(content(lines.get(keyLine))).replaceFirst("$2").strip();
    if (keyLine < 0 || !(after.isEmpty() || after.startsWith("#"))) {
      if (list.isEmpty()) return List.of();
      throw new ConfigException("model_list", "expected a block list (model_list: followed by '- ' items) for text-preserving edits");
    }
    int end = blockEnd(keyLine);
    List<Integer> starts = new ArrayList<>();
    int dash = -1;
    for (int i = keyLine + 1; i < end; i++) {
      String l = lines.get(i);
      if (blankOrComment(l)) continue;
      Matcher m = ITEM.matcher(content(l));
      if (dash < 0) {
        if (!m.find()) throw new ConfigException("model_list", "line " + (i + 1) + ": expected a '- ' list item");
        dash = m.group(1).length();
      }
      if (indent(l) == dash && content(l).startsWith("- ", dash)) starts.add(i);
      else if (indent(l) <= dash) throw new ConfigException("model_list", "line " + (i + 1) + ": unexpected indentation");
    }
    if (starts.size() != list.size()) {
      throw new ConfigException("model_list", "found " + starts.size() + " '- ' items by line but the YAML has "
          + list.size() + "; use one block mapping per item for text-preserving edits");
    }
    List<Deployment> out = new ArrayList<>();
    int lastContent = keyLine;
    for (int k = 0; k < starts.size(); k++) {
      int first = starts.get(k);
      int limit = k + 1 < starts.size() ? starts.get(k + 1) : end;
      int last = first;
      for (int i = first + 1; i < limit; i++) {
        if (!blankOrComment(lines.get(i)) && indent(lines.get(i)) > dash) last = i;
      }
      lastContent = last;
      JsonNode item = list.get(k);
      String name = item.path("model_name").asText(null);
      JsonNode params = item.path("litellm_params");
      String model = params.path("model").asText(null);
      if (name == null || model == null) {
        throw new ConfigException("model_list[" + k + "]", "needs model_name and litellm_params.model");
      }
      int slash = model.indexOf('/');
      JsonNode modeNode = item.path("model_info").path("mode");
      String mode = modeNode.isTextual() ? modeNode.asText() : null;
      Map<String, JsonNode> embeddingParams = new LinkedHashMap<>();
      for (String key : Deployment.EMBEDDING_PARAMS) if (params.hasNonNull(key)) embeddingParams.put(key, params.get(key));
      out.add(new Deployment(k, name, model, slash < 0 ? "" : model.substring(0, slash), slash < 0 ? model : model.substring(slash + 1),
          params.hasNonNull("api_base") ? params.get("api_base").asText() : null,
          params.hasNonNull("api_key") ? params.get("api_key").asText() : null, first, last, mode, embeddingParams));
    }
    layout[0] = dash < 0 ? 2 : dash;
    layout[1] = starts.isEmpty() ? keyLine : lastContent;
    return out;
  }

  private List<Chain> scanChains() {
    int rs = topKeyLine("router_settings");
    if (rs < 0) return List.of();
    int end = blockEnd(rs);
    List<Chain> out = new ArrayList<>();
    JsonNode settings = root.path("router_settings");
    for (int i = rs + 1; i < end; i++) {
      String c = content(lines.get(i));
      String stripped = c.strip();
      int keyIndent = indent(c);
      if (stripped.startsWith(DEFAULT_FALLBACKS + ":")) {
        Chain d = defaultChain(i, keyIndent, end, stripped.substring(DEFAULT_FALLBACKS.length() + 1), settings.path(DEFAULT_FALLBACKS));
        if (d != null) out.add(d);
        continue;
      }
      for (String section : FALLBACK_SECTIONS) {
        if (!(stripped.startsWith(section + ":"))) continue;
        int seen = 0;
        int entryIndent = -1;
        Integer open = null;
        String openText = null;
        List<Integer> body = new ArrayList<>();
        for (int j = i + 1; j < end; j++) {
          String l = lines.get(j);
          if (blankOrComment(l)) continue;
          if (indent(l) <= keyIndent) break;
          String lc = content(l).strip();
          if (entryIndent < 0) entryIndent = indent(l);
          // Lines deeper than the first entry belong to a block-style entry, not to a new chain.
          if (indent(l) != entryIndent || !lc.startsWith("- ")) {
            if (open != null && indent(l) > entryIndent) body.add(j);
            continue;
          }
          if (open != null) out.add(chainAt(section, open, openText, settings.path(section).path(seen++), body));
          open = j;
          openText = lc.substring(2);
          body = new ArrayList<>();
        }
        if (open != null) out.add(chainAt(section, open, openText, settings.path(section).path(seen), body));
      }
    }
    return out;
  }

  private Chain chainAt(String section, int line, String flow, JsonNode parsedEntry, List<Integer> body) {
    String source = null;
    List<String> targets = new ArrayList<>();
    if (parsedEntry.isObject() && parsedEntry.size() == 1) {
      source = parsedEntry.fieldNames().next();
      JsonNode t = parsedEntry.get(source);
      if (t.isArray()) t.forEach(v -> targets.add(v.asText()));
      else source = null;
    }
    if (source == null) return new Chain(section, line, "", targets, false);
    if (body.isEmpty()) {
      // {"a": ["b", "c"]} or a: [b, c], all on this line
      FlowList fl = FlowList.find(flow);
      boolean editable = fl != null && fl.values().equals(targets) && !flow.substring(fl.close() + 1).strip().startsWith(",");
      return new Chain(section, line, source, targets, editable);
    }
    // a:  then one "- b" line per target
    String afterKey = stripComment(flow);
    boolean headerOnly = afterKey.endsWith(":") && FlowList.find(afterKey) == null && !afterKey.contains("{");
    boolean editable = headerOnly && blockValues(body).equals(targets);
    return new Chain(section, line, source, targets, editable, editable ? body : List.of());
  }

  private Chain defaultChain(int line, int keyIndent, int end, String afterColon, JsonNode parsed) {
    if (!parsed.isArray()) return null;
    List<String> targets = new ArrayList<>();
    parsed.forEach(v -> targets.add(v.asText()));
    String rest = stripComment(afterColon);
    if (!rest.isEmpty()) {
      FlowList fl = FlowList.find(afterColon);
      return new Chain(DEFAULT_FALLBACKS, line, "", targets, fl != null && fl.values().equals(targets));
    }
    List<Integer> body = new ArrayList<>();
    for (int j = line + 1; j < end; j++) {
      String l = lines.get(j);
      if (blankOrComment(l)) continue;
      if (indent(l) <= keyIndent) break;
      body.add(j);
    }
    boolean editable = !body.isEmpty() && blockValues(body).equals(targets);
    return new Chain(DEFAULT_FALLBACKS, line, "", targets, editable, editable ? body : List.of());
  }

  /** The values of {@code - value} lines, unquoted; null entries for lines that are not such items. */
  private List<String> blockValues(List<Integer> body) {
    List<String> out = new ArrayList<>();
    for (int j : body) {
      String item = content(lines.get(j)).strip();
      if (!item.startsWith("- ")) {
        out.add(null);
        continue;
      }
      String v = stripComment(item.substring(2));
      boolean quoted = v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"));
      // a nested mapping, list or anchor is not a plain target
      out.add(!quoted && (v.isEmpty() || "{[&*!|>".indexOf(v.charAt(0)) >= 0 || v.contains(": ")) ? null : FlowList.unquote(v));
    }
    return out;
  }

  /** {@code s} without a trailing {@code # comment} (outside quotes), stripped. */
  static String stripComment(String s) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (quote != 0) {
        if (ch == '\\' && quote == '"') i++;
        else if (ch == quote) quote = 0;
      } else if (ch == '"' || ch == '\'') {
        quote = ch;
      } else if (ch == '#' && (i == 0 || Character.isWhitespace(s.charAt(i - 1)))) {
        return s.substring(0, i).strip();
      }
    }
    return s.strip();
  }

  /** The {@code [...]} of a one-line flow map: where it is and its items as written. */
  record FlowList(int open, int close, List<String> raw, List<String> values) {

    /** Finds the first bracketed list outside quotes in {@code s}, or null. */
    static FlowList find(String s) {
      int open = -1;
      char quote = 0;
      List<String> raw = new ArrayList<>();
      int itemStart = -1;
      for (int i = 0; i < s.length(); i++) {
        char ch = s.charAt(i);
        if (quote != 0) {
          if (ch == '\\' && quote == '"') i++;
          else if (ch == quote) quote = 0;
          continue;
        }
        if (ch == '"' || ch == '\'') {
          quote = ch;
        } else if (ch == '[') {
          if (open >= 0) return null;
          open = i;
          itemStart = i + 1;
        } else if (ch == ',' && open >= 0) {
          raw.add(s.substring(itemStart, i).strip());
          itemStart = i + 1;
        } else if (ch == ']' && open >= 0) {
          String lastItem = s.substring(itemStart, i).strip();
          if (!lastItem.isEmpty() || !raw.isEmpty()) raw.add(lastItem);
          List<String> values = new ArrayList<>();
          for (String r : raw) values.add(unquote(r));
          return new FlowList(open, i, raw, values);
        } else if (ch == '#') {
          return null;
        }
      }
      return null;
    }

    static String unquote(String r) {
      if (r.length() >= 2 && (r.startsWith("\"") && r.endsWith("\"") || r.startsWith("'") && r.endsWith("'"))) {
        return r.substring(1, r.length() - 1);
      }
      return r;
    }
  }
}
