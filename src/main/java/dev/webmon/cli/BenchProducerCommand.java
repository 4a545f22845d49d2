package dev.webmon.cli;

import dev.webmon.bench.ProducerBench;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.infra.EmbeddedKafka;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon bench producer}. */
@Command(
    name = "producer",
    mixinStandardHelpOptions = true,
    description = {
      "Measures Kafka producer throughput (records/s, MB/s) and latency (send to ack: p50/p95/p99/max) on a fresh topic.",
      "Starts an embedded single-node broker unless --kafka-bootstrap-servers (or WEBMON_KAFKA_BOOTSTRAP_SERVERS) is given.",
      "The last line is one JSON object: {\"bench\":\"producer\",\"recordsPerSecond\":...,\"latencyP99Ms\":...}."
    })
final class BenchProducerCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--messages", paramLabel = "N", defaultValue = "1000000", description = "Records to send (default: ${DEFAULT-VALUE}).")
  long messages;

  @Option(names = "--record-size", paramLabel = "BYTES", defaultValue = "200", description = "Value size (default: ${DEFAULT-VALUE}).")
  int recordSize;

  @Option(names = "--acks", paramLabel = "0|1|all", defaultValue = "all", description = "Producer acks (default: ${DEFAULT-VALUE}).")
  String acks;

  @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "5", description = "max.in.flight.requests.per.connection (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--idempotence", paramLabel = "true|false", arity = "0..1", fallbackValue = "true", defaultValue = "true",
      description = "enable.idempotence (default: ${DEFAULT-VALUE}); needs --acks all and --max-in-flight <= 5.")
  boolean idempotence;

  @Option(names = "--linger", paramLabel = "MS", defaultValue = "5", description = "linger.ms (default: ${DEFAULT-VALUE}).")
  long lingerMs;

  @Option(names = "--batch-size", paramLabel = "BYTES", defaultValue = "65536", description = "batch.size (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--compression", paramLabel = "CODEC", defaultValue = "lz4", description = "none, gzip, snappy, lz4 or zstd (default: ${DEFAULT-VALUE}, as the agent).")
  String compression;

  @Option(names = "--keys", paramLabel = "N", defaultValue = "10000", description = "Distinct keys, like target ids (0 = no keys: sticky partitioning) (default: ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--wait", description = "Wait for each record's ack before sending the next (synchronous sends).")
  boolean waitEach;

  @Option(names = "--throughput", paramLabel = "N", defaultValue = "-1", description = "Target records/s, paced open-loop; -1 = as fast as possible (default: ${DEFAULT-VALUE}).")
  long throughput;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "12", description = "Partitions of the bench topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return KafkaConfig.KEYS;
  }

  @Override
  public Integer call() throws Exception {
    ProducerBench.Options options;
    try {
      options =
          new ProducerBench.Options(
              messages, recordSize, acks.toLowerCase(Locale.ROOT), maxInFlight, idempotence, Duration.ofMillis(lingerMs),
              compression.toLowerCase(Locale.ROOT), keys, waitEach, partitions, batchSize, throughput);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    Settings settings = ConfigOptions.settings(spec, configKeys());
    boolean external =
        spec.commandLine().getParseResult().hasMatchedOption(KafkaConfig.BOOTSTRAP_SERVERS.flag())
            || System.getenv(KafkaConfig.BOOTSTRAP_SERVERS.envName()) != null;
    PrintWriter out = spec.commandLine().getOut();
    ProducerBench.Result result;
    if (external) {
      KafkaConfig kafka = KafkaConfig.from(settings);
      out.println("producer bench against " + kafka.bootstrapServers());
      result = ProducerBench.run(options, kafka, "external", out);
    } else {
      out.println("starting an embedded Kafka broker ...");
      out.flush();
      try (EmbeddedKafka broker = EmbeddedKafka.builder().start()) {
        result = ProducerBench.run(options, broker.kafkaConfig(), "embedded", out);
      }
    }
    return result.errors() == 0 ? Main.EXIT_OK : Main.EXIT_FAILED;
  }
}
