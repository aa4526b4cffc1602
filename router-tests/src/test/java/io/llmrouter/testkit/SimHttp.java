package io.llmrouter.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.ConnectionPool;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/** A plain OkHttp + Jackson client for the simulator, as any user's test would write it. */
final class SimHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  static final OkHttpClient CLIENT = new OkHttpClient.Builder()
      .retryOnConnectionFailure(false) // a reset must surface, not be silently retried
      .connectionPool(new ConnectionPool(64, 1, java.util.concurrent.TimeUnit.MINUTES))
      .readTimeout(Duration.ofSeconds(20))
      .build();

  record Reply(int status, Headers headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The data payloads of an SSE body, without comments and [DONE]. */
    List<JsonNode> events() {
      List<JsonNode> out = new ArrayList<>();
      for (String line : body.split("\n")) {
        if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
          try {
            out.add(JSON.readTree(line.substring(6)));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }
      return out;
    }
  }

  private SimHttp() {}

  static ObjectNode chat(String model, String prompt) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    body.putArray("messages").addObject().put("role", "user").put("content", prompt);
    return body;
  }

  static Reply post(ProviderSimulator sim, SimProvider p, JsonNode body) {
    return post(CLIENT, sim.baseUrl(p) + "/chat/completions", p.fakeKey(), body);
  }

  static Reply post(OkHttpClient client, String url, String key, JsonNode body) {
    Request.Builder rb = new Request.Builder().url(url)
        .post(RequestBody.create(body.toString(), MediaType.get("application/json")));
    if (key != null) {
      rb.header("Authorization", "Bearer " + key);
    }
    try (Response r = client.newCall(rb.build()).execute()) {
      return new Reply(r.code(), r.headers(), r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Reply get(ProviderSimulator sim, SimProvider p, String path) {
    Request req = new Request.Builder().url(sim.baseUrl(p) + path).header("Authorization", "Bearer " + p.fakeKey()).build();
    try (Response r = CLIENT.newCall(req).execute()) {
      return new Reply(r.code(), r.headers(), r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern GO_PART = Pattern.compile("(\\d+(?:\\.\\d*)?)(ms|h|m|s)");

  /** Parses a Go duration such as 4h48m0s or 1m26.4s or 185ms. */
  static Duration goDuration(String s) {
    Matcher m = GO_PART.matcher(s);
    double nanos = 0;
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      nanos += v * switch (m.group(2)) {
        case "h" -> 3.6e12;
        case "m" -> 6e10;
        case "s" -> 1e9;
        default -> 1e6;
      };
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /** The Go duration after "Please try again in " in a Groq message. */
  static Duration tryAgainIn(String message) {
    Matcher m = Pattern.compile("try again in ([0-9hms.]+)\\.").matcher(message);
    if (!m.find()) {
      throw new AssertionError("no 'try again in' in: " + message);
    }
    return goDuration(m.group(1));
  }
}
