package io.llmrouter.cli.e2e;

import io.llmrouter.catalog.SafeConfigWriter;
import io.llmrouter.catalog.StructuralConfigValidator;
import io.llmrouter.cli.ModelsCommand;
import io.llmrouter.core.config.Env;
import io.llmrouter.providers.OpenAiCompatibleClient;
import io.llmrouter.testkit.ProviderSimulator;
import io.llmrouter.testkit.SimModel;
import io.llmrouter.testkit.SimProvider;
import io.llmrouter.testkit.VirtualClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * The subject of {@link ModelsUpdateKillTest}: a real {@code models --update --yes} process over its own
 * simulator that announces on stdout the moment it reaches a step of the config replacement and then waits
 * there, so the test can {@code kill -9} it exactly there. Arguments: {@code <config> <step>} where step is
 * {@code mid-write} (half of the new text is in the temporary file), {@code before-move} (the temporary file
 * is whole, the rename not done) or {@code after-move}.
 */
public final class KillableModelsUpdateMain {
  private KillableModelsUpdateMain() {}

  public static void main(String[] args) throws Exception {
    Path config = Path.of(args[0]);
    String step = args[1];
    ProviderSimulator sim = ProviderSimulator.builder().clock(VirtualClock.manual())
        .providers(SimProvider.GROQ, SimProvider.NVIDIA_NIM, SimProvider.OPENROUTER)
        .model(SimModel.builder(SimProvider.GROQ, "moonshotai/kimi-k2-instruct").rpm(60).rpd(1_000).tpm(10_000).build())
        .removeModel(SimProvider.GROQ, "meta-llama/llama-4-scout-17b-16e-instruct")
        .build().start();
    SafeConfigWriter.FileOps real = SafeConfigWriter.FileOps.system();
    SafeConfigWriter.FileOps stopping = new SafeConfigWriter.FileOps() {
      @Override
      public void write(Path file, byte[] bytes) throws IOException {
        if (!file.equals(config) && step.equals("mid-write")) {
          Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
          park("mid-write");
        }
        real.write(file, bytes);
        if (!file.equals(config) && step.equals("before-move")) park("before-move");
      }

      @Override
      public void move(Path from, Path to) throws IOException {
        real.move(from, to);
        if (step.equals("after-move")) park("after-move");
      }
    };
    Clock clock = Clock.fixed(Instant.parse("2026-03-03T08:00:00Z"), ZoneOffset.UTC);
    ModelsCommand cmd = new ModelsCommand(() -> OpenAiCompatibleClient.builder().clock(clock).build(), Env.of(sim.env()), clock,
        d -> { }, new ByteArrayInputStream(new byte[0]), System.out, System.err, new StructuralConfigValidator(), stopping, false);
    int code = new CommandLine(cmd).execute("--config", config.toString(), "--providers", "groq", "nvidia", "openrouter",
        "--update", "--yes");
    System.out.println("EXIT " + code);
    System.out.flush();
    sim.close();
    System.exit(code);
  }

  private static void park(String where) {
    System.out.println("AT " + where);
    System.out.flush();
    try {
      new CountDownLatch(1).await(); // until the test kills this process
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
