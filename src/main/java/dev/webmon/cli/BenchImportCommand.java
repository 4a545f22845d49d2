package dev.webmon.cli;

import dev.webmon.bench.ImportBench;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench import}. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole monitor in one process as standalone does (embedded broker and PostgreSQL, sink, agent, web app), then times",
      "one POST /api/v1/targets/import of N new targets on a local page, the same import again (unchanged), and how long until the",
      "agent holds them all. Goal: 100 000 targets in < 60 s. The last line is one JSON object: {\"bench\":\"import\",...}."
    })
final class BenchImportCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "100000", description = "Targets in the import (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "600", description = "Interval of every target (default: ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Override
  public Integer call() throws Exception {
    ImportBench.Options options;
    try {
      options = new ImportBench.Options(targets, intervalSeconds);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    ImportBench.Result r = ImportBench.run(options, out);
    out.println(r.json());
    out.flush();
    return Main.EXIT_OK;
  }
}
