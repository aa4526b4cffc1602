package io.llmrouter.cli;

import io.llmrouter.api.HealthCheckMode;
import io.llmrouter.api.HealthReport;
import io.llmrouter.api.LlmRouterException;
import io.llmrouter.api.RateScope;
import io.llmrouter.api.RateSignal;
import io.llmrouter.api.Router;
import io.llmrouter.core.LlmRouter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code llm-router health}: builds the router from the config, checks every deployment once and prints
 * the healthy and unhealthy endpoints with their error line and, when the provider reported one, their
 * quota state. {@code --mode list|chat} chooses the probe (default: the config's
 * {@code general_settings.health_check_mode}, itself {@code list} by default): {@code list} reads the
 * model listing, {@code chat} sends a one-token completion and so also finds models that are listed but
 * unusable. Exit codes: 0 all healthy, 1 any unhealthy, 2 configuration or usage error. Not thread-safe
 * (one run per instance).
 */
@Command(name = "health", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Check every deployment once; print healthy and unhealthy endpoints; exit 1 if any is unhealthy.")
public final class HealthCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, paramLabel = "FILE", description = "LiteLLM-style config.yaml")
  Path config;

  @Option(names = "--env-file", paramLabel = "FILE", description = ".env file overlaid on the environment")
  Path envFile;

  @Option(names = "--mode", paramLabel = "list|chat",
      description = "list: the model listing (no tokens); chat: a max_tokens=1 completion per deployment."
          + " Default: general_settings.health_check_mode, else list.")
  String mode;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private final Supplier<RouterLoader> loader;

  /** The command as the CLI runs it, with the registered {@link RouterLoader}. */
  public HealthCommand() {
    this.loader = ConfigRouterLoader::new;
  }

  /** A command over {@code loader} (tests, embedding). */
  public HealthCommand(RouterLoader loader) {
    this.loader = () -> loader;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    HealthCheckMode chosen = null;
    if (mode != null) {
      chosen = HealthCheckMode.fromConfigName(mode);
      if (chosen == null) {
        err.println("llm-router health: --mode: expected one of " + HealthCheckMode.allowedNames() + ", got \"" + mode + "\"");
        return 2;
      }
    }
    RouterLoader.Loaded loaded;
    try {
      loaded = loader.get().load(config, envFile);
    } catch (LlmRouterException e) {
      err.println("llm-router health: configuration error: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      // No loader on the class path: a broken build, not the user's config.
      err.println("llm-router health: " + e.getMessage());
      return 1;
    }
    try (Router router = loaded.router()) {
      HealthReport report = chosen == null ? router.checkHealth() : router.checkHealth(chosen);
      print(out, "healthy", report.healthy());
      print(out, "unhealthy", report.unhealthy());
      out.printf("%d healthy, %d unhealthy%n", report.healthy().size(), report.unhealthy().size());
      sharedState(router).ifPresent(s -> out.printf("shared state: %s %s%n", s.backend(),
          s.connected() ? "connected" : "NOT connected (" + s.detail() + "); admitting under local limits"));
      out.flush();
      return report.unhealthy().isEmpty() ? 0 : 1;
    } catch (LlmRouterException e) {
      err.println("llm-router health: " + e.getMessage());
      return 1;
    }
  }

  // A one-shot command: give a link that is still connecting (a slow machine, a remote Redis) up to 10 s.
  private static java.util.Optional<io.llmrouter.core.state.SharedState.Status> sharedState(Router router) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    java.util.Optional<io.llmrouter.core.state.SharedState.Status> s = LlmRouter.sharedStateStatus(router);
    while (s.isPresent() && !s.get().connected() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      s = LlmRouter.sharedStateStatus(router);
    }
    return s;
  }

  private static void print(PrintWriter out, String label, List<HealthReport.Endpoint> endpoints) {
    for (HealthReport.Endpoint e : endpoints) {
      out.printf("%-9s  %s  %s  (deployment %s)%s%n", label, e.modelGroup(), e.model(), e.deploymentId(),
          (e.error() == null ? "" : "  error: " + firstLine(e.error())) + quota(e.quota()));
    }
  }

  private static String quota(HealthReport.Quota q) {
    if (q == null) return "";
    StringBuilder b = new StringBuilder("  quota:");
    window(b, "requests", q.requests());
    window(b, "tokens", q.tokens());
    if (q.blockedUntil() != null) b.append(" exhausted until ").append(q.blockedUntil()).append(';');
    b.setLength(b.length() - 1);
    return b.toString();
  }

  private static void window(StringBuilder b, String name, RateSignal.Window w) {
    if (w == null) return;
    b.append(' ').append(name).append(' ').append(w.remaining() == null ? "?" : w.remaining().toString());
    if (w.limit() != null) b.append('/').append(w.limit());
    b.append(" left");
    if (w.scope() != RateScope.UNKNOWN) b.append(" per ").append(w.scope().name().toLowerCase(java.util.Locale.ROOT));
    if (w.resetAt() != null) b.append(", resets ").append(w.resetAt());
    b.append(';');
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
