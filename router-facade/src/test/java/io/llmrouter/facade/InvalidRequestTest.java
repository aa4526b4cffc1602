package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.InvalidRequestException;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Requests that are wrong before any provider sees them: the router's {@link InvalidRequestException} and
 * the facade's own parsing of fields with the wrong JSON type. Each answer is 400 in OpenAI's envelope, with
 * the field's JSON path as {@code param} and a message that names the field and what was expected, in JSON's
 * words, never a Java type or a Jackson class.
 */
class InvalidRequestTest extends FacadeTestBase {
  // What must never reach a caller: Java and Jackson vocabulary.
  private static final List<String> JAVA_WORDS = List.of("java.", "Integer", "Double", "Boolean", "String", "List",
      "ArrayList", "LinkedHashMap", "Map", "Long", "BigDecimal", "ChatRequest", "ChatMessage", "io.llmrouter",
      "MismatchedInputException", "InvalidFormatException", "Exception", "jackson", "`", "class ", "Cannot deserialize");

  private static final String USER_HI = "[{\"role\":\"user\",\"content\":\"hi\"}]";

  private JsonNode badRequest(String body, String param) throws Exception {
    HttpResponse<String> r = postAuthed("/v1/chat/completions", body);
    assertThat(r.statusCode()).as("%s -> %s", body, r.body()).isEqualTo(400);
    JsonNode e = HttpErrorsTest.error(r);
    assertThat(e.get("type").asText()).isEqualTo("invalid_request_error");
    if (param == null) assertThat(e.get("param").isNull()).as(r.body()).isTrue();
    else assertThat(e.get("param").asText()).as(r.body()).isEqualTo(param);
    assertThat(e.get("code").isNull()).as(r.body()).isTrue();
    String message = e.get("message").asText();
    for (String word : JAVA_WORDS) assertThat(message).as("message of %s", body).doesNotContain(word);
    assertThat(router.requests).as("nothing reached the router").isEmpty();
    return e;
  }

  @Test
  void routersInvalidRequestIs400WithItsFieldAsParam() throws Exception {
    router.onChat = r -> {
      throw new InvalidRequestException("temperature", "temperature must be between 0 and 2, got 7");
    };

    HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody("fast"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"temperature must be between 0 and 2, got 7\","
        + "\"type\":\"invalid_request_error\",\"param\":\"temperature\",\"code\":null}}");
  }

