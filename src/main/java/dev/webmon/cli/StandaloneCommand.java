package dev.webmon.cli;

import dev.webmon.agent.AgentConfig;
import dev.webmon.alerter.AlerterConfig;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.notifier.NotifierConfig;
import dev.webmon.sink.SinkConfig;
import dev.webmon.standalone.Standalone;
import dev.webmon.web.WebConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon standalone}: the whole monitor in one process. */
@Command(
    name = "standalone",
    mixinStandardHelpOptions = true,
    description = {
      "Run the whole monitor on this machine: an embedded PostgreSQL and an embedded Kafka broker (unless"
          + " --postgres-url / --kafka-bootstrap-servers point at external ones), init, the sink, the alerter, an agent and the web app.",
      "Data lives under --data-dir, so a restart keeps targets and history. Ctrl-C stops everything cleanly."
    })
final class StandaloneCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "webmon-data", description = "Where embedded data and generated credentials live. Default: ${DEFAULT-VALUE}.")
  Path dataDir;

  @Option(names = "--demo", description = "Also run a demo site on 127.0.0.1 (healthy, slow, flapping, failing endpoints) and monitor it.")
  boolean demo;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(
        KafkaConfig.KEYS,
        TopicsConfig.KEYS,
        PostgresConfig.KEYS,
        SinkConfig.KEYS,
        AlerterConfig.KEYS,
        NotifierConfig.KEYS,
        AgentConfig.KEYS,
        CheckConfig.KEYS,
        WebConfig.KEYS);
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    PrintWriter out = spec.commandLine().getOut();
    Standalone standalone =
        Standalone.start(
            settings,
            new Standalone.Options(dataDir, demo),
            line -> {
              out.println(line);
              out.flush();
            });
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println("webmon: stopping...");
                  out.flush();
                  standalone.close();
                  out.println("webmon: stopped");
                  out.flush();
                  stopped.countDown();
                },
                "webmon-standalone-shutdown"));
    out.println();
    out.println("webmon is running: " + standalone.webUrl());
    loginLines(standalone.credentials(), dataDir.resolve("web-credentials.properties"), standalone.webUrl()).forEach(out::println);
    standalone
        .opsUrl()
        .ifPresent(url -> out.println("  Metrics: " + url + "/metrics   health: " + url + "/health, " + url + "/ready"));
    out.println("  Ctrl-C stops everything.");
    out.flush();
    stopped.await();
    return Main.EXIT_OK;
  }

  /**
   * How to log in and call the API. A generated password or token is shown (it is only in the
   * data dir's private file); a configured one never is: stdout usually ends up in a log.
   */
  static List<String> loginLines(Standalone.WebCredentials login, Path file, String webUrl) {
    String password =
        login.passwordConfigured()
            ? "as configured (" + WebConfig.ADMIN_PASSWORD.name() + ")"
            : "with password " + login.adminPassword() + (login.generated() ? "   (generated; kept in " + file + ")" : "");
    String token = login.tokenConfigured() ? "<" + WebConfig.API_TOKEN.name() + ">" : login.apiToken();
    return List.of(
        "  log in as admin " + password,
        "  API: curl -H 'Authorization: Bearer " + token + "' " + webUrl + "/api/v1/targets");
  }
}
