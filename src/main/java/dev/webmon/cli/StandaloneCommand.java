package dev.webmon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon standalone} (not built yet). */
@Command(name = "standalone", description = "Not built yet.", mixinStandardHelpOptions = true)
final class StandaloneCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("webmon standalone: not built yet; see the open issues.");
    return Main.EXIT_NOT_BUILT;
  }
}
