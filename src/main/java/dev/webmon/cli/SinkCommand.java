package dev.webmon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon sink} (not built yet). */
@Command(name = "sink", description = "Not built yet.", mixinStandardHelpOptions = true)
final class SinkCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().getErr().println("webmon sink: not built yet; see the open issues.");
    return Main.EXIT_NOT_BUILT;
  }
}
