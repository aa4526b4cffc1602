package io.llmrouter.facade;

import static io.llmrouter.facade.StreamingTest.streamBody;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.ChatChunk;
import io.llmrouter.api.ChatMessage;
import io.llmrouter.api.ChunkChoice;
import io.llmrouter.api.Json;
import io.llmrouter.api.Usage;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The first chunks of a stream (the ones the router read before committing, up to the first with content)
 * are written together; none is lost, reordered or delayed past the first content, and later chunks go out
 * one by one as they come.
 */
class StreamFirstBatchTest extends FacadeTestBase {

  private static ChatChunk roleOnly() {
    return ChatChunk.builder().id("chatcmpl-s").object("chat.completion.chunk").created(1700000000L).model("pm")
        .choices(ChunkChoice.builder().index(0).delta(ChatMessage.builder().role("assistant").content("").build()).build())
        .build();
  }

  private HttpResponse<InputStream> open() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + KEY)
        .POST(HttpRequest.BodyPublishers.ofString(streamBody("fast"))).build();
    return http.send(req, HttpResponse.BodyHandlers.ofInputStream());
  }

  @Test
  void roleOnlyChunksAndTheFirstContentArriveTogetherAndInOrder() throws Exception {
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "d", "pm"))
        .chunk(roleOnly()).chunk(roleOnly()).chunk(ScriptedRouter.chunk("pm", "Hel"));
    router.onStream = r -> s;
    HttpResponse<InputStream> r = open();
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    List<String> data = new ArrayList<>();
    for (String line; data.size() < 3 && (line = in.readLine()) != null; ) if (line.startsWith("data: ")) data.add(line.substring(6));
    // The first content is out while the provider has sent nothing more.
    assertThat(data).hasSize(3);
    assertThat(Json.read(data.get(0), ChatChunk.class).choices().get(0).delta().text()).isEmpty();
    assertThat(Json.read(data.get(2), ChatChunk.class).choices().get(0).delta().text()).isEqualTo("Hel");
    s.chunk(ScriptedRouter.chunk("pm", "lo")).end();
    List<String> rest = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) rest.add(line.substring(6));
    assertThat(rest).hasSize(2);
    assertThat(Json.read(rest.get(0), ChatChunk.class).choices().get(0).delta().text()).isEqualTo("lo");
    assertThat(rest.get(1)).isEqualTo("[DONE]");
  }

  @Test
  void aStreamThatEndsBeforeAnyContentStillDeliversEveryChunkAndTheEnd() throws Exception {
    ScriptedStream s = new ScriptedStream(ScriptedRouter.route("fast", "d", "pm")).chunk(roleOnly()).chunk(roleOnly()).end();
    router.onStream = r -> s;
    HttpResponse<InputStream> r = open();
    BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
    List<String> data = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) if (line.startsWith("data: ")) data.add(line.substring(6));
    assertThat(data).hasSize(3);
    assertThat(data.get(2)).isEqualTo("[DONE]");
  }

  @Test
  void theContentRuleIsTheEnginesOwn() {
    assertThat(StreamChunks.hasContent(roleOnly())).isFalse();
    assertThat(StreamChunks.hasContent(ScriptedRouter.chunk("pm", "x"))).isTrue();
    ChatChunk finish = ChatChunk.builder().choices(ChunkChoice.builder().index(0).finishReason("stop").build()).build();
    assertThat(StreamChunks.hasContent(finish)).isTrue();
    ChatChunk usageOnly = ChatChunk.builder().usage(Json.read("{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}", Usage.class)).build();
    assertThat(StreamChunks.hasContent(usageOnly)).isTrue();
  }
}
