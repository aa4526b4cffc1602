package io.llmrouter.facade;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code x-request-id} of a request: the caller's when it is sane (1 to 128 characters of letters,
 * digits and {@code - _ . : / + = @ ~}, as UUIDs, ULIDs and the ids of common proxies are), else a new
 * one (32 random hex digits). An id with anything else (a space, a line break, a quote) is replaced, not
 * cleaned: it may be an attempt to forge log lines, and a half-kept id would only mislead.
 */
final class RequestIds {
  static final String HEADER = "x-request-id";
  static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /** {@code given} when sane, else a new id. */
  static String of(String given) {
    return sane(given) ? given : generate();
  }

  static boolean sane(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) return false;
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '-' || c == '_' || c == '.' || c == ':' || c == '/' || c == '+' || c == '=' || c == '@' || c == '~';
      if (!ok) return false;
    }
    return true;
  }

  /** 128 random bits as 32 hex digits; ThreadLocalRandom: ids need to be unique, not secret, and cheap. */
  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] out = new char[32];
    long hi = r.nextLong();
    long lo = r.nextLong();
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (hi >>> (4 * i)) & 0xf];
      out[31 - i] = HEX[(int) (lo >>> (4 * i)) & 0xf];
    }
    return new String(out);
  }
}
