package io.llmrouter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** A real process: SIGTERM stops it gracefully with exit status 0 (not the JVM's default 143). */
@DisabledOnOs(OS.WINDOWS)
class SigtermTest {

  @Test
  void sigtermExitsZero() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        SigtermServeMain.class.getName(), "--config", "unused.yaml", "--port", "0", "--shutdown-grace", "5"))
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      Pattern serving = Pattern.compile("llm-router serving .* at (http://\\S+)/v1");
      String base = null;
      for (String line; base == null && (line = out.readLine()) != null; ) {
        Matcher m = serving.matcher(line);
        if (m.find()) base = m.group(1);
      }
      assertThat(base).as("serving line").isNotNull();
      HttpResponse<String> alive = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(base + "/health/liveliness")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(alive.statusCode()).isEqualTo(200);

      // SIGTERM, through the handle: Process.destroy() would also close the pipe the stop still writes to.
      assertThat(p.toHandle().destroy()).isTrue();

      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
