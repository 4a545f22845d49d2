package dev.webmon.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key, grouped by component, in documentation order. Adding a component's
 * keys here is what makes them settable from the environment and listed in
 * docs/configuration.md.
 */
public final class ConfigCatalog {
  private static final Map<String, List<ConfigKey<?>>> GROUPS = groups();

  private ConfigCatalog() {}

  private static Map<String, List<ConfigKey<?>>> groups() {
    Map<String, List<ConfigKey<?>>> g = new LinkedHashMap<>();
    g.put("Kafka connection", KafkaConfig.KEYS);
    g.put("Topics", TopicsConfig.KEYS);
    g.put("PostgreSQL", PostgresConfig.KEYS);
    g.put("Agent", dev.webmon.agent.AgentConfig.KEYS);
    g.put("Checks", dev.webmon.check.CheckConfig.KEYS);
    g.put("Sink", dev.webmon.sink.SinkConfig.KEYS);
    g.put("Web", dev.webmon.web.WebConfig.KEYS);
    return Collections.unmodifiableMap(g);
  }

  /** Groups of keys, by heading. */
  public static Map<String, List<ConfigKey<?>>> byGroup() {
    return GROUPS;
  }

  public static List<ConfigKey<?>> all() {
    List<ConfigKey<?>> all = new ArrayList<>();
    GROUPS.values().forEach(all::addAll);
    return all;
  }

  public static Optional<ConfigKey<?>> byName(String name) {
    return all().stream().filter(k -> k.name().equals(name)).findFirst();
  }
}
