package io.llmrouter.cli;

import picocli.CommandLine;

/** A serve process over the scripted router, with real signal handling: the subject of {@link SigtermTest}. */
public final class SigtermServeMain {
  private SigtermServeMain() {}

  public static void main(String[] args) {
    RouterLoader loader = (config, env) -> new RouterLoader.Loaded(new StubRouter(), null);
    System.exit(new CommandLine(new ServeCommand(loader, true)).execute(args));
  }
}
