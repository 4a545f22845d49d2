package dev.webmon.cli;

import dev.webmon.alerter.Alerter;
import dev.webmon.alerter.AlerterConfig;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon alerter}: the Kafka Streams application deciding incidents, until SIGTERM/SIGINT. */
@Command(
    name = "alerter",
    mixinStandardHelpOptions = true,
    description = {
      "Decide incidents, exactly once: read check results, targets, alert policies and acknowledgements from Kafka and"
          + " write incident transitions (OPENED, UPDATED, ACKNOWLEDGED, RESOLVED) to the incidents topic.",
      "A Kafka Streams application (id <topics.prefix>-alerter): run any number of instances; they split the work by"
          + " partition and a dead instance's share moves to the others. Stops cleanly on SIGTERM/Ctrl-C."
    })
final class AlerterCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(KafkaConfig.KEYS, TopicsConfig.KEYS, AlerterConfig.KEYS);
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    KafkaConfig kafka = KafkaConfig.from(settings);
    TopicsConfig topics = TopicsConfig.from(settings);
    AlerterConfig config = AlerterConfig.from(settings);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Alerter alerter = Alerter.start(kafka, topics, config, Clock.systemUTC(), registry);
    Lifecycle.serve(
        "alerter",
        alerter::close,
        () -> OpsEndpoint.start("Alerter", config.metricsHost(), config.metricsPort(), registry, alerter::health));
    Lifecycle.awaitStopped(alerter::awaitStopped);
    if (alerter.failed()) {
      spec.commandLine().getErr().println("webmon alerter: stopped by an error (see the log above)");
      return Main.EXIT_FAILED;
    }
    return Main.EXIT_OK;
  }
}