  @Test
  void routersInvalidRequestWithoutAFieldHasANullParam() throws Exception {
    router.onStream = r -> {
      throw new InvalidRequestException(null, "n greater than 1 cannot be streamed");
    };

    HttpResponse<String> r = postAuthed("/v1/chat/completions", StreamingTest.streamBody("fast"));

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo("{\"error\":{\"message\":\"n greater than 1 cannot be streamed\","
        + "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
  }

  @Test
  void messagesAsAStringNamesTheFieldAndAnArray() throws Exception {
    String m = badRequest("{\"model\":\"fast\",\"messages\":\"hi\"}", "messages").get("message").asText();

    assertThat(m).startsWith("Invalid type for 'messages': expected an array, but got a string (\"hi\") instead at line 1, column ");
  }

  @Test
  void temperatureAsAWordIsExpectedANumber() throws Exception {
    String m = badRequest("{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"temperature\":\"hot\"}", "temperature")
        .get("message").asText();

    assertThat(m).startsWith("Invalid type for 'temperature': expected a number, but got a string (\"hot\") instead");
  }

  @Test
  void maxTokensAsAWordIsExpectedAnInteger() throws Exception {
    String m = badRequest("{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"max_tokens\":\"ten\"}", "max_tokens")
        .get("message").asText();

    assertThat(m).startsWith("Invalid type for 'max_tokens': expected an integer, but got a string (\"ten\") instead");
  }

  @Test
  void nestedFieldsAreNamedByTheirPath() throws Exception {
    String m = badRequest("{\"model\":\"fast\",\"messages\":[\"hi\"]}", "messages[0]").get("message").asText();
    assertThat(m).startsWith("Invalid type for 'messages[0]': expected an object, but got a string (\"hi\") instead");

    badRequest("{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"stream\":\"yes\"}", "stream");
    badRequest("{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"fallbacks\":{\"a\":1}}", "fallbacks");
  }

  @Test
  void aNumberTooLargeForItsFieldIsNamed() throws Exception {
    String m = badRequest("{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"max_tokens\":99999999999999999999}", "max_tokens")
        .get("message").asText();

    assertThat(m).contains("max_tokens").contains("out of range");
  }

  @Test
  void aBodyThatIsNotAnObjectSaysSo() throws Exception {
    String m = badRequest("[1,2]", null).get("message").asText();

    assertThat(m).isEqualTo("The request body must be a JSON object, but got an array instead.");
  }

  /** Issue 16: a body of JSON {@code null} was a 500 "internal error (NullPointerException)". */
  @Test
  void aNullBodyIs400NotAnInternalError() throws Exception {
    String m = badRequest("null", null).get("message").asText();

    assertThat(m).isEqualTo("The request body must be a JSON object, but got null instead.");
  }

  /** Issue 16: every mistyped body is a 400 naming the field's JSON path and what was expected. */
  @Test
  void everyMistypedBodyNamesItsPathAndWhatWasExpected() throws Exception {
    String[][] cases = {
        // body, param (null: the body itself), a phrase the message must contain
        {"[1,2]", null, "must be a JSON object"},
        {"\"hello\"", null, "must be a JSON object"},
        {"42", null, "must be a JSON object"},
        {"true", null, "must be a JSON object"},
        {"{\"model\":\"fast\",\"messages\":\"hi\"}", "messages", "expected an array"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"max_tokens\":\"x\"}", "max_tokens", "expected an integer"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"max_tokens\":1.5}", "max_tokens", "integer"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"max_tokens\":[1]}", "max_tokens", "expected an integer"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"max_tokens\":{}}", "max_tokens", "expected an integer"},
        {"{\"model\":[\"fast\"],\"messages\":" + USER_HI + "}", "model", "expected a string"},
        {"{\"model\":{},\"messages\":" + USER_HI + "}", "model", "expected a string"},
        {"{\"model\":\"fast\",\"messages\":[1]}", "messages[0]", "expected an object"},
        {"{\"model\":\"fast\",\"messages\":[[]]}", "messages[0]", "expected an object"},
        {"{\"model\":\"fast\",\"messages\":{\"role\":\"user\"}}", "messages", "expected an array"},
        {"{\"model\":\"fast\",\"messages\":[{\"role\":[],\"content\":\"hi\"}]}", "messages[0].role", "expected a string"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"temperature\":[]}", "temperature", "expected a number"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"stream\":\"yes\"}", "stream", "expected a boolean"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"n\":\"two\"}", "n", "expected an integer"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"tools\":\"all\"}", "tools", "expected an array"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"tools\":[7]}", "tools[0]", "expected an object"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"fallbacks\":\"slow\"}", "fallbacks", "expected an array"},
        {"{\"model\":\"fast\",\"messages\":" + USER_HI + ",\"timeout\":\"soon\"}", "timeout", "expected a number"},
    };
    List<String> failures = new java.util.ArrayList<>();
    for (String[] c : cases) {
      try {
        check(c);
      } catch (AssertionError e) {
        failures.add(e.getMessage());
      }
    }
    assertThat(failures).isEmpty();
  }

  private void check(String[] c) throws Exception {
    {
      String message = badRequest(c[0], c[1]).get("message").asText();
      assertThat(message).as("message for %s", c[0]).contains(c[2]);
      if (c[1] != null) assertThat(message).as("message for %s", c[0]).contains("'" + c[1] + "'");
    }
  }
}
