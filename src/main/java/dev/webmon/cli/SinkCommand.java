package dev.webmon.cli;

import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.sink.Sink;
import dev.webmon.sink.SinkConfig;
import dev.webmon.sink.SinkHealth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon sink}: Kafka to PostgreSQL, exactly once, until SIGTERM/SIGINT. */
@Command(
    name = "sink",
    mixinStandardHelpOptions = true,
    description = {
      "Write check results and target changes from Kafka into PostgreSQL, exactly once, and maintain the storage "
          + "(daily partitions, hourly rollups, retention). Runs until stopped (SIGTERM/SIGINT write the pending batch first).",
      "Run up to as many instances as the results topic has partitions; they share the work through the consumer group.",
      "Refused records go to the dead-letter topic with headers naming the error."
    })
final class SinkCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(KafkaConfig.KEYS, TopicsConfig.KEYS, PostgresConfig.KEYS, SinkConfig.KEYS);
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    KafkaConfig kafka = KafkaConfig.from(settings);
    TopicsConfig topics = TopicsConfig.from(settings);
    PostgresConfig postgres = PostgresConfig.from(settings);
    SinkConfig config = SinkConfig.from(settings);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Sink sink = Sink.builder(kafka, topics, postgres, config).meterRegistry(registry).start();
    Lifecycle.serve(
        "sink",
        sink::close,
        () -> OpsEndpoint.start("Sink", config.metricsHost(), config.metricsPort(), registry, new SinkHealth(sink, config)));
    Lifecycle.awaitStopped(sink::awaitStopped);
    return Lifecycle.exitCode(spec, "sink", sink.failure(), sink::close);
  }
}
