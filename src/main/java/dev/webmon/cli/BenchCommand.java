package dev.webmon.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code webmon bench}: the performance harness. Each bench is a subcommand; add one by listing
 * its class in {@code subcommands}.
 */
@Command(
    name = "bench",
    description = "Performance benchmarks; each prints its figures and, as its last line, one JSON object.",
    mixinStandardHelpOptions = true,
    subcommands = {
      BenchAlerterCommand.class,
      BenchCheckerCommand.class,
      BenchImportCommand.class,
      BenchNotifierCommand.class,
      BenchProducerCommand.class,
      BenchSchedulerCommand.class,
      BenchSinkCommand.class,
      BenchWebCommand.class
    })
final class BenchCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return Main.EXIT_USAGE;
  }
}
