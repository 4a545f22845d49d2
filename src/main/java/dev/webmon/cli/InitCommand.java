package dev.webmon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon init} (not built yet). */
@Command(name = "init", description = "Not built yet.", mixinStandardHelpOptions = true)
final class InitCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("webmon init: not built yet; see the open issues.");
    return Main.EXIT_NOT_BUILT;
  }
}
