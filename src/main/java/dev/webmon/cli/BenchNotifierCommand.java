package dev.webmon.cli;

import dev.webmon.bench.NotifierBench;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.infra.EmbeddedKafka;
import dev.webmon.infra.EmbeddedPostgres;
import dev.webmon.notifier.NotifierConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench notifier}. */
@Command(
    name = "notifier",
    mixinStandardHelpOptions = true,
    description = {
      "Measures the notifier's latency: incident transitions (OPENED/RESOLVED pairs) are produced at a fixed rate to",
      "<prefix>.incidents, each in its own Kafka transaction as the alerter commits them; a real notifier delivers them",
      "to one webhook channel whose receiver runs on 127.0.0.1 (only its port allow-listed). Latency is from",
      "commitTransaction() returning to the receiver getting the request with that transition's Idempotency-Key.",
      "Starts an embedded PostgreSQL, and an embedded broker unless --kafka-bootstrap-servers (or",
      "WEBMON_KAFKA_BOOTSTRAP_SERVERS) is given; the bench's topics are deleted at the end. notify.* keys tune the",
      "notifier; notify.group-wait defaults to 0 here (a grouping window would be part of every OPENED's latency).",
      "The last line is one JSON object: {\"bench\":\"notifier\",\"latencyP50Ms\":...,\"latencyP99Ms\":...,\"duplicates\":...}."
    })
final class BenchNotifierCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--transitions", paramLabel = "N", defaultValue = "2000", description = "Timed transitions, a multiple of 20 (default: ${DEFAULT-VALUE}).")
  int transitions;

  @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "50", description = "Transitions per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "200", description = "Untimed transitions before, a multiple of 20; 0 skips it (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "12", description = "Partitions of the bench topics (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(KafkaConfig.KEYS, NotifierConfig.KEYS);
  }

  @Override
  public Integer call() throws Exception {
    NotifierBench.Options options;
    try {
      options = new NotifierBench.Options(transitions, rate, warmup, partitions);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Settings settings =
        ConfigOptions.settings(spec, configKeys()).withDefaults(Map.of(NotifierConfig.GROUP_WAIT.name(), "0s"));
    NotifierConfig config = NotifierConfig.from(settings);
    PrintWriter out = spec.commandLine().getOut();
    out.println("starting an embedded PostgreSQL ...");
    out.flush();
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      if (settings.isSet(KafkaConfig.BOOTSTRAP_SERVERS)) {
        NotifierBench.run(options, KafkaConfig.from(settings), pg.createDatabase("bench"), config, "external-kafka/embedded-postgres", out);
      } else {
        out.println("starting an embedded Kafka broker ...");
        out.flush();
        try (EmbeddedKafka broker = EmbeddedKafka.builder().start()) {
          NotifierBench.run(options, broker.kafkaConfig(), pg.createDatabase("bench"), config, "embedded", out);
        }
      }
    }
    return Main.EXIT_OK;
  }
}
