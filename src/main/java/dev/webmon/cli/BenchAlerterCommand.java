package dev.webmon.cli;

import dev.webmon.bench.AlerterBench;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.infra.EmbeddedKafka;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench alerter}. */
@Command(
    name = "alerter",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the alerter's Kafka Streams topology (exactly_once_v2, in-memory stores): results/s over a backlog with",
      "scripted outages against a plain read_committed consumer decoding the same records (the ratio); the decision",
      "latency (result produced to incident transition committed) at a steady rate; and the time a new instance with an",
      "empty state directory takes to restore the stores of --restore-targets targets. Starts an embedded broker unless",
      "--kafka-bootstrap-servers (or WEBMON_KAFKA_BOOTSTRAP_SERVERS) is given; the bench's topics are deleted at the end.",
      "The last line is one JSON object: {\"bench\":\"alerter\",\"alerterResultsPerSecond\":...,\"ratio\":...,\"latencyP99Ms\":...,\"restoreRunningSeconds\":...}."
    })
final class BenchAlerterCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--results", paramLabel = "N", defaultValue = "1000000", description = "Results in the throughput backlog (default: ${DEFAULT-VALUE}).")
  int results;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "10000", description = "Targets of the backlog (default: ${DEFAULT-VALUE}).")
  int targets;

  @Option(names = "--locations", paramLabel = "N", defaultValue = "3", description = "Locations per target, in every phase (default: ${DEFAULT-VALUE}).")
  int locations;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "12", description = "Partitions of the bench topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--latency-rate", paramLabel = "PER_SECOND", defaultValue = "2000", description = "Results per second in the latency phase; 0 skips it (default: ${DEFAULT-VALUE}).")
  int latencyRate;

  @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "60", description = "Duration of the latency phase (default: ${DEFAULT-VALUE}).")
  int latencySeconds;

  @Option(names = "--latency-targets", paramLabel = "N", defaultValue = "10000", description = "Targets of the latency phase (default: ${DEFAULT-VALUE}).")
  int latencyTargets;

  @Option(names = "--restore-targets", paramLabel = "N", defaultValue = "100000", description = "Targets whose state a new instance restores; 0 skips it (default: ${DEFAULT-VALUE}).")
  int restoreTargets;

  @Option(names = "--tick", paramLabel = "MS", defaultValue = "5000", description = "The topology's punctuation interval, as alerter.tick-interval (default: ${DEFAULT-VALUE}).")
  long tickMs;

  @Option(names = "--stream-threads", paramLabel = "N", defaultValue = "1", description = "num.stream.threads (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return KafkaConfig.KEYS;
  }

  @Override
  public Integer call() throws Exception {
    AlerterBench.Options options;
    try {
      options =
          new AlerterBench.Options(
              results, targets, locations, partitions, latencyRate, Duration.ofSeconds(latencySeconds), latencyTargets,
              restoreTargets, Duration.ofMillis(tickMs), threads);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Settings settings = ConfigOptions.settings(spec, configKeys());
    PrintWriter out = spec.commandLine().getOut();
    if (settings.isSet(KafkaConfig.BOOTSTRAP_SERVERS)) {
      KafkaConfig kafka = KafkaConfig.from(settings);
      out.println("alerter bench against " + kafka.bootstrapServers());
      AlerterBench.run(options, kafka, "external", out);
    } else {
      out.println("starting an embedded Kafka broker ...");
      out.flush();
      try (EmbeddedKafka broker = EmbeddedKafka.builder().start()) {
        AlerterBench.run(options, broker.kafkaConfig(), "embedded", out);
      }
    }
    return Main.EXIT_OK;
  }
}
