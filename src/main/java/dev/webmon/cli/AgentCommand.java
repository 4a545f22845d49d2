package dev.webmon.cli;

import dev.webmon.agent.Agent;
import dev.webmon.agent.AgentConfig;
import dev.webmon.check.CheckConfig;
import dev.webmon.check.HttpChecker;
import dev.webmon.config.ConfigException;
import dev.webmon.config.ConfigKey;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.Settings;
import dev.webmon.config.TopicsConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code webmon agent}. */
@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description = {
      "Check the targets of this agent's share of its location and publish the results to Kafka.",
      "Agents with the same location form the consumer group webmon-agent.<location> on the targets topic and split the"
          + " targets between them; when one dies its targets move to the others within about agent.session-timeout.",
      "Stops cleanly on SIGTERM/Ctrl-C: leaves the group, finishes running checks, delivers their results."
    })
final class AgentCommand implements Callable<Integer>, ConfigOptions.Configurable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--location", paramLabel = "NAME", description = "Short for --agent-location.")
  String location;

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ConfigOptions.keys(KafkaConfig.KEYS, TopicsConfig.KEYS, AgentConfig.KEYS, CheckConfig.KEYS);
  }

  @Override
  public Integer call() throws InterruptedException {
    Settings settings = ConfigOptions.settings(spec, configKeys());
    if (location != null) {
      if (spec.commandLine().getParseResult().hasMatchedOption(AgentConfig.LOCATION.flag())) {
        throw new ConfigException("give the location once: --location or " + AgentConfig.LOCATION.flag() + ", not both.");
      }
      settings = settings.withOverrides(Map.of(AgentConfig.LOCATION.name(), location));
    }
    KafkaConfig kafka = KafkaConfig.from(settings);
    TopicsConfig topics = TopicsConfig.from(settings);
    AgentConfig config = AgentConfig.from(settings);
    CheckConfig check = CheckConfig.from(settings);
    HttpChecker checker = new HttpChecker(check, config.location(), config.agentId());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Agent agent = Agent.start(kafka, topics, config, checker, InstantSource.system(), registry);
    Lifecycle.serve(
        "agent", agent::close, () -> OpsEndpoint.start("Agent", config.metricsHost(), config.metricsPort(), registry, agent::health));
    agent.awaitStop();
    return Main.EXIT_OK;
  }
}
