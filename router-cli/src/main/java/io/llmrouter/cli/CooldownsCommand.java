package io.llmrouter.cli;

import io.llmrouter.api.CooldownStatus;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.Router;
import io.llmrouter.api.UnknownModelException;
import io.llmrouter.core.config.Env;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-router cooldowns}: lists the deployments the state file says are cooling (the file
 * {@code serve} writes, by default {@code .llm-router-state.json} beside the config), with until when and
 * why; {@code --clear NAME|all} ends them in that file (NAME is a model group or a deployment id). Builds
 * the router from the config without background health checks and calls no provider. Quota blocks a
 * provider announced in headers live only in the serving process (see its {@code GET /cooldowns}), and a
 * running {@code serve} keeps its own in-memory cooldowns: clear those with {@code DELETE /cooldowns/NAME}.
 * Exit codes: 0 done, 1 no router loader, 2 configuration error or unknown NAME. One run per instance.
 */
@Command(name = "cooldowns", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "List cooling deployments (until when, why) from the state file serve uses; --clear NAME|all ends them.")
public final class CooldownsCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "LiteLLM-style config.yaml")
  Path config;

  @Option(names = "--env-file", paramLabel = "FILE", description = ".env file overlaid on the environment")
  Path envFile;

  @Option(names = "--state-file", paramLabel = "FILE",
      description = "The state file serve uses (default: .llm-router-state.json beside the config)")
  Path stateFile;

  @Option(names = "--clear", paramLabel = "NAME|all",
      description = "End the cooldowns of a model group, a deployment id, or all of them")
  String clear;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Function<Path, RouterLoader> loader;
  private final Clock clock;

  /** The command as the CLI runs it: the config reader and engine over the state file, no background checks. */
  public CooldownsCommand() {
    this(state -> new ConfigRouterLoader(Env.system(), state, true), Clock.systemUTC());
  }

  /** A command whose loader is made for the state file the options name (tests, embedding). */
  CooldownsCommand(Function<Path, RouterLoader> loader, Clock clock) {
    this.loader = loader;
    this.clock = clock;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path state = stateFile != null ? stateFile : config.toAbsolutePath().resolveSibling(".llm-router-state.json");
    RouterLoader.Loaded loaded;
    try {
      loaded = loader.apply(state).load(config, envFile);
    } catch (LlmRouterException e) {
      err.println("llm-router cooldowns: configuration error: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      err.println("llm-router cooldowns: " + e.getMessage());
      return 1;
    }
    try (Router router = loaded.router()) {
      if (clear != null) {
        int n;
        try {
          n = router.clearCooldowns(clear);
        } catch (UnknownModelException e) {
          err.println("llm-router cooldowns: '" + clear + "' is neither a model group nor a deployment id (or all). "
              + "Known: " + String.join(", ", e.knownModels()));
          return 2;
        }
        out.printf("cleared %d cooling deployment%s (%s) in %s%n", n, n == 1 ? "" : "s", clear, state);
      }
      List<CooldownStatus> list = router.cooldowns();
      Instant now = clock.instant();
      for (CooldownStatus c : list) {
        out.printf("%-7s  %s  %s  (deployment %s)  until %s (in %s)%s%n", c.kind() == CooldownStatus.Kind.COOLING ? "cooling" : "quota",
            c.modelGroup(), c.model(), c.deploymentId(), c.until(), left(Duration.between(now, c.until())),
            c.reason() == null ? "" : "  why: " + c.reason());
      }
      out.printf("%d deployment%s cooling or quota-blocked (state file %s)%n", list.size(), list.size() == 1 ? "" : "s", state);
      out.flush();
      return 0;
    }
  }

  private static String left(Duration d) {
    if (d.isNegative()) d = Duration.ZERO;
    long h = d.toHours();
    long m = d.toMinutesPart();
    long s = d.toSecondsPart();
    return h > 0 ? h + "h " + m + "m" : m > 0 ? m + "m " + s + "s" : s + "s";
  }
}
