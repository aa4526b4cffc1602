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
   * A small valid LiteLLM config without warnings: parsing it on the warm-up thread loads and initialises
   * the config reader's classes (Jackson's YAML factory and tree model, SnakeYAML, the reader and the config
   * records) while the main thread is still parsing the command line.
   */
  static final String WARM_UP_CONFIG = String.join("\n",
      "model_list:",
      "  - model_name: \"warm-up\"",
      "    litellm_params:",
      "      model: \"hosted_vllm/warm-up\"",
      "      api_base: \"http://127.0.0.1:9/v1\"",
      "      api_key: \"none\"",
      "      rpm: 60",
      "  - model_name: \"warm-up-fallback\"",
      "    litellm_params:",
      "      model: \"openai/warm-up\"",
      "      api_base: \"http://127.0.0.1:9/v1\"",
      "      api_key: \"none\"",
      "router_settings:",
      "  routing_strategy: \"simple-shuffle\"",
      "  num_retries: 1",
      "  fallbacks:",
      "    - {\"warm-up\": [\"warm-up-fallback\"]}",
      "general_settings:",
      "  master_key: \"sk-warm-up\"",
      "  background_health_checks: false",
      "");

  /**
   * Starts, on a daemon thread, the slow one-time initialisations serve meets on its way to ready, so
   * that they run beside the command-line parser, the config reader and the engine instead of after them:
   * first the config reader itself ({@link #WARM_UP_CONFIG}: the main thread meets it next, after picocli,
   * and takes the same path through its classes, so the two threads initialise them in the same order and
   * one at most waits for the other), then the default locale's
   * date-format data (the log's and Jackson's date formats), the platform's TLS trust
   * store and SSL context (read and parsed when the provider client's first OkHttp client is built, even
   * for plain-HTTP upstreams) and the list of available locales (Jetty's {@code MimeTypes} asks for it when
   * the server class loads). Both are cached by the JDK, so the main thread later finds them done, or
   * waits only for the part still running. A failure here changes nothing: the main thread does the same
   * work again and reports its own errors.
   */
  static void warmUpInBackground() {
    Thread t = new Thread(() -> {
      try {
        io.llmrouter.core.config.LiteLlmConfigReader.parse(WARM_UP_CONFIG, io.llmrouter.core.config.Env.of(java.util.Map.of()));
      } catch (RuntimeException ignored) {
        // the main thread reads the real config and reports its own errors
      }
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
