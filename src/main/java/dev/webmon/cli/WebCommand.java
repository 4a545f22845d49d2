package dev.webmon.cli;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import dev.webmon.check.AddressPolicy;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.ops.OpsServer;
import dev.webmon.store.Database;
import dev.webmon.web.KafkaTargetPublisher;
import dev.webmon.web.WebApp;
import dev.webmon.web.WebConfig;
import dev.webmon.web.WebHealth;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon web}: the UI and REST API, until SIGTERM/Ctrl-C. */
@Command(
    name = "web",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the web UI and the REST API (/api/v1, OpenAPI at /api/v1/openapi.json). Stateless: run as many as you like behind a load balancer.",
      "Needs the schema and topics of 'webmon init', web.admin-password and web.api-token. Stops cleanly on SIGTERM/Ctrl-C."
    })
final class WebCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(
        WebConfig.KEYS, List.of(CheckConfig.ALLOWED_NETWORKS), KafkaConfig.KEYS, TopicsConfig.KEYS, PostgresConfig.KEYS);
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    WebConfig web = WebConfig.from(settings);
    KafkaConfig kafka = KafkaConfig.from(settings);
    TopicsConfig topics = TopicsConfig.from(settings);
    PostgresConfig postgres = PostgresConfig.from(settings);
    AddressPolicy addresses = AddressPolicy.of(settings.get(CheckConfig.ALLOWED_NETWORKS));
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.countDown();
              try {
                stopped.await(15, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "webmon-web-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (HikariDataSource db = Database.pool(postgres, "web");
        KafkaTargetPublisher publisher = KafkaTargetPublisher.create(kafka, topics.targets(), web.publishTimeout());
        WebApp app =
            WebApp.create(
                web, db, publisher, publisher.policies(topics.alertPolicies()), publisher.maintenance(topics.maintenance()),
                publisher.incidentCommands(topics.incidentCommands()), addresses, Clock.systemUTC(), registry)) {
      WebApp.requireSchema(db);
      db.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(registry));
      app.start();
      Optional<OpsServer> ops =
          OpsEndpoint.start("Web", web.metricsHost(), web.metricsPort(), registry, new WebHealth(app, db, publisher));
      out.println("webmon web: listening on " + app.url() + " (log in as 'admin'; API: " + app.url() + "api/v1/openapi.json)");
      out.flush();
      try {
        stop.await();
      } finally {
        ops.ifPresent(OpsServer::close);
      }
      out.println("webmon web: stopping");
      out.flush();
    } finally {
      stopped.countDown();
    }
    return Main.EXIT_OK;
  }
}
