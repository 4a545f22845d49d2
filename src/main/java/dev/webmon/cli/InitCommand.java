package dev.webmon.cli;

import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import dev.webmon.init.Initializer;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code webmon init}. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Create or verify the Kafka topics and migrate the PostgreSQL schema. Idempotent: a second run changes nothing and says so.",
      "A topic that exists with different settings is reported with the command that fixes it (exit 1)."
    })
final class InitCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(KafkaConfig.KEYS, TopicsConfig.KEYS, PostgresConfig.KEYS);
  }

  @Override
  public Integer call() {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    KafkaConfig kafka = KafkaConfig.from(settings);
    TopicsConfig topics = TopicsConfig.from(settings);
    PostgresConfig postgres = PostgresConfig.from(settings);
    Initializer.Report report = new Initializer(kafka, topics, postgres).run();
    PrintWriter out = spec.commandLine().getOut();
    report.lines().forEach(out::println);
    out.flush();
    return report.hasConflicts() ? Main.EXIT_FAILED : Main.EXIT_OK;
  }
}
