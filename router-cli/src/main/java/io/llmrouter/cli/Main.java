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
        + "OpenRouter and other providers, with rate trackers, retries, reset-aware cooldowns and fallbacks.")
public final class Main implements Runnable {
  /**
   * The subcommands by name, in the order {@code --help} lists them. Registered in code rather than in the
   * annotation so that {@link #main} can build only the one a command line runs: picocli reads every
   * registered command's annotations by reflection, and serve's start-up should not pay for the others'.
   */
  private static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands();

  private static java.util.Map<String, Class<?>> subcommands() {
    java.util.Map<String, Class<?>> m = new java.util.LinkedHashMap<>();
    m.put("help", CommandLine.HelpCommand.class);
    m.put("serve", ServeCommand.class);
    m.put("models", ModelsCommand.class);
    m.put("health", HealthCommand.class);
    m.put("cooldowns", CooldownsCommand.class);
    m.put("demo", DemoCommand.class);
    m.put("cds-training", CdsTrainingCommand.class);
    return java.util.Collections.unmodifiableMap(m);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Loggers that print request or response headers verbatim at debug level (Jetty's parser and channel
   * dump every header, {@code Authorization} and {@code x-api-key} included); the CLI keeps them at info
   * whatever the root level, so a debug run never writes the master key or a provider key to a log.
   */
  static final java.util.List<String> HEADER_DUMPING_LOGGERS = java.util.List.of("org.eclipse.jetty", "okhttp3");

  /** Entry point: runs the command line and exits with its code. */
  public static void main(String[] args) {
    StartupTrace.mark("main");
    // Timestamps on every diagnostic line (slf4j-simple reads these when the first logger is made); a
    // -D on the command line wins.
    setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
    setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    // Jetty pads its queues to the cache line in references; without this property it learns the reference
    // size by asking the platform MBean server whether compressed oops are on, which starts JMX (tens of ms
    // before serve is ready). The JVM compresses references below a 32 GiB heap.
    setIfAbsent("org.eclipse.jetty.util.referencesPerCacheLine",
        Runtime.getRuntime().maxMemory() < (32L << 30) ? "16" : "8");
    configureLogging();
    if (args.length > 0 && args[0].equals("serve")) warmUpInBackground();
    System.exit(commandLineFor(args).execute(args));
  }

  /**
   * Starts, on a daemon thread, the slow one-time initialisations serve meets on its way to ready, so
   * that they run beside the config reader and the engine instead of after them: the default locale's
   * date-format data (the log's and Jackson's date formats), the platform's TLS trust
   * store and SSL context (read and parsed when the provider client's first OkHttp client is built, even
   * for plain-HTTP upstreams) and the list of available locales (Jetty's {@code MimeTypes} asks for it when
   * the server class loads). Both are cached by the JDK, so the main thread later finds them done, or
   * waits only for the part still running. A failure here changes nothing: the main thread does the same
   * work again and reports its own errors.
   */
  static void warmUpInBackground() {
    Thread t = new Thread(() -> {
      // The default locale's calendar and date-format data (slf4j-simple's and Jackson's date formats).
      new java.text.SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").format(new java.util.Date());
      try {
        javax.net.ssl.TrustManagerFactory tmf =
            javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((java.security.KeyStore) null);
        javax.net.ssl.SSLContext.getInstance("TLS").init(null, tmf.getTrustManagers(), null);
      } catch (java.security.GeneralSecurityException | RuntimeException ignored) {
        // the provider client meets the same problem and reports it
      }
      java.util.Locale.getAvailableLocales();
    }, "llm-router-warm-up");
    t.setDaemon(true);
    t.start();
  }

  /**
   * The command line for {@code args}: when the first argument names a subcommand (and is not {@code help},
   * which lists them all), only that subcommand is registered; otherwise every one is, as in
   * {@link #commandLine()}. Parsing, help and errors of that subcommand are the same either way.
   */
  static CommandLine commandLineFor(String[] args) {
    Class<?> only = args.length == 0 || args[0].equals("help") ? null : SUBCOMMANDS.get(args[0]);
    if (only == null) return commandLine();
    CommandLine line = new CommandLine(new Main());
    line.addSubcommand(args[0], only);
    return line.setCaseInsensitiveEnumValuesAllowed(true); // after adding: it applies to the commands present
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
    CommandLine line = new CommandLine(new Main());
    SUBCOMMANDS.forEach(line::addSubcommand);
    return line.setCaseInsensitiveEnumValuesAllowed(true);
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
