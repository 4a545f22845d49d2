package dev.webmon.cli;

import dev.webmon.agent.AgentConfig;
import dev.webmon.alerter.AlerterConfig;
import dev.webmon.check.CheckConfig;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.KeyCatalog;
import dev.webmon.config.PostgresConfig;
import dev.webmon.config.TopicsConfig;
import dev.webmon.sink.SinkConfig;
import dev.webmon.web.WebConfig;

/**
 * Every configuration key of every command, grouped by component in documentation order. Built
 * here, where the commands are assembled, so the {@code config} package names no component.
 * Adding a component's keys here is what makes them settable from the environment and listed in
 * docs/configuration.md.
 */
final class Catalog {
  static final KeyCatalog ALL =
      KeyCatalog.builder()
          .group("Kafka connection", KafkaConfig.KEYS)
          .group("Topics", TopicsConfig.KEYS)
          .group("PostgreSQL", PostgresConfig.KEYS)
          .group("Agent", AgentConfig.KEYS)
          .group("Checks", CheckConfig.KEYS)
          .group("Sink", SinkConfig.KEYS)
          .group("Alerter", AlerterConfig.KEYS)
          .group("Web", WebConfig.KEYS)
          .build();

  private Catalog() {}
}
