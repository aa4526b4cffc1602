package io.llmrouter.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code llm-router} command line. Subcommands: see {@code llm-router --help}. */
@Command(
    name = "llm-router",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "An in-process LLM gateway: one OpenAI-compatible API over local vLLM, Groq, NVIDIA NIM, "
        + "OpenRouter and other providers, with rate trackers, retries, reset-aware cooldowns and fallbacks.",
    subcommands = {CommandLine.HelpCommand.class, ServeCommand.class, ModelsCommand.class, HealthCommand.class, CooldownsCommand.class, DemoCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Loggers that print request or response headers verbatim at debug level (Jetty's parser and channel
   * dump every header, {@code Authorization} and {@code x-api-key} included); the CLI keeps them at info
   * whatever the root level, so a debug run never writes the master key or a provider key to a log.
   */
  static final java.util.List<String> HEADER_DUMPING_LOGGERS = java.util.List.of("org.eclipse.jetty", "okhttp3");

  /** Entry point: runs the command line and exits with its code. */
  public static void main(String[] args) {
    // Timestamps on every diagnostic line (slf4j-simple reads these when the first logger is made); a
    // -D on the command line wins.
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    configureLogging();
    System.exit(commandLine().execute(args));
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) System.setProperty(key, value);
  }

  /**
   * The CLI's logging setup (slf4j-simple): {@link #HEADER_DUMPING_LOGGERS} never below info, even when the
   * root logger ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug}) or those loggers themselves were
   * set lower. Must run before the first logger is made.
   */
  static void configureLogging() {
    for (String name : HEADER_DUMPING_LOGGERS) {
      String key = "org.slf4j.simpleLogger.log." + name;
      String level = System.getProperty(key, "");
      if (!level.equalsIgnoreCase("warn") && !level.equalsIgnoreCase("error") && !level.equalsIgnoreCase("off")) {
        System.setProperty(key, "info");
      }
    }
  }

  /** The configured command line, for tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Reads the version Maven wrote into the jar. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = Main.class.getResourceAsStream("/llm-router-version.properties")) {
        if (in != null) p.load(in);
      }
      return new String[] {"llm-router " + p.getProperty("version", "unknown"),
          "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
  }
}
