package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmrouter.api.Json;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Hundreds of requests in flight at once are all answered, each with its own answer. */
class ConcurrencyTest extends FacadeTestBase {
  static final int N = 300;

  @Test
  void threeHundredConcurrentRequestsAreAllAnswered() throws Exception {
    // Hold every call inside the router until all N are in flight together, then release them.
    CountDownLatch allInFlight = new CountDownLatch(N);
    router.onChat = r -> {
      allInFlight.countDown();
      try {
        allInFlight.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ScriptedRouter.reply(r, "answer " + r.user(), ScriptedRouter.route("fast", "d", "pm"));
    };
    List<CompletableFuture<HttpResponse<String>>> futures = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      String body = "{\"model\":\"fast\",\"user\":\"u" + i + "\",\"stream\":false,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      HttpRequest req = HttpRequest.newBuilder(uri("/v1/chat/completions")).header("authorization", "Bearer " + KEY)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      futures.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
    }

    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

    assertThat(allInFlight.getCount()).isZero();
    for (int i = 0; i < N; i++) {
      HttpResponse<String> r = futures.get(i).join();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(Json.tree(r.body()).at("/choices/0/message/content").asText()).isEqualTo("answer u" + i);
    }
  }
}
