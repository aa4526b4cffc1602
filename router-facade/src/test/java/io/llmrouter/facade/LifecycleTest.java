package io.llmrouter.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmrouter.api.spi.Secret;
import java.net.ConnectException;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graceful stop, the insecure-bind refusal and option validation. */
class LifecycleTest extends FacadeTestBase {

  @Override
  FacadeOptions.Builder options() {
    return super.options().shutdownGrace(Duration.ofSeconds(20));
  }

  @Test
  void stopLetsAnInFlightRequestFinishAndRefusesNewConnections() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    router.onChat = r -> {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return ScriptedRouter.reply(r, "finished", ScriptedRouter.route("fast", "d", "pm"));
    };
    int port = server.port();
    CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
      try {
        return postAuthed("/v1/chat/completions", chatBody("fast"));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
    // New connections are refused once the connector has shut down, while the old request still runs.
    boolean refused = false;
    for (int i = 0; i < 200 && !refused; i++) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        stopping.get(10, TimeUnit.MILLISECONDS);
      } catch (ConnectException e) {
        refused = true;
      } catch (java.net.SocketException reset) {
        // accepted by the kernel's backlog while the connector closed, then reset unserved: refused too
        refused = true;
      } catch (java.util.concurrent.TimeoutException stillStopping) {
        // connector not closed yet; try again
      }
    }
    assertThat(refused).isTrue();
    assertThat(stopping).isNotDone();
    release.countDown();

    HttpResponse<String> r = inFlight.get(10, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("finished");
    stopping.get(10, TimeUnit.SECONDS);
    assertThat(server.isRunning()).isFalse();
  }

  @Test
  void nonLoopbackWithoutKeyIsRefusedUnlessInsecure() {
    assertThatThrownBy(() -> FacadeOptions.builder().host("0.0.0.0").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.0.0.0").hasMessageContaining("--insecure");
    assertThat(FacadeOptions.builder().host("0.0.0.0").insecure(true).build().insecure()).isTrue();
    assertThat(FacadeOptions.builder().host("0.0.0.0").masterKey(Secret.of("sk-1")).build().host()).isEqualTo("0.0.0.0");
    assertThat(FacadeOptions.builder().host("localhost").build().host()).isEqualTo("localhost");
    assertThatThrownBy(() -> FacadeOptions.builder().masterKey(Secret.of(" ")).build()).hasMessageContaining("empty");
  }

  @Test
  void byteSizesParse() {
    assertThat(ByteSize.parse("10MiB")).isEqualTo(10L * 1024 * 1024);
    assertThat(ByteSize.parse("10m")).isEqualTo(10L * 1024 * 1024);
    assertThat(ByteSize.parse("2MB")).isEqualTo(2_000_000L);
    assertThat(ByteSize.parse("512KiB")).isEqualTo(512L * 1024);
    assertThat(ByteSize.parse("1048576")).isEqualTo(1048576L);
    assertThatThrownBy(() -> ByteSize.parse("ten")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteSize.parse("0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ByteSize.parse("99999999999999999999")).isInstanceOf(IllegalArgumentException.class);
  }
}
