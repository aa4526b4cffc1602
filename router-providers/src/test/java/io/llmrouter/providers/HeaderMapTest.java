package io.llmrouter.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import okhttp3.Headers;
import org.junit.jupiter.api.Test;

/** {@link OpenAiCompatibleClient#headerMap}: the same map, in the same order, as the set-and-join it replaced. */
class HeaderMapTest {

  /** The implementation before issue 14's pass over the headers. */
  private static Map<String, String> before(Headers h) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : h.names()) {
      String n = name.toLowerCase(Locale.ROOT);
      out.put(n.equals("x-llm-router-retry-after") ? "retry-after" : n, String.join(", ", h.values(name)));
    }
    return out;
  }

  @Test
  void namesAreLowerCasedSortedAndRepeatedValuesJoinedInArrivalOrder() {
    Headers h = new Headers.Builder().add("X-RateLimit-Remaining-Requests", "9").add("content-type", "application/json")
        .add("Set-Cookie", "a=1").add("x-llm-router-retry-after", "0").add("set-cookie", "b=2").add("Date", "today").build();
    Map<String, String> m = OpenAiCompatibleClient.headerMap(h);
    // Sorted by the name as it came: the hidden Retry-After sorts as x-llm-router-retry-after.
    assertThat(m).containsExactly(Map.entry("content-type", "application/json"), Map.entry("date", "today"),
        Map.entry("set-cookie", "a=1, b=2"), Map.entry("retry-after", "0"), Map.entry("x-ratelimit-remaining-requests", "9"));
    assertThat(new ArrayList<>(m.entrySet())).isEqualTo(new ArrayList<>(before(h).entrySet()));
    assertThat(OpenAiCompatibleClient.headerMap(new Headers.Builder().build())).isEmpty();
  }

  @Test
  void randomHeaderSetsGiveWhatTheOldCodeGave() {
    Random random = new Random(14);
    String[] pool = {"Date", "date", "X-RateLimit-Limit-Tokens", "x-ratelimit-limit-tokens", "Retry-After", "retry-after-ms",
        "x-llm-router-retry-after", "Via", "VIA", "a", "B", "x-request-id", "Content-Length"};
    for (int round = 0; round < 500; round++) {
      Headers.Builder b = new Headers.Builder();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) b.add(pool[random.nextInt(pool.length)], "v" + random.nextInt(5));
      Headers h = b.build();
      List<Map.Entry<String, String>> got = new ArrayList<>(OpenAiCompatibleClient.headerMap(h).entrySet());
      assertThat(got).as(h.toString()).isEqualTo(new ArrayList<>(before(h).entrySet()));
    }
  }
}
