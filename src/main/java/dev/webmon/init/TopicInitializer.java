package dev.webmon.init;

import dev.webmon.WebmonException;
import dev.webmon.config.Durations;
import dev.webmon.config.KafkaConfig;
import dev.webmon.config.TopicsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates or verifies webmon's topics. Idempotent; reports conflicts with the command that fixes them. */
public final class TopicInitializer implements AutoCloseable {
  private final Admin admin;
  private final KafkaConfig kafka;
  private final TopicsConfig topics;
  private final Duration timeout;

  public TopicInitializer(KafkaConfig kafka, TopicsConfig topics) {
    this.kafka = kafka;
    this.topics = topics;
    this.timeout = kafka.requestTimeout();
    Map<String, Object> props = new LinkedHashMap<>(kafka.clientProperties());
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "webmon-init");
    // Bounded: an unreachable cluster must fail within the request timeout, not retry forever.
    props.put(AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1000);
    try {
      this.admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new WebmonException(
          "Cannot reach Kafka at " + kafka.bootstrapServers() + ": " + e.getMessage()
              + ". Check kafka.bootstrap-servers.", e);
    }
  }

  /** The outcome for one topic. */
  public record TopicReport(String topic, Status status, String message) {}

  /** What init did to a topic. */
  public enum Status {
    CREATED,
    OK,
    CONFLICT
  }

  /** How long Kafka keeps incident transitions: room to replay into a new sink or notifier. */
  static final Duration INCIDENTS_RETENTION = Duration.ofDays(30);

  /** How long Kafka keeps acknowledgements and other commands to the alerter. */
  static final Duration COMMANDS_RETENTION = Duration.ofDays(7);

  private static Map<String, String> deleteAfter(Duration retention) {
    return Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
  }

  /** The topics webmon needs with their required settings. */
  List<NewTopic> desiredTopics(int brokers) {
    short rf = (short) (topics.replicationFactor() > 0 ? topics.replicationFactor() : Math.min(3, brokers));
    List<NewTopic> out = new ArrayList<>();
    out.add(topic(topics.targets(), topics.partitions(), rf, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    out.add(
        topic(
            topics.results(),
            topics.partitions(),
            rf,
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(topics.resultsRetention().toMillis()))));
    out.add(
        topic(
            topics.dlq(),
            Math.min(3, topics.partitions()),
            rf,
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, Long.toString(topics.dlqRetention().toMillis()))));
    // Keyed by target id and partitioned like results, so a target's results, incidents and
    // commands meet in one alerter task.
    out.add(topic(topics.incidents(), topics.partitions(), rf, deleteAfter(INCIDENTS_RETENTION)));
    out.add(
        topic(topics.incidentCommands(), topics.partitions(), rf, deleteAfter(COMMANDS_RETENTION)));
    // Few and small: every alerter instance reads all of them (a global store).
    out.add(topic(topics.alertPolicies(), 1, rf, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    // The same for maintenance windows: alerters and agents read all of them.
    out.add(topic(topics.maintenance(), 1, rf, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    return out;
  }

  private static NewTopic topic(String name, int partitions, short rf, Map<String, String> config) {
    Map<String, String> all = new LinkedHashMap<>(config);
    if (rf >= 3) {
      all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
    }
    return new NewTopic(name, partitions, rf).configs(all);
  }

  /** Creates missing topics and verifies existing ones. */
  public List<TopicReport> apply() {
    int brokers = await(admin.describeCluster().nodes(), "describe the cluster").size();
    List<NewTopic> desired = desiredTopics(brokers);
    Set<String> existing = await(admin.listTopics().names(), "list topics");
    List<TopicReport> reports = new ArrayList<>();
    for (NewTopic topic : desired) {
      if (existing.contains(topic.name())) {
        reports.add(verify(topic));
      } else {
        reports.add(create(topic));
      }
    }
    return reports;
  }

  private TopicReport create(NewTopic topic) {
    try {
      await(admin.createTopics(List.of(topic)).all(), "create topic " + topic.name());
    } catch (WebmonException e) {
      if (e.getCause() instanceof TopicExistsException) {
        return verify(topic); // created concurrently by another init
      }
      throw e;
    }
    return new TopicReport(
        topic.name(),
        Status.CREATED,
        "created: " + topic.numPartitions() + " partitions, replication factor " + topic.replicationFactor()
            + ", " + describe(topic.configs()));
  }

  private TopicReport verify(NewTopic wanted) {
    TopicDescription description =
        await(admin.describeTopics(List.of(wanted.name())).allTopicNames(), "describe topic " + wanted.name())
            .get(wanted.name());
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, wanted.name());
    Config actual = await(admin.describeConfigs(List.of(resource)).all(), "describe topic configs").get(resource);
    List<String> problems = new ArrayList<>();
    int partitions = description.partitions().size();
    if (partitions < wanted.numPartitions()) {
      problems.add(
          "has " + partitions + " partitions, expected " + wanted.numPartitions()
              + "; fix: kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers()
              + " --alter --topic " + wanted.name() + " --partitions " + wanted.numPartitions()
              + " (note: adding partitions moves keys to other partitions)");
    } else if (partitions > wanted.numPartitions()) {
      problems.add(
          "has " + partitions + " partitions, more than topics.partitions=" + wanted.numPartitions()
              + "; partitions cannot be removed: set topics.partitions=" + partitions);
    }
    int rf = description.partitions().get(0).replicas().size();
    if (rf < wanted.replicationFactor()) {
      problems.add(
          "has replication factor " + rf + ", expected " + wanted.replicationFactor()
              + "; fix: kafka-reassign-partitions.sh with a plan that adds replicas, or set topics.replication-factor=" + rf);
    }
    for (Map.Entry<String, String> e : wanted.configs().entrySet()) {
      ConfigEntry entry = actual.get(e.getKey());
      String value = entry == null ? null : entry.value();
      if (!e.getValue().equals(value)) {
        problems.add(
            e.getKey() + "=" + value + ", expected " + e.getValue()
                + "; fix: kafka-configs.sh --bootstrap-server " + kafka.bootstrapServers()
                + " --alter --entity-type topics --entity-name " + wanted.name()
                + " --add-config " + e.getKey() + "=" + e.getValue());
      }
    }
    if (problems.isEmpty()) {
      return new TopicReport(wanted.name(), Status.OK, "exists as expected (" + partitions + " partitions, replication factor " + rf + ")");
    }
    return new TopicReport(wanted.name(), Status.CONFLICT, String.join("\n    ", problems));
  }

  private static String describe(Map<String, String> configs) {
    List<String> parts = new ArrayList<>();
    configs.forEach(
        (k, v) -> {
          if (k.equals(TopicConfig.RETENTION_MS_CONFIG)) {
            parts.add("retention " + Durations.format(Duration.ofMillis(Long.parseLong(v))));
          } else {
            parts.add(k + "=" + v);
          }
        });
    return String.join(", ", parts);
  }

  private <T> T await(org.apache.kafka.common.KafkaFuture<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new WebmonException(
          "Kafka at " + kafka.bootstrapServers() + " did not answer within " + Durations.format(timeout)
              + " (trying to " + what + "). Is the cluster running and kafka.bootstrap-servers/kafka.security-protocol right?",
          e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        // The client's own deadline (same length as ours) may fire first: same meaning.
        throw new WebmonException(
            "Kafka at " + kafka.bootstrapServers() + " did not answer within " + Durations.format(timeout)
                + " (trying to " + what + "). Is the cluster running and kafka.bootstrap-servers/kafka.security-protocol right?",
            e.getCause());
      }
      Throwable cause = e.getCause();
      String hint = kafka.failureHint(cause).map(h -> " " + h).orElse("");
      throw new WebmonException(
          "Kafka at " + kafka.bootstrapServers() + " refused to " + what + ": " + String.valueOf(cause.getMessage()).replaceFirst("\\.$", "")
              + "." + hint,
          cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new WebmonException("Interrupted while trying to " + what, e);
    }
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(5));
  }
}
