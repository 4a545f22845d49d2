package dev.webmon.cli;

import dev.webmon.agent.SchedulerBench;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench scheduler}. */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the agent's scheduler and check runner with N targets and a checker that answers at once (no network, no Kafka):",
      "start lateness (actual start minus slot) p50/p99/max, checks/s, heap after GC. Goal: 100 000 targets at 60 s, p99 < 1 s, heap < 512 MB",
      "(run as java -Xmx512m -jar webmon.jar bench scheduler). The last line is one JSON object {\"bench\":\"scheduler\",...}."
    })
final class BenchSchedulerCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "100000", description = "Targets (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "60", description = "Interval of every target (default: ${DEFAULT-VALUE}).")
  long intervalSeconds;

  @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "150", description = "How long to run (default: ${DEFAULT-VALUE}).")
  long durationSeconds;

  @Option(names = "--concurrency", paramLabel = "N", defaultValue = "256", description = "Check workers, as agent.max-concurrency (default: ${DEFAULT-VALUE}).")
  int concurrency;

  @Option(names = "--check-time", paramLabel = "MS", defaultValue = "0", description = "How long each fake check takes (default: ${DEFAULT-VALUE}).")
  long checkTimeMs;

  @Override
  public Integer call() throws Exception {
    SchedulerBench.Options options;
    try {
      options =
          new SchedulerBench.Options(
              targets, Duration.ofSeconds(intervalSeconds), Duration.ofSeconds(durationSeconds), concurrency, Duration.ofMillis(checkTimeMs));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    SchedulerBench.run(options, spec.commandLine().getOut());
    return Main.EXIT_OK;
  }
}
