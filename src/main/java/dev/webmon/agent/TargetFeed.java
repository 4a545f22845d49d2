package dev.webmon.agent;

import dev.webmon.config.KafkaConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the targets topic as a member of the location's consumer group and keeps the {@link
 * TargetTable} in step: on assignment it seeks to the beginning of each new partition and reads it
 * to the end offset seen then; on revocation or loss it drops the partition's targets. It never
 * commits offsets: the table is rebuilt from the compacted topic on every assignment.
 *
 * <p>Not thread-safe: one thread calls {@link #runOnce(Duration)}; {@link #wakeup()} may be
 * called from any thread.
 */
final class TargetFeed implements ConsumerRebalanceListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TargetFeed.class);

  private final Consumer<String, byte[]> consumer;
  private final String topic;
  private final TargetTable table;
  private final AgentMetrics metrics;
  private final InstantSource clock;
  private final Set<TopicPartition> loading = new HashSet<>();
  private volatile Instant lastPoll;

  TargetFeed(Consumer<String, byte[]> consumer, String topic, TargetTable table, AgentMetrics metrics, InstantSource clock) {
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.table = Objects.requireNonNull(table, "table");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.lastPoll = clock.instant();
  }

  /**
   * Consumer settings for the location's group. The classic protocol lets the agent set a short
   * session timeout (failover in about that time); KIP-848's consumer protocol takes it from the
   * broker (45 s by default), see docs/operations.md.
   */
  static Map<String, Object> consumerProperties(KafkaConfig kafka, AgentConfig agent) {
    Map<String, Object> p = new HashMap<>(kafka.clientProperties());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, agent.groupId());
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "webmon-agent-" + agent.agentId());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Targets written in a transaction become visible only once committed.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    if (agent.groupProtocol() == AgentConfig.GroupProtocol.CLASSIC) {
      p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
      p.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Math.toIntExact(agent.sessionTimeout().toMillis()));
      p.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, Math.toIntExact(agent.heartbeatInterval().toMillis()));
      // Incremental rebalancing: partitions that stay with an agent are not revoked and reloaded.
      p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    } else {
      p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    }
    return p;
  }

  void subscribe() {
    consumer.subscribe(List.of(topic), this);
  }

  /** Polls once, applies what arrived and notes partitions whose initial load completed. */
  void runOnce(Duration pollTimeout) {
    ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
    table.applyAll(records);
    if (!loading.isEmpty()) {
      checkLoaded();
    }
    lastPoll = clock.instant();
  }

  private void checkLoaded() {
    int loaded = 0;
    int targets = 0;
    for (Iterator<TopicPartition> it = loading.iterator(); it.hasNext(); ) {
      TopicPartition tp = it.next();
      if (consumer.position(tp, Duration.ofSeconds(5)) >= table.loadEnd(tp)) {
        it.remove();
        loaded++;
        targets += table.targetCount(tp);
      }
    }
    if (loaded > 0) {
      log.info(
          "loaded {} assigned partition(s) with {} target(s); holding {} partition(s), {} target(s){}",
          loaded,
          targets,
          table.partitionCount(),
          table.targetCount(),
          loading.isEmpty() ? "" : " (" + loading.size() + " still loading)");
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> ends;
    try {
      ends = consumer.endOffsets(partitions);
      loading.addAll(partitions);
    } catch (RuntimeException e) {
      // Never leave an assigned partition out of the table: without its end offset every record
      // counts as existing (first check within the spread, not at once) until the next assignment.
      log.warn("cannot read the end offsets of {}: {}; loading them without", sorted(partitions), e.toString());
      ends = new HashMap<>();
      for (TopicPartition tp : partitions) {
        ends.put(tp, Long.MAX_VALUE);
      }
    }
    table.assigned(ends);
    metrics.rebalance("assigned", partitions.size());
    log.info("assigned {} partition(s) of {}: {}; loading their targets", partitions.size(), topic, sorted(partitions));
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    drop(partitions, "revoked");
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    drop(partitions, "lost");
  }

  private void drop(Collection<TopicPartition> partitions, String how) {
    if (partitions.isEmpty()) {
      return;
    }
    loading.removeAll(partitions);
    int dropped = table.removed(partitions);
    metrics.rebalance(how, partitions.size());
    log.info(
        "{} {} partition(s): {}; stopped {} target(s); holding {} partition(s), {} target(s)",
        how,
        partitions.size(),
        sorted(partitions),
        dropped,
        table.partitionCount(),
        table.targetCount());
  }

  private static List<Integer> sorted(Collection<TopicPartition> partitions) {
    return partitions.stream().map(TopicPartition::partition).sorted().toList();
  }

  /** When the last poll returned. */
  Instant lastPoll() {
    return lastPoll;
  }

  /** Makes a blocked {@link #runOnce(Duration)} throw {@code WakeupException}. Any thread. */
  void wakeup() {
    consumer.wakeup();
  }

  /** Leaves the group (a clean leave: the partitions move at once) and closes the consumer. */
  @Override
  public void close() {
    consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
  }
}
