package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ErrorContext;
import io.llmrouter.api.Json;
import io.llmrouter.api.NoDeploymentAvailableException;
import io.llmrouter.api.ProviderUnavailableException;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** SSE over raw HTTP: headers before the first byte, in-band errors, disconnects cancelling upstream. */
class StreamingTest extends FacadeTestBase {

  static String streamBody(String model) {
    return "{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }

  HttpResponse<InputStream> openStream(String body) throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
  }

  static List<String> dataLines(BufferedReader in) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) out.add(line.substring(6));
    return out;
  }

  @Test
  void statusAndRouteHeadersArriveWithTheFirstChunkBeforeTheStreamEnds() throws Exception {
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "groq-1", "llama-3.1-8b-instant",
        Map.of("x-ratelimit-remaining-requests", "13", "retry-after", "2"), List.of()))
        .chunk(ScriptedRouter.chunk("llama-3.1-8b-instant", "Hel"));
    router.onStream = r -> s;

    HttpResponse<InputStream> r = openStream(streamBody("fast"));

    // send() returned with headers while the upstream has not finished: nothing was buffered to the end.
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    assertThat(r.headers().firstValue("x-llm-router-deployment")).hasValue("groq-1");
    assertThat(r.headers().firstValue("x-llm-router-model-group")).hasValue("fast");
    assertThat(r.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("13");
    assertThat(r.headers().firstValue("retry-after")).hasValue("2");
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    assertThat(in.readLine()).startsWith("data: ").contains("\"Hel\"");
    s.chunk(ScriptedRouter.chunk("llama-3.1-8b-instant", "lo")).end();
    List<String> rest = dataLines(in);
    assertThat(rest).hasSize(2);
    assertThat(Json.read(rest.get(0), ChatChunk.class).choices().get(0).delta().text()).isEqualTo("lo");
    assertThat(rest.get(1)).isEqualTo("[DONE]");
    assertThat(s.closed.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void errorAfterTheFirstChunkIsAnSseErrorEventThenTheEnd() throws Exception {
    router.onStream = r -> new ScriptedStream(ScriptedRouter.route("fast", "d", "pm"))
        .chunk(ScriptedRouter.chunk("pm", "partial"))
        .fail(new ProviderUnavailableException("connection reset by groq", new ErrorContext(0, "groq", "d", Map.of(), null, null)));

    HttpResponse<InputStream> r = openStream(streamBody("fast"));

    assertThat(r.statusCode()).isEqualTo(200);
    List<String> data = dataLines(new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8)));
    assertThat(data).hasSize(2);
    assertThat(data.get(0)).contains("partial");
    var error = Json.tree(data.get(1)).get("error");
    assertThat(error.get("message").asText()).isEqualTo("connection reset by groq");
    assertThat(error.get("type").asText()).isEqualTo("api_error");
    assertThat(data).doesNotContain("[DONE]");
  }

  @Test
  void failureBeforeTheFirstChunkIsAPlainHttpError() throws Exception {
    router.onStream = r -> {
      throw new NoDeploymentAvailableException("fast", List.of(), NOW.plusSeconds(5), null, null);
    };

    HttpResponse<String> r = postAuthed("/v1/chat/completions", streamBody("fast"));

    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(r.headers().firstValue("retry-after")).hasValue("5");
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
  }

  @Test
  void chunkExtrasPassThrough() throws Exception {
    router.onStream = r -> new ScriptedStream(ScriptedRouter.route("fast", "d", "pm"))
        .chunk(ScriptedRouter.chunk("pm", "a").toBuilder().extra("x_groq", Json.tree("{\"id\":\"req_9\"}")).build()).end();

    HttpResponse<String> r = postAuthed("/v1/chat/completions", streamBody("fast"));

    String first = r.body().lines().filter(l -> l.startsWith("data: ")).findFirst().orElseThrow().substring(6);
    assertThat(Json.tree(first).at("/x_groq/id").asText()).isEqualTo("req_9");
  }

  @Test
  void clientDisconnectMidStreamClosesTheUpstream() throws Exception {
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "d", "pm")).chunk(ScriptedRouter.chunk("pm", "first"));
    router.onStream = r -> s;
    String body = streamBody("fast");

    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + KEY
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
          + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      AtomicReference<String> firstData = new AtomicReference<>();
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("data: ")) {
          firstData.set(line);
          break;
        }
      }
      assertThat(firstData.get()).contains("first");
    }
    // The client is gone; the upstream keeps producing until the facade notices and closes it.
    s.endless();

    assertThat(s.closed.await(10, TimeUnit.SECONDS)).as("upstream stream closed after client disconnect").isTrue();
  }
}
