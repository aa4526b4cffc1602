package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: what Jetty answers by itself (a request it cannot parse, an ambiguous path, headers too large)
 * was an HTML page; it is OpenAI's error JSON like every other answer, over raw HTTP.
 */
class JettyErrorsAreJsonTest extends FacadeTestBase {

  private RawHttp.Reply send(String request) throws Exception {
    return RawHttp.exchange(server.port(), request, Duration.ofSeconds(5));
  }

  private static JsonNode openAiError(RawHttp.Reply r) {
    assertThat(r.header("content-type")).as(r.body()).startsWith("application/json");
    assertThat(r.body()).doesNotContain("<html").doesNotContain("<HTML").doesNotContain("Jetty");
    JsonNode e = Json.tree(r.body()).get("error");
    assertThat(e).as(r.body()).isNotNull();
    assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
    // Answers Jetty writes itself carry a request id like every other response.
    assertThat(r.header("x-request-id")).as("x-request-id").isNotBlank();
    return e;
  }

  @Test
  void headersTooLargeIs431Json() throws Exception {
    RawHttp.Reply r = send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n");

    assertThat(r.status()).isEqualTo(431);
    assertThat(openAiError(r).get("code").asText()).isEqualTo("request_header_fields_too_large");
  }

  @Test
  void badFramingIs400Json() throws Exception {
    RawHttp.Reply badLength = send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n");
    assertThat(badLength.status()).isEqualTo(400);
    assertThat(openAiError(badLength).get("type").asText()).isEqualTo("invalid_request_error");

    RawHttp.Reply twoLengths = send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n"
        + "Content-Length: 3\r\n\r\n{}");
    assertThat(twoLengths.status()).isEqualTo(400);
    openAiError(twoLengths);

    RawHttp.Reply badChunk = send("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
        + "\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n");
    assertThat(badChunk.status()).isEqualTo(400);
    openAiError(badChunk);

    RawHttp.Reply garbage = send("\u0001\u0002 not http at all\r\n\r\n");
    assertThat(garbage.status()).isEqualTo(400);
    openAiError(garbage);
  }

  @Test
  void badPathsAre4xxJson() throws Exception {
    for (String path : new String[] {"/v1/%2e%2e/%2e%2e/etc/passwd", "/v1/models/%2F..%2Fx", "/..;/v1/models",
        "/v1/chat/completions%00", "/%ZZ", "/v1/../../../etc/passwd"}) {
      RawHttp.Reply r = send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY + "\r\n\r\n");
      assertThat(r.status()).as(path).isBetween(400, 499);
      openAiError(r);
    }
  }

  @Test
  void unknownPathsAndMethodsAreJsonForEveryMethod() throws Exception {
    for (String method : new String[] {"GET", "PUT", "PATCH", "DELETE", "BREW", "TRACE"}) {
      RawHttp.Reply r = send(method + " /nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
      assertThat(r.status()).as(method).isIn(404, 405, 400);
      openAiError(r);
    }
    RawHttp.Reply wrongMethod = send("PUT /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(openAiError(wrongMethod).get("code").asText()).isEqualTo("method_not_allowed");
  }

  @Test
  void theHandlerBelowAnswersTheStatusesJettyChoosesInOpenAiShape() {
    for (int status : new int[] {400, 404, 405, 408, 413, 414, 431, 500, 503}) {
      ApiError e = JsonErrorHandler.of(status);
      assertThat(e.status()).isEqualTo(status);
      assertThat(Json.tree(e.body()).at("/error/type").asText()).isEqualTo(status >= 500 ? "api_error" : "invalid_request_error");
    }
  }
}
