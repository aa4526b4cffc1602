package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmrouter.api.Json;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Over real HTTP: every response carries {@code x-request-id} (the caller's when sane), the router sees it,
 * the access log line has it, and a client value with control characters cannot forge a log line
 * (issue 16, log injection).
 */
class RequestIdAndAccessLogTest {

  abstract static class WithLog extends FacadeTestBase {
    final List<String> lines = new CopyOnWriteArrayList<>();
    AccessLog log;

    abstract LogFormat format();

    @Override
    FacadeOptions.Builder options() {
      log = new AccessLog(format(), (level, line) -> lines.add(line), 64, Clock.fixed(NOW, ZoneOffset.UTC));
      return super.options().accessLog(log);
    }

    @AfterEach
    void closeLog() {
      log.close();
    }

    /** The access lines written so far, once {@code n} are there (the writer runs on its own thread). */
    List<String> awaitLines(int n) throws InterruptedException {
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (lines.size() < n && System.nanoTime() < deadline) Thread.onSpinWait();
      assertThat(lines).hasSizeGreaterThanOrEqualTo(n);
      return lines;
    }
  }

  @Nested
  class Text extends WithLog {
    @Override
    LogFormat format() {
      return LogFormat.TEXT;
    }

    @Test
    void aSaneCallerIdIsEchoedPassedToTheRouterAndLogged() throws Exception {
      HttpResponse<String> r = post("/v1/chat/completions", chatBody("fast"), "authorization", "Bearer " + KEY,
          "x-request-id", "req-42_abc.DEF");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-request-id")).hasValue("req-42_abc.DEF");
      assertThat(router.requests.get(0).requestId()).isEqualTo("req-42_abc.DEF");
      String line = awaitLines(1).get(0);
      assertThat(line).startsWith("2026-01-01T00:00:00Z INFO access request_id=req-42_abc.DEF method=POST path=/v1/chat/completions "
          + "group=fast deployment=dep-1 status=200 latency_ms=");
      assertThat(line).contains(" attempts=1 fallbacks=- note=-");
    }

    @Test
    void everyResponseGetsAnIdAndAnInsaneOneIsReplaced() throws Exception {
      HttpResponse<String> none = get("/health/liveliness");
      HttpResponse<String> bad = get("/v1/models", "authorization", "Bearer " + KEY, "x-request-id", "a b\"c");
      HttpResponse<String> tooLong = get("/nope", "x-request-id", "x".repeat(129));
      for (HttpResponse<String> r : List.of(none, bad, tooLong)) {
        assertThat(r.headers().firstValue("x-request-id")).get().asString().matches("[0-9a-f]{32}");
      }
      assertThat(none.headers().firstValue("x-request-id")).isNotEqualTo(bad.headers().firstValue("x-request-id"));
      assertThat(awaitLines(3)).anySatisfy(l -> assertThat(l).contains("request_id=" + tooLong.headers().firstValue("x-request-id").get()
          + " method=GET path=/nope"));
    }

    @Test
    void aModelNameWithALineBreakCannotForgeALine() throws Exception {
      String forged = "x\\nFORGED model=FORGED deployment=d status=200\\r\\u001b[31m\\u2028";
      HttpResponse<String> r = postAuthed("/v1/chat/completions", chatBody(forged));
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      String line = awaitLines(1).get(0);
      assertThat(line).doesNotContain("\n").doesNotContain("\r").doesNotContain("\u001b").doesNotContain("\u2028");
      // Quoted and escaped: the forged pairs stay inside the group's value.
      assertThat(line).contains("group=\"x\\nFORGED model=FORGED deployment=d status=200\\r\\u001b[31m\\u2028\" deployment=- status=400");
    }
  }

  @Nested
  class JsonLines extends WithLog {
    @Override
    LogFormat format() {
      return LogFormat.JSON;
    }

    @Test
    void oneObjectPerLineWithTheFieldsAndTheHostileValueKeptAsData() throws Exception {
      postAuthed("/v1/chat/completions", chatBody("fast"));
      String forged = "x\\n{\\\"level\\\":\\\"INFO\\\"}\\u2028";
      postAuthed("/v1/chat/completions", chatBody(forged));
      List<String> got = awaitLines(2);
      JsonNode ok = Json.mapper().readTree(got.get(0));
      assertThat(ok.get("time").asText()).isEqualTo("2026-01-01T00:00:00Z");
      assertThat(ok.get("level").asText()).isEqualTo("INFO");
      assertThat(ok.get("type").asText()).isEqualTo("access");
      assertThat(ok.get("request_id").asText()).matches("[0-9a-f]{32}");
      assertThat(ok.get("group").asText()).isEqualTo("fast");
      assertThat(ok.get("deployment").asText()).isEqualTo("dep-1");
      assertThat(ok.get("status").asInt()).isEqualTo(200);
      assertThat(ok.get("latency_ms").isIntegralNumber()).isTrue();
      assertThat(ok.has("attempts")).isTrue();
      assertThat(ok.get("fallbacks").isArray()).isTrue();
      String hostile = got.get(1);
      assertThat(hostile).doesNotContain("\n").doesNotContain("\u2028");
      assertThat(Json.mapper().readTree(hostile).get("group").asText()).isEqualTo("x\n{\"level\":\"INFO\"}\u2028");
    }
  }
}
