package io.llmrouter.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Issue 16: credentials in an api_base and query strings never leave in a printed URL. */
class SafeUrlsTest {

  @Test
  void userInfoQueryAndFragmentAreRemoved() {
    assertThat(SafeUrls.redact("http://user:PASSWORD@host:8000/v1")).isEqualTo("http://host:8000/v1");
    assertThat(SafeUrls.redact("https://PASSWORD@host/v1/")).isEqualTo("https://host/v1/");
    assertThat(SafeUrls.redact("https://host/openai?api-key=SECRET&x=1")).isEqualTo("https://host/openai");
    assertThat(SafeUrls.redact("https://u:p@host/v1?k=SECRET#frag")).isEqualTo("https://host/v1");
    assertThat(SafeUrls.redact("https://u:p%40x@host/v1")).isEqualTo("https://host/v1");
    assertThat(SafeUrls.redact("http://[::1]:4000/v1")).isEqualTo("http://[::1]:4000/v1");
    assertThat(SafeUrls.redact("https://api.groq.com/openai/v1")).isEqualTo("https://api.groq.com/openai/v1");
    assertThat(SafeUrls.redact("https://host/path/with@sign")).isEqualTo("https://host/path/with@sign");
    assertThat(SafeUrls.redact(null)).isNull();
  }

  @Test
  void everyUrlInATextIsRedacted() {
    assertThat(SafeUrls.redactIn("groq: cannot connect to http://user:PASSWORD@127.0.0.1:1/v1?key=QSECRET (refused)"))
        .isEqualTo("groq: cannot connect to http://127.0.0.1:1/v1 (refused)");
    assertThat(SafeUrls.redactIn("a 'https://a:b@x/y' and \"http://c@z?q=1\" end"))
        .isEqualTo("a 'https://x/y' and \"http://z\" end");
    assertThat(SafeUrls.redactIn("no url here")).isEqualTo("no url here");
    assertThat(SafeUrls.redactIn(null)).isNull();
  }
}
