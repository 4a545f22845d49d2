package dev.webmon.cli;

import dev.webmon.check.AddressPolicy;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.notifier.Notifier;
import dev.webmon.notifier.NotifierConfig;
import dev.webmon.notifier.NotifierHealth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon notifier}: incident transitions to the channels, at least once, until SIGTERM/SIGINT. */
@Command(
    name = "notifier",
    mixinStandardHelpOptions = true,
    description = {
      "Deliver every incident transition of <prefix>.incidents to the channels its routes name (webhook, Slack, Teams, "
          + "Discord, PagerDuty, Opsgenie, Telegram, ntfy, email), at least once with a dedup key, retrying a receiver "
          + "that is down. Runs until stopped.",
      "Run any number of instances: the consumer group shares the partitions, the outbox in PostgreSQL the channels."
    })
final class NotifierCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(
        KafkaConfig.KEYS, TopicsConfig.KEYS, PostgresConfig.KEYS, List.of(CheckConfig.ALLOWED_NETWORKS), NotifierConfig.KEYS);
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    NotifierConfig config = NotifierConfig.from(settings);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Notifier notifier =
        Notifier.builder(KafkaConfig.from(settings), TopicsConfig.from(settings), PostgresConfig.from(settings), config)
            .addressPolicy(AddressPolicy.of(settings.get(CheckConfig.ALLOWED_NETWORKS)))
            .meterRegistry(registry)
            .start();
    Lifecycle.serve(
        "notifier",
        notifier::close,
        () -> OpsEndpoint.start("Notifier", config.metricsHost(), config.metricsPort(), registry, new NotifierHealth(notifier)));
    Lifecycle.awaitStopped(notifier::awaitStopped);
    return Lifecycle.exitCode(spec, "notifier", notifier.failure(), notifier::close);
  }
}
