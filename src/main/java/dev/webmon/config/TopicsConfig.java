package dev.webmon.config;

import java.time.Duration;
import java.util.List;

/**
 * Names and shape of webmon's topics.
 *
 * @param replicationFactor 0 means min(3, number of brokers)
 */
public record TopicsConfig(
    String prefix, int partitions, int replicationFactor, Duration resultsRetention, Duration dlqRetention) {

  public static final ConfigKey<String> PREFIX =
      ConfigKey.of(
          "topics.prefix",
          "webmon",
          "Prefix of the topic names: <prefix>.targets, <prefix>.results, <prefix>.dlq.",
          Parser.kafkaName());
  public static final ConfigKey<Integer> PARTITIONS =
      ConfigKey.of(
          "topics.partitions",
          "12",
          "Partitions of the targets and results topics (the upper bound for agents per location and sink instances).",
          Parser.intInRange(1, 10_000));
  public static final ConfigKey<Integer> REPLICATION_FACTOR =
      ConfigKey.of(
          "topics.replication-factor",
          "0",
          "Replication factor of created topics; 0 means min(3, number of brokers).",
          Parser.intInRange(0, 32));
  public static final ConfigKey<Duration> RESULTS_RETENTION =
      ConfigKey.of(
          "topics.results-retention",
          "7d",
          "How long Kafka keeps check results (the sink normally consumes them within seconds).",
          Parser.duration(Duration.ofHours(1), Duration.ofDays(3650)));
  public static final ConfigKey<Duration> DLQ_RETENTION =
      ConfigKey.of(
          "topics.dlq-retention",
          "30d",
          "How long Kafka keeps dead-letter records for inspection.",
          Parser.duration(Duration.ofHours(1), Duration.ofDays(3650)));

  public static final List<ConfigKey<?>> KEYS =
      List.of(PREFIX, PARTITIONS, REPLICATION_FACTOR, RESULTS_RETENTION, DLQ_RETENTION);

  public static TopicsConfig from(Settings s) {
    return new TopicsConfig(
        s.get(PREFIX), s.get(PARTITIONS), s.get(REPLICATION_FACTOR), s.get(RESULTS_RETENTION), s.get(DLQ_RETENTION));
  }

  public String targets() {
    return prefix + ".targets";
  }

  public String results() {
    return prefix + ".results";
  }

  public String dlq() {
    return prefix + ".dlq";
  }

  /** Incident transitions decided by the alerter, keyed by target id. */
  public String incidents() {
    return prefix + ".incidents";
  }

  /** Commands to the alerter (acknowledgements), keyed by target id. */
  public String incidentCommands() {
    return prefix + ".incident-commands";
  }

  /** Named alert policies, compacted, keyed by policy name. */
  public String alertPolicies() {
    return prefix + ".alert-policies";
  }

  /** Maintenance windows, compacted, keyed by window id. */
  public String maintenance() {
    return prefix + ".maintenance";
  }
}
