package io.llmrouter.api;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction of URLs before they are printed, returned, logged or stored: user info
 * ({@code http://user:PASSWORD@host}) and the query string and fragment (Azure-style {@code ?api-key=})
 * are removed, so a credential written into an {@code api_base} never reaches an error body, {@code /health},
 * a log line, the state file or the catalog's output. The URL a request is actually sent to is never
 * redacted. Stateless and thread-safe.
 */
public final class SafeUrls {
  // scheme://[userinfo@]rest-up-to-query ; stops at whitespace and at characters that end a URL in prose.
  private static final Pattern URL = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)([^\\s/?#@'\"<>]*@)?([^\\s?#'\"<>]*)([?#][^\\s'\"<>]*)?");

  private SafeUrls() {}

  /**
   * {@code url} without user info, query and fragment: {@code http://u:p@host:8000/v1?key=x} becomes
   * {@code http://host:8000/v1}.
   *
   * @param url a URL, or null
   * @return the redacted URL, null for null; text that is not a URL is returned with any {@code user@} and
   *     query removed all the same
   */
  public static String redact(String url) {
    if (url == null) return null;
    String s = url.strip();
    int scheme = s.indexOf("://");
    String head = scheme < 0 ? "" : s.substring(0, scheme + 3);
    String rest = scheme < 0 ? s : s.substring(scheme + 3);
    int end = firstOf(rest, '?', '#');
    if (end >= 0) rest = rest.substring(0, end);
    int slash = rest.indexOf('/');
    int at = rest.lastIndexOf('@', slash < 0 ? rest.length() - 1 : slash);
    if (at >= 0) rest = rest.substring(at + 1);
    return head + rest;
  }

  /**
   * {@code text} with every URL in it redacted as by {@link #redact(String)}, for messages that quote a URL
   * (an exception's message, a log line).
   *
   * @param text any text, or null
   * @return the text with its URLs redacted, null for null
   */
  public static String redactIn(String text) {
    if (text == null || text.indexOf("://") < 0) return text;
    Matcher m = URL.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + m.group(3)));
    m.appendTail(sb);
    return sb.toString();
  }

  private static int firstOf(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
