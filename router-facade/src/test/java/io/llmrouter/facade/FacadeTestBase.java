package io.llmrouter.facade;

import io.llmrouter.api.spi.Secret;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Starts a facade on a free loopback port over a {@link ScriptedRouter}, with a fixed clock. */
abstract class FacadeTestBase {
  static final String KEY = "sk-test-master-key";
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  ScriptedRouter router;
  FacadeServer server;
  HttpClient http;

  @BeforeEach
  void startFacade() throws IOException {
    router = new ScriptedRouter();
    server = new FacadeServer(router, options().build());
    server.start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void stopFacade() {
    server.stop();
  }

  /** The options tests start with; override to change them. */
  FacadeOptions.Builder options() {
    return FacadeOptions.builder().host("127.0.0.1").port(0).masterKey(Secret.of(KEY))
        .shutdownGrace(Duration.ofMillis(100)).clock(Clock.fixed(NOW, ZoneOffset.UTC));
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<String> post(String path, String body, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> postAuthed(String path, String body) throws IOException, InterruptedException {
    return post(path, body, "authorization", "Bearer " + KEY);
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET();
    if (headers.length > 0) b.headers(headers);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String chatBody(String model) {
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  }
}
